/**
 * The local file name of each output a task writes to the object store (`output_html` becomes `plot.html`),
 * and KFP's published executor log becomes `executor.log`.
 */

/** File name per output name of the protein pipelines' steps (images/amber/STEPS.md). */
const FILE_NAMES: Record<string, string> = {
  output_html: "plot.html",
  output_metrics: "metrics.json",
  output_dat: "data.dat",
  output_log: "mdout.log",
  output_mdin: "sander.mdin",
  output_pdb: "structure.pdb",
  output_top: "topology.parmtop",
  output_crd: "coordinates.inpcrd",
  output_rst: "restart.rst",
  output_traj: "trajectory.nc",
  output_viewer: "molecule.html",
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
  return output in FILE_NAMES || EXECUTOR_LOGS.test(output);
}

/** `output_rst` -> `restart.rst`, `executor-logs-0` -> `executor.log`, a retry's -> `executor-retry-1.log`. */
export function outputFileName(output: string): string {
  const logs = EXECUTOR_LOGS.exec(output);
  if (logs) return Number(logs[1] ?? 0) > 0 ? `executor-retry-${Number(logs[1])}.log` : "executor.log";
  return FILE_NAMES[output] ?? output.replace(/^output_/, "");
}

export const isLogFile = (path: string): boolean => path.endsWith(".log");
