/** What `npm run e2e` requires of a finished run and of its downloaded results: pure, unit-tested. */
import { RunView } from "../watch/progress";

/** The run SUCCEEDED and so did every step of its pipeline (a step never reached is pending: a problem too). */
export function stepProblems(view: RunView): string[] {
  const problems: string[] = [];
  if (view.state !== "SUCCEEDED") problems.push(`run ${view.id} is ${view.state}, not SUCCEEDED`);
  if (view.tasks.length === 0) problems.push(`run ${view.id} lists no steps`);
  for (const task of view.tasks.filter((t) => t.state !== "SUCCEEDED")) {
    const name = task.group ? `${task.group}/${task.name}` : task.name;
    problems.push(`step ${name} is ${task.state}${task.error ? ` (${task.error})` : ""}`);
  }
  return problems;
}

/**
 * The downloaded run (paths relative to its folder, as `npm run results` wrote them) has its report, `index.html`,
 * and at least one step's metrics: a `metrics.json` holding a JSON object with a number in it.
 */
export function resultProblems(files: string[], read: (file: string) => string): string[] {
  const problems: string[] = [];
  if (!files.includes("index.html")) problems.push("no index.html (the report) in the results");
  else if (read("index.html").trim() === "") problems.push("index.html (the report) is empty");
  const metrics = files.filter((f) => f === "metrics.json" || f.endsWith("/metrics.json"));
  const withNumbers = metrics.filter((f) => {
    try {
      const values = JSON.parse(read(f)) as unknown;
      return typeof values === "object" && values !== null && Object.values(values).some(Number.isFinite);
    } catch {
      return false;
    }
  });
  if (metrics.length === 0) problems.push("no metrics.json in the results: no step's metrics were downloaded");
  else if (withNumbers.length === 0) problems.push(`no metrics.json holds a number: ${metrics.join(", ")}`);
  return problems;
}

const ANSI = new RegExp(String.raw`\x1b\[[0-9;]*m`, "g");

/**
 * Why a Pulumi operation failed, in one line, from the engine's output (the Automation API's own error says only
 * `code: …`): the first `error:` of its Diagnostics, with the exception's first lines when the program threw.
 */
export function engineFailure(output: string): string | undefined {
  const lines = output.replace(ANSI, "").split("\n");
  const from = Math.max(
    0,
    lines.findIndex((l) => l.startsWith("Diagnostics:")),
  );
  const at = lines.findIndex((l, i) => i >= from && /^\s+error: /.test(l));
  if (at < 0) return undefined;
  const first = lines[at].trim().replace(/^error: /, "");
  if (!/failed with an unhandled exception:$/.test(first)) return first;
  const thrown = lines
    .slice(at + 1, at + 3)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("at "));
  return [first, ...thrown].join(" ");
}
