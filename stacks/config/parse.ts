import { CONFIG_KEYS, KeySpec } from "./schema";
import { isDnsLabel, Problems, shown, shownKey } from "./checks";
import { fileProblems } from "./files";
import { shellQuote } from "../util/shell";
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
    if (!Object.hasOwn(CONFIG_KEYS, key)) problems.add(unknownKeyMessage(key));
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
  if (!isDnsLabel(ctx.stackName.toLowerCase())) {
    problems.add(
      `the stack name ${shown(ctx.stackName)} must be a DNS label (at most 63 letters, digits, '-'): it names cluster objects. Fix: pick a stack name such as lab-1 (npm run up -- --stack <name>).`,
    );
  }
  if (ctx.files) {
    const kfpPath = kfp.source.kind === "path" && str("kfp.path") ? kfp.source.path : undefined;
    fileProblems({ kubeconfig: cluster.kubeconfigPath, kfpPath, kfpVersion: kfp.version }, ctx.files, problems);
  }
  problems.throwIfAny((list) => new ConfigError(list));
  return { stackName: ctx.stackName, cluster, kfp, objectStore, registry, amber, workflowController, pipeline };
}

type Value = string | number | boolean | string[] | undefined;

function readTypedValues(raw: Record<string, unknown>, problems: Problems): Record<string, Value> {
  const values: Record<string, Value> = {};
  for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
    values[key] = Object.hasOwn(raw, key) ? coerce(key, raw[key], spec, problems) : spec.default;
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
        `${key}: expected true or false, got ${shown(value)}. Fix: npm run config -- set --path ${key} true|false`,
      );
      return spec.default;
    case "integer":
      return integer(key, text, spec, problems);
    case "string":
      if (typeof text === "string") return text;
      // The engine hands a number-like value of a structured key as a number, even a declared default
      // "1" (checked with the 3.248.0 engine: pipeline.resources.md.cpuRequest arrives as 1).
      if (typeof text === "number" && Number.isFinite(text)) return String(text);
      problems.add(`${key}: expected a string, got ${shown(value)}.`);
      return spec.default;
  }
}

/**
 * A whole number within the key's range, as digits or a number: never a value that a later layer turns into
 * `1e+23` or rounds (beyond 2^53), nor one that minikube, Kubernetes or a timer refuses.
 */
function integer(key: string, value: unknown, spec: KeySpec, problems: Problems): number {
  const n =
    typeof value === "number"
      ? value
      : typeof value === "string" && /^[-+]?\d{1,16}$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isSafeInteger(n)) {
    problems.add(
      `${key}: expected a whole number, got ${shown(value)}. Fix: npm run config -- set --path ${key} ${spec.default}`,
    );
    return spec.default as number;
  }
  const range = spec.range;
  if (range && (n < range.min || n > range.max)) {
    problems.add(
      `${key}: ${n} is out of range ${range.min}-${range.max} (${range.why}). Fix: npm run config -- set --path ${key} ${spec.default}`,
    );
    return spec.default as number;
  }
  return n;
}

/** A list as the engine hands it (an array), as JSON text, or as `a,b` text from `npm run config -- set` without --path. */
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
    `${key}: expected a list of strings, got ${shown(value)}. Fix: npm run config -- set --path '${key}[0]' <value>`,
  );
  return undefined;
}

function unknownKeyMessage(key: string): string {
  const name = shownKey(key);
  // The command is pasted into a shell: the key is one quoted word there, whatever it holds.
  const rm = `npm run config -- rm --path ${shellQuote(key)}`;
  const suggestion = closestKey(key);
  const hint = suggestion
    ? ` Did you mean "${suggestion}"? Fix: ${rm} && npm run config -- set --path ${suggestion} <value>`
    : ` Fix: ${rm} (known keys are listed in Pulumi.yaml and README).`;
  return `${name}: unknown config ${key === "" ? "key (an empty key)" : "key"}.${hint}`;
}

/** Known keys are short: a long key is compared with none (the edit distance costs length squared). */
const MAX_SUGGESTED_KEY_LENGTH = 100;

function closestKey(key: string): string | undefined {
  if (key.length === 0 || key.length > MAX_SUGGESTED_KEY_LENGTH) return undefined;
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
