/** The run's index.html and metrics table, grouped by protein in a batch run. */
import { readFileSync } from "fs";
import { join } from "path";
import { isLogFile } from "./output-files";

export interface PlannedFile {
  key: string;
  size: number;
  /** Path below `<out>/<run-id>/`: `[<protein>/]<task>/<file>`. */
  path: string;
  /** The task's folder name (numbered `<task>-2`, … when a task repeats without a protein to tell them apart). */
  task: string;
  /** The batch iteration's PDB code, when the run's Workflow told it. */
  protein?: string;
}

export interface TaskMetrics {
  protein?: string;
  task: string;
  values: Record<string, number>;
}

/** Every `metrics.json` the run has, with its task (and protein). */
export function readMetrics(runDir: string, files: PlannedFile[]): TaskMetrics[] {
  const metrics: TaskMetrics[] = [];
  for (const file of files.filter((f) => f.path.endsWith("/metrics.json"))) {
    try {
      const values = JSON.parse(readFileSync(join(runDir, file.path), "utf8")) as Record<string, number>;
      metrics.push({ ...(file.protein ? { protein: file.protein } : {}), task: file.task, values });
    } catch {
      // a metrics file that is not JSON is listed as a file, not as metrics
    }
  }
  return metrics;
}

/** Six significant digits, no float noise (`0.8893599999999999` → `0.88936`), `—` for NaN. */
export function shownMetric(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(6))) : "—";
}

export function metricsTable(metrics: TaskMetrics[]): string {
  const batch = metrics.some((m) => m.protein);
  const header = [...(batch ? ["protein"] : []), "task", "metric", "value"];
  const rows = metrics.flatMap((m) =>
    Object.entries(m.values).map(([name, value]) => [
      ...(batch ? [m.protein ?? "-"] : []),
      m.task,
      name,
      Number.isFinite(value) ? value.toPrecision(6) : "—",
    ]),
  );
  if (rows.length === 0) return "no metrics in this run\n";
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n") + "\n";
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Plots, metrics, logs and the other files of one group of tasks, under headings of level `h`. */
function sections(files: PlannedFile[], metrics: TaskMetrics[], h: string): string[] {
  const link = (f: PlannedFile): string => `<li><a href="${escapeHtml(f.path)}">${escapeHtml(f.path)}</a></li>`;
  const list = (title: string, chosen: PlannedFile[]): string[] =>
    chosen.length === 0 ? [] : [`<${h}>${title}</${h}>`, `<ul>${chosen.map(link).join("")}</ul>`];
  const rows = metrics.flatMap((m) =>
    Object.entries(m.values).map(
      ([name, value]) =>
        `<tr><td>${escapeHtml(m.task)}</td><td>${escapeHtml(name)}</td><td>${shownMetric(value)}</td></tr>`,
    ),
  );
  const plots = files.filter((f) => f.path.endsWith(".html"));
  const logs = files.filter((f) => isLogFile(f.path));
  return [
    ...list("Plots", plots),
    ...(rows.length === 0
      ? []
      : [`<${h}>Metrics</${h}>`, `<table><tr><th>task</th><th>metric</th><th>value</th></tr>${rows.join("")}</table>`]),
    ...list("Logs", logs),
    ...list(
      "Files",
      files.filter((f) => !plots.includes(f) && !logs.includes(f)),
    ),
  ];
}

export function indexHtml(runId: string, files: PlannedFile[], metrics: TaskMetrics[]): string {
  const proteins = [...new Set(files.map((f) => f.protein).filter((p): p is string => !!p))];
  const body =
    proteins.length === 0
      ? sections(files, metrics, "h2")
      : [
          `<p>Proteins: ${proteins.map((p) => `<a href="#${escapeHtml(p)}">${escapeHtml(p)}</a>`).join(", ")}</p>`,
          ...[...proteins, undefined].flatMap((protein) => {
            const chosen = files.filter((f) => f.protein === protein);
            if (chosen.length === 0) return [];
            const title = protein ?? "Tasks of no protein";
            return [
              `<h2 id="${escapeHtml(protein ?? "other")}">${escapeHtml(title)}</h2>`,
              ...sections(
                chosen,
                metrics.filter((m) => m.protein === protein),
                "h3",
              ),
            ];
          }),
        ];
  return [
    "<!doctype html>",
    `<html><head><meta charset="utf-8"><title>Run ${escapeHtml(runId)}</title></head><body>`,
    `<h1>Run ${escapeHtml(runId)}</h1>`,
    ...body,
    "</body></html>",
    "",
  ].join("\n");
}
