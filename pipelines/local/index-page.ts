/** The local run's `index.html`: the run report first, then every plot, log and file, as `npm run results` lays out a cluster run. */
import { readdirSync, statSync, writeFileSync } from "fs";
import { join, relative } from "path";
import { indexHtml, PlannedFile, readMetrics } from "../results/results-index";
import { EXECUTOR_OUTPUT_FILE } from "./execute";
import { STAMP_FILE } from "./cache";

export const REPORT_TASK = "run-report";
const BOOKKEEPING = new Set([EXECUTOR_OUTPUT_FILE, STAMP_FILE, "parameters"]);

/** Every result file of a local run, task by task (the runner's own bookkeeping left out). */
export function runFiles(outDir: string): PlannedFile[] {
  const files: PlannedFile[] = [];
  for (const task of readdirSync(outDir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const name of readdirSync(join(outDir, task.name)).sort()) {
      const path = join(outDir, task.name, name);
      if (BOOKKEEPING.has(name) || !statSync(path).isFile()) continue;
      files.push({
        key: relative(outDir, path),
        size: statSync(path).size,
        path: relative(outDir, path),
        task: task.name,
      });
    }
  }
  // The run report leads: it is the page that says what the run shows.
  return files.sort((a, b) => Number(b.task === REPORT_TASK) - Number(a.task === REPORT_TASK));
}

/** Writes `<out>/index.html`; returns its path. */
export function writeIndexPage(outDir: string, title: string): string {
  const files = runFiles(outDir);
  const path = join(outDir, "index.html");
  writeFileSync(path, indexHtml(title, files, readMetrics(outDir, files)));
  return path;
}
