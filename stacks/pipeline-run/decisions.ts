/** Pure decisions of the ProteinPipelineRun provider: when to run again, and how to report a run. */
import { parse as parseYaml } from "yaml";
import type { KfpAccess } from "../kfp-api/access";
import type { KfpRun, KfpTaskDetail } from "../kfp-api/client";
import type { PipelineParameters } from "../../pipelines/protein/presets";

/** What the provider receives (after Pulumi resolved the inputs). */
export interface RunInputs {
  access: KfpAccess;
  pipelineIr: string;
  pipelineName: string;
  experimentName: string;
  parameters: PipelineParameters;
  wait: boolean;
  timeoutSeconds: number;
  rerunToken?: string;
  onDestroy: "archive" | "delete";
  uiBaseUrl?: string;
  kfpNamespace: string;
  pipelineRoot?: string;
  providerVersion: string;
  /** The kube context of the cluster KFP runs in, for the commands error messages suggest. */
  kubeContext?: string;
}

/** What the provider keeps in state (the IR itself stays in the inputs only). */
export interface RunOutputs extends Omit<RunInputs, "pipelineIr"> {
  irHash: string;
  pipelineId: string;
  versionId: string;
  experimentId: string;
  runId: string;
  state: string;
  runUrl: string;
  artifactRoot: string;
  /** Set only when this resource created the pipeline: destroy then deletes it. */
  createdPipelineId?: string;
  /** Versions this resource uploaded, removed on destroy. */
  createdVersionIds: string[];
  /** Every run this resource started, archived or deleted on destroy. */
  runIds: string[];
  /** Set only when this resource created the experiment: destroy then removes or archives it. */
  createdExperimentId?: string;
}

/** Pulumi's placeholder for a value not known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const DEFAULT_PIPELINE_ROOT = "minio://mlpipeline/v2/artifacts";
// An array, not a Set (rule 6 of stacks/dynamic/README.md).
export const TERMINAL_STATES: readonly string[] = ["SUCCEEDED", "SKIPPED", "FAILED", "CANCELED"];

function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

export interface RunDiff {
  changes: boolean;
  /** A change that needs a new KFP run (IR, parameters or rerun token). */
  newRun: boolean;
  replaces: string[];
  changed: string[];
}

const NEW_RUN_FIELDS = ["irHash", "parameters", "rerunToken", "pipelineRoot"] as const;
/**
 * Renaming the pipeline or experiment replaces the resource, deleting the old one first: otherwise the
 * new one would reuse what the old one created, and the old one's destroy would then remove it.
 */
const REPLACE_FIELDS = ["pipelineName", "experimentName"] as const;
const UPDATE_FIELDS = [
  "wait",
  "timeoutSeconds",
  "onDestroy",
  "uiBaseUrl",
  "kfpNamespace",
  "providerVersion",
  "access",
  "kubeContext",
] as const;

/** `newsIrHash` is the hash of the new IR, or UNKNOWN when the IR is not known yet (preview). */
export function diffRun(olds: RunOutputs, news: RunInputs, newsIrHash: string): RunDiff {
  const candidate: Record<string, unknown> = { ...news, irHash: newsIrHash };
  const differs = (field: string): boolean => {
    const n = candidate[field];
    if (containsUnknown(n)) return true;
    return canonical(n) !== canonical((olds as unknown as Record<string, unknown>)[field]);
  };
  const changed = [...NEW_RUN_FIELDS, ...REPLACE_FIELDS, ...UPDATE_FIELDS].filter(differs);
  const replaces = REPLACE_FIELDS.filter(differs);
  return { changes: changed.length > 0, newRun: NEW_RUN_FIELDS.some(differs), replaces, changed };
}

function canonical(value: unknown): string {
  if (value === undefined || value === null || value === "") return "";
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object") {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${k}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

export function runUrl(uiBaseUrl: string, runId: string): string {
  return `${uiBaseUrl.replace(/\/+$/, "")}/#/runs/details/${runId}`;
}

/** The name in the IR's pipelineInfo: KFP stores a run's artifacts under `<root>/<that name>/<run id>`. */
export function irPipelineName(pipelineIr: string): string {
  let doc: { pipelineInfo?: { name?: unknown } } | undefined;
  try {
    doc = parseYaml(pipelineIr.split(/^---\s*$/m)[0]) as typeof doc;
  } catch (e) {
    throw new Error(`pipelineIr is not valid YAML (${(e as Error).message}); pass the compiled pipeline spec`);
  }
  const name = doc?.pipelineInfo?.name;
  if (typeof name !== "string" || !name) {
    throw new Error("pipelineIr has no pipelineInfo.name; pass a compiled KFP v2 pipeline spec");
  }
  return name;
}

export function artifactRoot(pipelineRoot: string | undefined, irName: string, runId: string): string {
  return `${(pipelineRoot || DEFAULT_PIPELINE_ROOT).replace(/\/+$/, "")}/${irName}/${runId}`;
}

/** Unique per attempt (the nonce) so a run created behind a gateway error can be found by name. */
export function runDisplayName(pipelineName: string, hash: string, nonce: string, rerunToken?: string): string {
  return `${pipelineName} ${hash.slice(0, 12)} ${nonce}${rerunToken ? ` (${rerunToken})` : ""}`;
}

export function tasksIn(run: KfpRun, state: string): KfpTaskDetail[] {
  return (run.run_details?.task_details ?? []).filter((t) => t.state === state);
}

/** KFP's own entries in task_details (the root DAG, drivers, loop DAGs), not steps of the pipeline. */
function isStep(task: KfpTaskDetail): boolean {
  const name = task.display_name ?? "";
  return name !== "" && name !== "root" && !name.endsWith("-driver") && !/^for-loop-\d+(-iteration-\d+)?$/.test(name);
}

/** One progress line: state, steps done of those KFP lists so far, and the names of running steps. */
export function progressLine(run: KfpRun, elapsedSeconds: number): string {
  const steps = (run.run_details?.task_details ?? []).filter(isStep);
  const done = steps.filter((t) => ["SUCCEEDED", "SKIPPED", "CACHED"].includes(t.state ?? "")).length;
  const running = steps
    .filter((t) => t.state === "RUNNING")
    .map((t) => t.display_name)
    .filter((n): n is string => !!n);
  const count = steps.length > 0 ? `, ${done}/${steps.length} steps done` : "";
  const tasks = running.length > 0 ? `; running: ${running.join(", ")}` : "";
  return `KFP run ${run.run_id}: ${run.state ?? "UNKNOWN"} after ${Math.round(elapsedSeconds)} s${count}${tasks}`;
}

/**
 * What destroy does with an experiment this resource created, once its own runs are archived or deleted:
 * an empty one is deleted; one holding only this resource's (archived) runs is archived under
 * `pipeline.onDestroy=archive`; one holding anyone else's runs (or more than a page) is left alone.
 */
export function experimentOnDestroy(
  onDestroy: "archive" | "delete",
  remaining: { ids: string[]; more: boolean },
  ownRunIds: readonly string[],
): "delete" | "archive" | "keep" {
  if (remaining.more) return "keep";
  if (remaining.ids.length === 0) return "delete";
  const onlyOwn = remaining.ids.every((runId) => ownRunIds.includes(runId));
  return onDestroy === "archive" && onlyOwn ? "archive" : "keep";
}

/** Error text for a FAILED (or CANCELED) run: the failing task and the command to read its log. */
export function failureMessage(run: KfpRun, kfpNamespace: string, url: string, kubeContext?: string): string {
  const failed = tasksIn(run, "FAILED");
  // Prefer the executor pod (`…-system-container-impl-…`, whose `main` container ran the step) over
  // drivers and the DAG tasks that fail only because a child failed.
  const task =
    failed.find((t) => t.pod_name?.includes("container-impl")) ??
    failed.find((t) => t.pod_name && !t.pod_name.includes("driver")) ??
    failed[0];
  const head = `KFP run ${run.run_id} ended ${run.state}`;
  if (!task) {
    const reason = run.error?.message ? `: ${run.error.message}` : "";
    return `${head}${reason}. See ${url}`;
  }
  const reason = task.error?.message ? ` (${task.error.message})` : "";
  const logs = task.pod_name
    ? ` Read its log: kubectl${kubeContext ? ` --context ${shellWord(kubeContext)}` : ""} logs -n ${kfpNamespace} ${task.pod_name} -c main`
    : " (no pod recorded for it)";
  return `${head}: task "${task.display_name ?? task.task_id}" failed${reason}.${logs}. Run: ${url}. To run again after fixing it, change pipeline.rerunToken.`;
}

/** A context name as one shell word (contexts may hold characters such as `@` or `:`). */
function shellWord(s: string): string {
  return /^[A-Za-z0-9@%_+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface PollPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
}

export const DEFAULT_POLL: PollPolicy = { initialMs: 2_000, factor: 1.5, maxMs: 30_000 };

export function pollDelayMs(poll: number, policy: PollPolicy): number {
  return Math.min(policy.maxMs, Math.round(policy.initialMs * policy.factor ** poll));
}
