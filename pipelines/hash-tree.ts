/**
 * One way to hash files under a root: sha256 over `relative path NUL contents NUL` of every included file,
 * paths `/`-separated and visited in localeCompare order. The AMBER image tag, the dynamic providers'
 * serialization cache and the local runner's cache all key on it (test/pipelines/hash-tree.test.ts and
 * the build-context test pin its bytes).
 */
import { createHash, Hash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export interface HashTreeOptions {
  /** Directories (walked) and files below the root to hash, in this order; default the whole root. Missing files are skipped. */
  paths?: readonly string[];
  /** Whether a file (path relative to the root) is hashed; default every file. */
  include?: (relPath: string) => boolean;
}

export function hashTree(root: string, o: HashTreeOptions = {}): string {
  const hash = createHash("sha256");
  const include = o.include ?? (() => true);
  for (const rel of o.paths ?? [""]) {
    const full = path.join(root, rel);
    if (rel === "" || fs.statSync(full, { throwIfNoEntry: false })?.isDirectory()) walk(hash, root, rel, include);
    else if (fs.existsSync(full) && include(rel)) addFile(hash, root, rel);
  }
  return hash.digest("hex");
}

function walk(hash: Hash, root: string, rel: string, include: (relPath: string) => boolean): void {
  const entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(hash, root, child, include);
    else if (entry.isFile() && include(child)) addFile(hash, root, child);
  }
}

function addFile(hash: Hash, root: string, rel: string): void {
  hash
    .update(`${rel}\0`)
    .update(fs.readFileSync(path.join(root, rel)))
    .update("\0");
}
