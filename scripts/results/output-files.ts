/**
 * The local file name of each output a task writes to the object store: `output_<stem>` becomes `<stem>.<ext>`,
 * and KFP's published executor log becomes `executor.log`.
 */

/** File extension per output name of the protein pipelines' steps (images/amber/STEPS.md). */
const EXTENSIONS: Record<string, string> = {
  output_html: ".html",
  output_metrics: ".json",
  output_dat: ".dat",
  output_log: ".log",
  output_mdin: ".mdin",
  output_pdb: ".pdb",
  output_top: ".parmtop",
  output_crd: ".inpcrd",
  output_rst: ".rst",
  output_traj: ".nc",
};

/**
 * With PUBLISH_LOGS=true the KFP 2.17.0 driver adds an output `executor-logs` to every task and the launcher
 * uploads the executor's stdout+stderr there, suffixed with the Argo retry index (`executor-logs-0` for the first
 * attempt): backend/src/v2/driver/driver.go provisionOutputs, backend/src/v2/component/launcher_v2.go
 * qualifyExecutorLogsForRetry.
 */
const EXECUTOR_LOGS = /^executor-logs(?:-(\d+))?$/;

/** Whether `output` is a name this module gives a proper extension. */
export function hasKnownExtension(output: string): boolean {
  return output in EXTENSIONS || EXECUTOR_LOGS.test(output);
}

/** `output_rst` -> `rst.rst`, `executor-logs-0` -> `executor.log`, a retry's -> `executor-retry-1.log`. */
export function outputFileName(output: string): string {
  const logs = EXECUTOR_LOGS.exec(output);
  if (logs) return Number(logs[1] ?? 0) > 0 ? `executor-retry-${Number(logs[1])}.log` : "executor.log";
  return `${output.replace(/^output_/, "")}${EXTENSIONS[output] ?? ""}`;
}

export const isLogFile = (path: string): boolean => path.endsWith(".log");
