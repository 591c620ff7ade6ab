import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { flattenConfig, parseStackConfig, PROJECT, StackConfig } from "../../stacks/config";
import { knownPipelineParameters } from "../../pipelines/protein/parameters";

/**
 * A stack's config as the engine hands it to the program (`<project>:<key>` → string; structured
 * values as JSON), from `Pulumi.<stack>.yaml`, with `--set key=value` overrides set as flat keys, which
 * win over structured ones exactly as `npm run config -- set <key>` (without --path) does.
 */
export function stackConfigValues(projectDir: string, stack: string, sets: readonly string[]): Record<string, string> {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  const values: Record<string, string> = {};
  if (fs.existsSync(file)) {
    const doc = (YAML.parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    for (const [key, value] of Object.entries(doc.config ?? {})) {
      if (containsSecure(value))
        throw new Error(
          `${file}: ${key} holds an encrypted (secure) value, which render cannot read. Fix: --set it, or render another stack.`,
        );
      values[key] = typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
    }
  } else if (stack !== "dev") {
    throw new Error(
      `--stack ${stack}: ${file} does not exist. Fix: give it a config with \`npm run config -- --stack ${stack} set --path <key> <value>\`, or pass --stack dev.`,
    );
  }
  for (const set of sets) {
    const eq = set.indexOf("=");
    if (eq <= 0) throw new Error(`--set ${set}: expected key=value, e.g. --set kfp.source=path`);
    const key = set.slice(0, eq);
    values[key.includes(":") ? key : `${PROJECT}:${key}`] = set.slice(eq + 1);
  }
  return values;
}

function containsSecure(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  if ("secure" in (value as object)) return true;
  return Object.values(value as object).some(containsSecure);
}

/** A stack's validated config read from its file, without the engine (as render and compile see it). */
export function readStackConfig(projectDir: string, stack: string, sets: readonly string[] = []): StackConfig {
  const raw = flattenConfig(stackConfigValues(projectDir, stack, sets), PROJECT);
  return parseStackConfig(raw, { stackName: stack, env: process.env, pipelineParameters: knownPipelineParameters() });
}
