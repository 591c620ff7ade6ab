import { CONFIG_KEYS, KeySpec } from "./schema";
import { DNS_LABEL, Problems } from "./checks";
import { ConfigError, ParseContext, StackConfig } from "./types";
import {
  parseAmber,
  parseCluster,
  parseKfp,
  parseObjectStore,
  parsePipeline,
  parseRegistry,
  parseWorkflowController,
} from "./sections";
import { gpuProblems } from "./step-resources";

/** Pure: raw config values (strings as Pulumi stores them, or typed values) → a validated StackConfig. */
export function parseStackConfig(raw: Record<string, unknown>, ctx: ParseContext): StackConfig {
  const problems = new Problems();
  const env = ctx.env ?? {};
  for (const key of Object.keys(raw)) {
    if (!(key in CONFIG_KEYS)) problems.add(unknownKeyMessage(key));
  }
  const values = readTypedValues(raw, problems);
  const list = (k: string) => values[k] as string[] | undefined;
  const str = (k: string) => values[k] as string;
  const int = (k: string) => values[k] as number;
  const bool = (k: string) => values[k] as boolean;

  const cluster = parseCluster(str, int, bool, ctx.stackName, env, problems);
  const kfp = parseKfp(str, int, bool, problems);
  const objectStore = parseObjectStore(str, problems);
  const registry = parseRegistry(str, int, bool, problems);
  const amber = parseAmber(str, bool, cluster, registry, problems);
  const workflowController = parseWorkflowController(int, bool, problems);
  const pipeline = parsePipeline(str, int, bool, list, ctx.pipelineParameters, problems);
  for (const problem of gpuProblems(pipeline, cluster)) problems.add(problem);
  if (!DNS_LABEL.test(ctx.stackName.toLowerCase())) {
    problems.add(
      `the stack name "${ctx.stackName}" must be a DNS label (letters, digits, '-'): it names cluster objects. Fix: pulumi stack init <name>.`,
    );
  }
  problems.throwIfAny((list) => new ConfigError(list));
  return { stackName: ctx.stackName, cluster, kfp, objectStore, registry, amber, workflowController, pipeline };
}

type Value = string | number | boolean | string[] | undefined;

function readTypedValues(raw: Record<string, unknown>, problems: Problems): Record<string, Value> {
  const values: Record<string, Value> = {};
  for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
    values[key] = key in raw ? coerce(key, raw[key], spec, problems) : spec.default;
  }
  return values;
}

function coerce(key: string, value: unknown, spec: KeySpec, problems: Problems): Value {
  const text = typeof value === "string" ? value.trim() : value;
  switch (spec.type) {
    case "array":
      return stringList(key, text, problems);
    case "boolean":
      if (text === true || text === "true") return true;
      if (text === false || text === "false") return false;
      problems.add(
        `${key}: expected true or false, got ${JSON.stringify(value)}. Fix: pulumi config set --path ${key} true|false`,
      );
      return spec.default;
    case "integer": {
      const n = typeof text === "number" ? text : typeof text === "string" && /^-?\d+$/.test(text) ? Number(text) : NaN;
      if (Number.isInteger(n)) return n;
      problems.add(
        `${key}: expected a whole number, got ${JSON.stringify(value)}. Fix: pulumi config set --path ${key} ${spec.default}`,
      );
      return spec.default;
    }
    case "string":
      if (typeof text === "string") return text;
      // The engine hands a number-like value of a structured key as a number, even a declared default
      // "1" (checked with the 3.248.0 engine: pipeline.resources.md.cpuRequest arrives as 1).
      if (typeof text === "number" && Number.isFinite(text)) return String(text);
      problems.add(`${key}: expected a string, got ${JSON.stringify(value)}.`);
      return spec.default;
  }
}

/** A list as the engine hands it (an array), as JSON text, or as `a,b` text from `pulumi config set` without --path. */
function stringList(key: string, value: unknown, problems: Problems): string[] | undefined {
  let items = value;
  if (typeof value === "string") {
    try {
      items = value.startsWith("[") ? JSON.parse(value) : value === "" ? [] : value.split(",");
    } catch {
      items = undefined;
    }
  }
  if (Array.isArray(items) && items.every((item) => typeof item === "string")) return items.map((s) => s.trim());
  problems.add(
    `${key}: expected a list of strings, got ${JSON.stringify(value)}. Fix: pulumi config set --path '${key}[0]' <value>`,
  );
  return undefined;
}

function unknownKeyMessage(key: string): string {
  const suggestion = closestKey(key);
  const hint = suggestion
    ? ` Did you mean "${suggestion}"? Fix: pulumi config rm --path ${key} && pulumi config set --path ${suggestion} <value>`
    : ` Fix: pulumi config rm --path ${key} (known keys are listed in Pulumi.yaml and README).`;
  return `${key}: unknown config key.${hint}`;
}

function closestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const known of Object.keys(CONFIG_KEYS)) {
    const d = editDistance(key.toLowerCase(), known.toLowerCase());
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(3, Math.floor(key.length / 4)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
