/**
 * Input-hash cache: a task whose command, image, parameter values and input file contents are the
 * same as in its last successful run in this output directory, and whose outputs are still there,
 * is not run again. The hash of each input file is its content, so a change upstream invalidates
 * everything downstream of it.
 */
import { createHash } from "crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "fs";
import { join } from "path";
import { hashTree } from "../hash-tree";

export const STAMP_FILE = ".local-cache.json";

export interface CacheInputs {
  /** digest of the code the command runs (locally the image tag does not change when the code does) */
  codeVersion: string;
  image: string;
  command: string[];
  args: string[];
  parameters: Record<string, unknown>;
  /** input name → local file path */
  inputFiles: Record<string, string>;
}

export function fileDigest(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function sortedEntries<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function inputHash(inputs: CacheInputs): string {
  const canonical = JSON.stringify({
    code: inputs.codeVersion,
    image: inputs.image,
    command: inputs.command,
    args: inputs.args,
    parameters: sortedEntries(inputs.parameters),
    files: sortedEntries(inputs.inputFiles).map(([name, path]) => [name, fileDigest(path)]),
  });
  return createHash("sha256").update(canonical).digest("hex");
}

/** Digest of every file under `root` whose name ends with one of `extensions` (paths included). */
export function treeDigest(root: string, extensions: string[]): string {
  return hashTree(root, { include: (rel) => extensions.some((ext) => rel.endsWith(ext)) });
}

/** True when the task dir records `hash` from a successful run and every output file exists. */
export function isCached(taskDir: string, hash: string, outputFiles: string[]): boolean {
  const stamp = join(taskDir, STAMP_FILE);
  if (!existsSync(stamp)) return false;
  try {
    const recorded = JSON.parse(readFileSync(stamp, "utf8")) as { hash?: string };
    return recorded.hash === hash && outputFiles.every((file) => existsSync(file) && statSync(file).isFile());
  } catch {
    return false;
  }
}

export function recordSuccess(taskDir: string, hash: string): void {
  writeFileSync(join(taskDir, STAMP_FILE), JSON.stringify({ hash }) + "\n");
}
