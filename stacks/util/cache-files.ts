/** The project's cache under ~/.cache (or $XDG_CACHE_HOME): files shared by every stack on the machine. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export function cacheBase(env: Record<string, string | undefined> = process.env): string {
  return path.join(env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache"), "kfp-protein-stack");
}

/** Writes a cache file so that readers see the whole file or none (concurrent stacks share the cache). */
export function writeAtomically(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
