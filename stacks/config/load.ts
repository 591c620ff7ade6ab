import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "./schema";
import type { PipelineParameters } from "../../pipelines/protein/presets";
import { StackConfig } from "./types";
import { parseStackConfig } from "./parse";
import { nodeFileAccess } from "./files";

/** Reads `pulumi config` for this project and validates it. Throws ConfigError listing every problem. */
export function loadConfig(pipelineParameters?: PipelineParameters): StackConfig {
  return configFromEngineValues(pulumi.runtime.allConfig(), pulumi.getStack(), pipelineParameters);
}

/**
 * Config values as the engine hands them to the program (`<project>:<key>` → string), validated: what
 * loadConfig does inside the engine, and `npm run compile` with a stack file's values outside it.
 */
export function configFromEngineValues(
  all: Record<string, string>,
  stackName: string,
  pipelineParameters?: PipelineParameters,
): StackConfig {
  return parseStackConfig(flattenConfig(all, PROJECT), {
    stackName,
    env: process.env,
    pipelineParameters,
    files: nodeFileAccess,
  });
}

/**
 * This project's keys as dotted paths. The engine treats the dotted keys Pulumi.yaml declares as
 * property paths, so values set with `npm run config -- set --path cluster.mode existing` (and the
 * declared defaults) arrive as objects (`cluster` = `{"mode": …}`); a key set without `--path`
 * arrives flat (`cluster.mode`) and, being set explicitly, wins over the object's value.
 */
export function flattenConfig(all: Record<string, string>, project: string): Record<string, unknown> {
  // Null-prototype maps: a key such as `__proto__` or `toString` is a key like any other (and then unknown).
  const nested: Record<string, unknown> = Object.create(null);
  const flat: Record<string, unknown> = Object.create(null);
  const prefix = `${project}:`;
  const walk = (key: string, value: unknown, depth: number) => {
    // Deeper than any known key: kept whole, as an unknown key's value (no recursion to overflow the stack).
    if (typeof value === "object" && value !== null && !Array.isArray(value) && depth < MAX_KEY_DEPTH) {
      for (const [k, v] of Object.entries(value)) walk(`${key}.${k}`, v, depth + 1);
    } else {
      nested[key] = value;
    }
  };
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    const structured = parseObject(text);
    if (structured && !key.includes(".")) walk(key, structured, 1);
    else flat[key] = text;
  }
  return Object.assign(Object.create(null), nested, flat);
}

/** Known keys have at most 3 parts (`cluster.minikube.cpus`). */
const MAX_KEY_DEPTH = 8;

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith("{")) return undefined;
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
