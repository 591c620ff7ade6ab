/**
 * What a local run checks and prepares before any environment is built or any step runs: the structure
 * parameters (`pdb_code`, `pdb_source`; a relative directory is taken from the current directory) and an
 * IR that is missing or older than the pipeline's sources.
 */
import { existsSync, readdirSync, statSync } from "fs";
import { join, resolve } from "path";

/** `pdb_source` and `pdb_code` as the run will use them, or an error naming the parameter and the fix. */
export function checkStructureParams(params: [string, string][], defaults: Record<string, unknown>, cwd: string) {
  const value = (name: string) => [...params].reverse().find(([key]) => key === name)?.[1] ?? String(defaults[name]);
  const code = value("pdb_code");
  if (!/^[0-9a-z]{4}$/i.test(code))
    throw new Error(`--param pdb_code=${code}: a PDB code is 4 letters or digits, such as 1aki`);
  const source = value("pdb_source");
  if (source === "rcsb") return { pdbCode: code, pdbSource: source };
  const dir = resolve(cwd, source);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new Error(`--param pdb_source=${source}: ${dir} is not a directory (give rcsb or a directory of <code>.pdb)`);
  const names = readdirSync(dir).map((name) => name.toLowerCase());
  const wanted = [`${code.toLowerCase()}.pdb`, `pdb${code.toLowerCase()}.ent`];
  if (!names.some((name) => wanted.includes(name))) {
    const available = names.filter((name) => name.endsWith(".pdb")).map((name) => name.slice(0, -4));
    throw new Error(
      `--param pdb_code=${code}: unknown PDB code, no ${wanted[0]} in ${dir} (available: ${available.join(", ") || "none"})`,
    );
  }
  return { pdbCode: code, pdbSource: dir };
}

/** Newest modification time (ms) of the .ts files under `dirs`. */
export function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  dirs.forEach(walk);
  return newest;
}

/** Whether the IR must be compiled again: it is missing, or a pipeline source changed after it was written. */
export function irIsStale(irPath: string, sourceDirs: string[]): boolean {
  return !existsSync(irPath) || statSync(irPath).mtimeMs < newestSource(sourceDirs);
}
