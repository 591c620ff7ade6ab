/**
 * Checks of the files the config names (cluster.kubeconfig, kfp.path), so that a directory where a file is
 * expected, a device such as /dev/zero or manifests of another KFP release fail as config problems, before
 * anything is created. Reads are bounded; the file system comes in as FileAccess (tests pass their own).
 */
import * as fs from "fs";
import * as path from "path";
import { Problems, shown, shownPath } from "./checks";

export interface FileStat {
  type: "file" | "directory" | "other";
  size: number;
}

export interface FileAccess {
  /** undefined when nothing is at `p`; throws when it cannot be looked at (EACCES, ENOTDIR, …). */
  stat(p: string): FileStat | undefined;
  list(dir: string): string[];
  /** The first `maxBytes` bytes of a regular file. */
  readStart(p: string, maxBytes: number): string;
}

export const nodeFileAccess: FileAccess = {
  stat(p) {
    let s: fs.Stats;
    try {
      s = fs.statSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
    return { type: s.isFile() ? "file" : s.isDirectory() ? "directory" : "other", size: s.size };
  },
  list: (dir) => fs.readdirSync(dir),
  readStart(p, maxBytes) {
    const fd = fs.openSync(p, "r");
    try {
      const buffer = Buffer.alloc(maxBytes);
      let filled = 0;
      for (let n = -1; n !== 0 && filled < maxBytes; filled += n)
        n = fs.readSync(fd, buffer, filled, maxBytes - filled, null);
      return buffer.subarray(0, filled).toString("utf8");
    } finally {
      fs.closeSync(fd);
    }
  },
};

/** Far above a real kubeconfig; a larger "file" is something else. */
export const MAX_KUBECONFIG_BYTES = 16 * 2 ** 20;
/** KFP's rendered manifests are about 1 MB; the stack parses them in memory. */
export const MAX_MANIFEST_BYTES = 64 * 2 ** 20;

/** `kfpPath`: kfp.path when kfp.source is path (and kfp.path is set), else undefined. */
export function fileProblems(
  names: { kubeconfig: string; kfpPath?: string; kfpVersion: string },
  files: FileAccess,
  problems: Problems,
): void {
  const stat = statOrProblem("cluster.kubeconfig", names.kubeconfig, files, problems);
  // A kubeconfig that is not there yet is fine: minikube writes it, and the cluster says what is missing.
  if (stat && stat !== "missing") {
    isBoundedFile("cluster.kubeconfig", names.kubeconfig, stat, MAX_KUBECONFIG_BYTES, problems);
  }
  if (names.kfpPath !== undefined) manifestProblems(names.kfpPath, names.kfpVersion, files, problems);
}

/** undefined: it could not be looked at (a problem said so). */
function statOrProblem(
  key: string,
  p: string,
  files: FileAccess,
  problems: Problems,
): FileStat | "missing" | undefined {
  try {
    return files.stat(p) ?? "missing";
  } catch (e) {
    problems.add(
      `${key}: cannot look at ${shownPath(p)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
    );
    return undefined;
  }
}

/** Whether `p` is a regular file of at most `maxBytes`; adds the problem when not. */
function isBoundedFile(key: string, p: string, stat: FileStat, maxBytes: number, problems: Problems): boolean {
  const fix = `Fix: npm run config -- set --path ${key} <file>`;
  if (stat.type === "directory")
    problems.add(`${key}: ${shownPath(p)} is a directory where a file is expected (EISDIR). ${fix}`);
  else if (stat.type === "other")
    problems.add(`${key}: ${shownPath(p)} is not a regular file (a device, pipe or socket). ${fix}`);
  else if (stat.size > maxBytes)
    problems.add(`${key}: ${shownPath(p)} is larger than ${maxBytes / 2 ** 20} MiB. ${fix}`);
  else return true;
  return false;
}

/** kfp.path: a YAML file, or a directory of them (as readManifestPath reads it), of the release kfp.version names. */
function manifestProblems(p: string, version: string, files: FileAccess, problems: Problems): void {
  const stat = statOrProblem("kfp.path", p, files, problems);
  if (stat === "missing")
    problems.add(
      `kfp.path: ${shownPath(p)} does not exist. Fix: npm run config -- set --path kfp.path <dir or file of rendered KFP YAML>`,
    );
  if (stat === "missing" || stat === undefined) return;
  let yamlFiles = [p];
  if (stat.type === "directory") {
    try {
      yamlFiles = files
        .list(p)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(p, f));
    } catch (e) {
      problems.add(
        `kfp.path: cannot list ${shownPath(p)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`,
      );
      return;
    }
    if (yamlFiles.length === 0) {
      problems.add(`kfp.path: the directory ${shownPath(p)} holds no .yaml or .yml file.`);
      return;
    }
  }
  let budget = MAX_MANIFEST_BYTES;
  const found = new Set<string>();
  for (const file of yamlFiles) {
    const fileStat = file === p ? stat : statOrProblem("kfp.path", file, files, problems);
    if (fileStat === "missing") problems.add(`kfp.path: ${shownPath(file)} does not exist (a broken link?).`);
    if (fileStat === "missing" || fileStat === undefined) return;
    if (!isBoundedFile("kfp.path", file, fileStat, budget, problems)) return;
    budget -= fileStat.size;
    const text = files.readStart(file, fileStat.size);
    for (const m of text.matchAll(RELEASE_VERSION)) found.add(m[1] ?? m[2]);
  }
  if (found.size > 0 && !found.has(version)) {
    const theirs = [...found].sort().join(", ");
    problems.add(
      `kfp.version: ${shown(version)} differs from the release of the manifests at kfp.path (${theirs}). Fix: npm run config -- set --path kfp.version ${[...found][0]}`,
    );
  }
}

/** How KFP's manifests name their release: pipeline-install-config's appVersion and the API server's image tag. */
const RELEASE_VERSION = /^\s*appVersion:\s*["']?v?(\d+\.\d+\.\d+)["']?\s*$|kfp-api-server:v?(\d+\.\d+\.\d+)\b/gm;
