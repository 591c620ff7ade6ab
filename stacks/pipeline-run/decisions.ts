/** Pure decisions of the ProteinPipelineRun provider: when to run again, and how to report a run. */
import { parse as parseYaml } from "yaml";
import type { KfpAccess } from "../kfp-api/access";
import type { KubeAccess } from "../kube/api";
import type { KfpRun, KfpTaskDetail } from "../kfp-api/client";
import { PipelineSteps, executorPodGuess, isIterationEntry, isStepEntry } from "../kfp-api/task-details";
import { shellQuote } from "../util/shell";
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
  /** Names this stack and resource in the descriptions of what it creates in KFP (ensure.ts ownerMark). */
  owner?: string;
  /** How long an unreachable KFP API is retried before the operation fails; default DEFAULT_OUTAGE_SECONDS. */
  outageSeconds?: number;
  /** The cluster KFP runs in, to read the run's pods while waiting (a stuck pod fails the wait). Default: not read. */
  podAccess?: KubeAccess;
  /** What a stuck pod does to the run: left in KFP for inspection, or terminated. Default "terminate". */
  onPodFault?: "leave" | "terminate";
}

/** Long enough for KFP's API server to restart (and its database connection to come back). */
export const DEFAULT_OUTAGE_SECONDS = 300;

/** A run creation whose answer was lost: looked for again (by its display name) before starting another. */
export interface PendingRun {
  displayName: string;
  experimentId: string;
  /** runKey of the inputs it was started for: it stands for the current run only if they still match. */
  key: string;
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
  /** Set while a run creation's outcome is unknown (its answer was lost and it could not be looked up). */
  pendingRun?: PendingRun;
}

/** What makes two runs the same run: the fields that start a new one (NEW_RUN_FIELDS), canonical. */
export function runKey(hash: string, inputs: Pick<RunInputs, "parameters" | "rerunToken" | "pipelineRoot">): string {
  return canonical([hash, inputs.parameters, inputs.rerunToken, inputs.pipelineRoot]);
}

/**
 * The state a failed update leaves: the new settings, but the old run's fields for what starts a new run, so
 * the next `up` still sees that a new run is due.
 */
export function keepingRunFields<T extends object>(olds: RunOutputs, news: T): T & RunOutputs {
  const kept = Object.fromEntries(NEW_RUN_FIELDS.map((f) => [f, olds[f]]));
  return { ...olds, ...news, ...kept } as T & RunOutputs;
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
  "outageSeconds",
  "podAccess",
  "onPodFault",
] as const;

/** `newsIrHash` is the hash of the new IR, or UNKNOWN when the IR is not known yet (preview). */
export function diffRun(olds: RunOutputs, news: RunInputs, newsIrHash: string): RunDiff {
  const candidate: Record<string, unknown> = { ...news, irHash: newsIrHash };
  const differs = (field: string): boolean => {
    const n = candidate[field];
    if (containsUnknown(n)) return true;
    return canonical(n) !== canonical((olds as unknown as Record<string, unknown>)[field]);
  };
  const changed: string[] = [...NEW_RUN_FIELDS, ...REPLACE_FIELDS, ...UPDATE_FIELDS].filter(differs);
  const replaces = REPLACE_FIELDS.filter(differs);
  // A start that failed before its run existed left no run id: the next up must start one.
  if (!olds.runId) changed.push("runId");
  const newRun = !olds.runId || NEW_RUN_FIELDS.some(differs);
  return { changes: changed.length > 0, newRun, replaces, changed };
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

/**
 * One progress line: state, steps done of those KFP lists so far, and the names of running steps. `steps` (from
 * the IR) picks the steps out of KFP's entries; without it, a name rule does (task-details.ts).
 */
export function progressLine(run: KfpRun, elapsedSeconds: number, steps?: PipelineSteps): string {
  const entries = (run.run_details?.task_details ?? []).filter((t) => isStepEntry(t, steps));
  const done = entries.filter((t) => ["SUCCEEDED", "SKIPPED", "CACHED"].includes(t.state ?? "")).length;
  const running = entries
    .filter((t) => t.state === "RUNNING")
    .map((t) => t.display_name)
    .filter((n): n is string => !!n);
  // Steps not reached yet have no entry: the spec says how many there will be (per loop iteration seen).
  const iterations = (run.run_details?.task_details ?? []).filter(isIterationEntry).length;
  const total = Math.max(entries.length, steps ? steps.root.length + (steps.loop?.body.length ?? 0) * iterations : 0);
  const count = total > 0 ? `, ${done}/${total} steps done` : "";
  const tasks = running.length > 0 ? `; running: ${[...new Set(running)].join(", ")}` : "";
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

const startOf = (t: KfpTaskDetail): number => Date.parse(t.start_time ?? "") || Number.MAX_SAFE_INTEGER;

/**
 * Error text for a FAILED (or CANCELED) run: the first failed STEP (not KFP's drivers, executor pods or DAGs) and
 * the command to read its log. KFP 2.17.0 records no pod for a task, so the pod is inferred from the step's child
 * node id (executorPodGuess). A step whose driver failed never got a pod.
 */
export function failureMessage(
  run: KfpRun,
  kfpNamespace: string,
  url: string,
  kubeContext?: string,
  steps?: PipelineSteps,
): string {
  const details = run.run_details?.task_details ?? [];
  const failedSteps = details
    .filter((t) => t.state === "FAILED" && isStepEntry(t, steps))
    .sort((a, b) => startOf(a) - startOf(b));
  const failedDriver = details.find(
    (t) =>
      t.state === "FAILED" &&
      /-driver$/.test(t.display_name ?? "") &&
      isStepEntry({ display_name: t.display_name!.replace(/-driver$/, "") }, steps),
  );
  const head = `KFP run ${run.run_id} ended ${run.state}`;
  const tail = `Run: ${url}. To run again after fixing it, change pipeline.rerunToken.`;
  const task = failedSteps[0];
  if (!task && failedDriver) {
    const name = failedDriver.display_name!.replace(/-driver$/, "");
    return `${head}: task "${name}" failed in its KFP driver, before its step started (see the driver's log in the run's UI). ${tail}`;
  }
  if (!task) {
    const reason = run.error?.message ? `: ${run.error.message}` : "";
    return `${head}${reason}. See ${url}`;
  }
  const reason = task.error?.message ? ` (${task.error.message})` : "";
  const more = failedSteps.length > 1 ? ` (${failedSteps.length - 1} more step(s) failed too)` : "";
  const pod = executorPodGuess(task);
  const logs = pod
    ? ` Read its log: kubectl${kubeContext ? ` --context ${shellQuote(kubeContext)}` : ""} logs -n ${shellQuote(kfpNamespace)} ${shellQuote(pod)} -c main (pod name inferred from the task's node id).`
    : " (no pod recorded for it).";
  return `${head}: task "${task.display_name ?? task.task_id}" failed${reason}${more}.${logs} ${tail}`;
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
