/**
 * `npm run results`: a run's artifacts from the object store into `<out>/<run-id>/<task>/<output>.<ext>`,
 * an index.html linking every plot and listing every metric, and the metrics as a table.
 * KFP's v2 launcher writes each output at `<pipeline root>/<pipeline>/<run id>/<task>/…/<output name>`.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmdirSync, statSync, writeFileSync } from "fs";
import { dirname, join, relative } from "path";
import { S3Object } from "./s3";

export const ARTIFACT_BUCKET = "mlpipeline";
export const ARTIFACT_PREFIX = "v2/artifacts/";

/** File extension per output name of the protein pipeline's steps (images/amber/STEPS.md). */
const EXTENSIONS: Record<string, string> = {
  output_html: ".html",
  output_metrics: ".json",
  output_dat: ".dat",
  output_log: ".log",
  output_pdb: ".pdb",
  output_top: ".parmtop",
  output_crd: ".inpcrd",
  output_rst: ".rst",
  output_traj: ".nc",
};

export interface PlannedFile {
  key: string;
  size: number;
  /** Path below `<out>/<run-id>/`. */
  path: string;
}

/** Which objects of the run to fetch, and where: trajectories only when asked for. */
export function planDownloads(objects: S3Object[], runId: string, trajectories: boolean): PlannedFile[] {
  const planned: PlannedFile[] = [];
  const taken = new Set<string>();
  for (const object of [...objects].sort((a, b) => a.key.localeCompare(b.key))) {
    const parts = object.key.split("/");
    const at = parts.indexOf(runId);
    if (at < 0 || parts.length < at + 3) continue;
    const task = parts[at + 1];
    const output = parts[parts.length - 1];
    if (output === "output_traj" && !trajectories) continue;
    let path = `${task}/${output.replace(/^output_/, "")}${EXTENSIONS[output] ?? ""}`;
    // The same task more than once (a ParallelFor): number the later ones by their storage folder.
    for (let n = 2; taken.has(path); n++)
      path = `${task}-${n}/${output.replace(/^output_/, "")}${EXTENSIONS[output] ?? ""}`;
    taken.add(path);
    planned.push({ key: object.key, size: object.size, path });
  }
  return planned;
}

/** A file already there with the object's size is complete (downloads land by rename). */
export function isComplete(file: string, size: number): boolean {
  return existsSync(file) && statSync(file).size === size;
}

export type Metrics = Record<string, Record<string, number>>;

/** Every `<task>/metrics.json` under the run's folder, by task. */
export function readMetrics(runDir: string, files: PlannedFile[]): Metrics {
  const metrics: Metrics = {};
  for (const file of files.filter((f) => f.path.endsWith("/metrics.json"))) {
    try {
      metrics[dirname(file.path)] = JSON.parse(readFileSync(join(runDir, file.path), "utf8"));
    } catch {
      // a metrics file that is not JSON is listed as a file, not as metrics
    }
  }
  return metrics;
}

export function metricsTable(metrics: Metrics): string {
  const rows = Object.entries(metrics).flatMap(([task, values]) =>
    Object.entries(values).map(([name, value]) => [task, name, Number.isFinite(value) ? value.toPrecision(6) : "—"]),
  );
  if (rows.length === 0) return "no metrics in this run\n";
  const widths = [0, 1, 2].map((i) =>
    Math.max(...[["task", "metric", "value"], ...rows].map((r) => String(r[i]).length)),
  );
  const line = (r: (string | number)[]): string =>
    r
      .map((c, i) => String(c).padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return (
    [line(["task", "metric", "value"]), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n"
  );
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function indexHtml(runId: string, files: PlannedFile[], metrics: Metrics): string {
  const plots = files.filter((f) => f.path.endsWith(".html"));
  const others = files.filter((f) => !f.path.endsWith(".html"));
  const link = (f: PlannedFile): string => `<li><a href="${escapeHtml(f.path)}">${escapeHtml(f.path)}</a></li>`;
  const metricRows = Object.entries(metrics).flatMap(([task, values]) =>
    Object.entries(values).map(
      ([name, value]) => `<tr><td>${escapeHtml(task)}</td><td>${escapeHtml(name)}</td><td>${value}</td></tr>`,
    ),
  );
  return [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>Run ${escapeHtml(runId)}</title></head><body>`,
    `<h1>Run ${escapeHtml(runId)}</h1>`,
    "<h2>Plots</h2>",
    `<ul>${plots.map(link).join("")}</ul>`,
    "<h2>Metrics</h2>",
    `<table><tr><th>task</th><th>metric</th><th>value</th></tr>${metricRows.join("")}</table>`,
    "<h2>Files</h2>",
    `<ul>${others.map(link).join("")}</ul>`,
    "</body></html>",
    "",
  ].join("\n");
}

export interface Store {
  list(bucket: string, prefix: string): Promise<S3Object[]>;
  download(bucket: string, key: string, file: string): Promise<number>;
}

export interface ResultsSummary {
  runDir: string;
  downloaded: number;
  skipped: number;
  files: PlannedFile[];
  metrics: Metrics;
}

/**
 * Lists first (a wrong credential, an unreachable store or an unknown run fail here, before anything is
 * written), then downloads what is not complete yet, then writes index.html.
 */
export async function downloadResults(
  store: Store,
  runId: string,
  outDir: string,
  options: { trajectories: boolean; log: (line: string) => void },
): Promise<ResultsSummary> {
  const objects = (await store.list(ARTIFACT_BUCKET, ARTIFACT_PREFIX)).filter((o) => o.key.split("/").includes(runId));
  if (objects.length === 0) {
    throw new Error(
      `no artifacts of run ${runId} in s3://${ARTIFACT_BUCKET}/${ARTIFACT_PREFIX}: check --run (has the run started a step yet?)`,
    );
  }
  const files = planDownloads(objects, runId, options.trajectories);
  const runDir = join(outDir, runId);
  let downloaded = 0;
  let skipped = 0;
  for (const file of files) {
    const target = join(runDir, file.path);
    if (isComplete(target, file.size)) {
      skipped++;
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    await store.download(ARTIFACT_BUCKET, file.key, target);
    downloaded++;
    options.log(`  ${relative(outDir, target)} (${file.size} bytes)`);
  }
  const metrics = readMetrics(runDir, files);
  const index = join(runDir, "index.html");
  writeFileSync(`${index}.part`, indexHtml(runId, files, metrics));
  renameSync(`${index}.part`, index);
  return { runDir, downloaded, skipped, files, metrics };
}

/** Removes the empty folders a failed attempt left (complete files, and their folders, stay). */
export function pruneEmptyDirs(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
  for (const entry of readdirSync(dir)) pruneEmptyDirs(join(dir, entry));
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}
