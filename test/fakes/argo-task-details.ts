/**
 * The reading side of argo-workflow.ts: the v2beta1 task_details KFP 2.17.0 derives from a Workflow, and the output
 * artifact URIs its drivers provision. Sources: KFP backend/src/apiserver/server/api_converter.go (toModelTasks,
 * toApiPipelineTaskDetail), backend/src/common/util/workflow.go (NodeStatuses), storage/task_store.go (UUIDs),
 * model/run.go (RuntimeState.ToV2), backend/src/v2/driver/driver.go (the executor input in the pod-spec-patch).
 */
import { createHash } from "crypto";
import type { ArgoWorkflow } from "./argo-workflow";

const ZERO_TIME = "0001-01-01T00:00:00Z";

/** The v2beta1 PipelineTaskDetail fields KFP 2.17.0 fills for a run's task (swagger names). */
export interface TaskDetail {
  run_id: string;
  task_id: string;
  display_name: string;
  create_time: string;
  start_time: string;
  end_time: string;
  state: string;
  state_history: { update_time: string; state: string }[];
  child_tasks?: { pod_name: string }[];
}

/** A version-4-looking UUID derived from `seed`: random-looking, yet stable across calls. */
export function uuidFrom(seed: string): string {
  const hex = createHash("sha1").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Argo phase -> v2beta1 RuntimeState, as KFP's model.RuntimeState.ToV2 (Omitted has no v2 state). */
function v2State(phase: string): string {
  const upper = phase.toUpperCase();
  if (upper === "ERROR") return "FAILED";
  return ["PENDING", "RUNNING", "SUCCEEDED", "SKIPPED", "FAILED"].includes(upper) ? upper : "RUNTIME_STATE_UNSPECIFIED";
}

const unixTime = (iso: string | null | undefined): string =>
  iso ? new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString().replace(/\.\d+Z$/, "Z") : ZERO_TIME;

/**
 * The run's task_details as KFP 2.17.0 returns them for `wf`: one entry per node (sorted by node id, the key of
 * status.nodes), a random-looking task_id (stable per node here, as the task store keeps it), the node's
 * displayName, state, times (zero time when unset), child_tasks = the child NODE ids in `pod_name`; no
 * parent_task_id, no pod_name, no inputs/outputs, no error.
 */
export function taskDetailsFromWorkflow(wf: ArgoWorkflow): TaskDetail[] {
  const runId = wf.metadata.labels["pipeline/runid"];
  const created = unixTime(wf.metadata.creationTimestamp);
  return Object.keys(wf.status.nodes)
    .sort()
    .map((key) => {
      const node = wf.status.nodes[key];
      const state = v2State(node.phase);
      return {
        run_id: runId,
        task_id: uuidFrom(`${wf.metadata.uid}/${node.id}`),
        display_name: node.displayName,
        create_time: created,
        start_time: unixTime(node.startedAt),
        end_time: unixTime(node.finishedAt),
        state,
        state_history: [{ update_time: created, state }],
        ...(node.children?.length ? { child_tasks: node.children.map((id) => ({ pod_name: id })) } : {}),
      };
    });
}

export interface NodeArtifacts {
  /** The driver node whose executor input names the URIs. */
  nodeId: string;
  /** The pipeline task (driver displayName without `-driver`). */
  task: string;
  /** The ParallelFor iteration index, when inside one. */
  iteration?: number;
  /** Output name -> URI (minio://bucket/key). */
  uris: Record<string, string>;
}

/**
 * For each container driver node of `wf`: the output artifact URIs its executor input provisions (none for a cached
 * task, whose pod-spec-patch is ""). The folder of a task's outputs is a URI without its last segment.
 */
export function outputArtifactUris(wf: ArgoWorkflow): NodeArtifacts[] {
  return Object.values(wf.status.nodes)
    .filter((n) => n.templateName === "system-container-driver" && n.outputs?.parameters)
    .map((n) => {
      const patch = JSON.parse(n.outputs!.parameters!.find((p) => p.name === "pod-spec-patch")?.value || "{}");
      const main = (patch.containers ?? []).find((c: { name?: string }) => c.name === "main") ?? {};
      const argv: string[] = [...(main.command ?? []), ...(main.args ?? [])];
      const at = argv.indexOf("--executor_input");
      const input = at >= 0 ? JSON.parse(argv[at + 1]) : {};
      const artifacts = (input.outputs?.artifacts ?? {}) as Record<string, { artifacts?: { uri?: string }[] }>;
      const iteration = /\.iteration-iterations\((\d+):/.exec(n.name)?.[1];
      return {
        nodeId: n.id,
        task: n.displayName.replace(/-driver$/, ""),
        ...(iteration === undefined ? {} : { iteration: Number(iteration) }),
        uris: Object.fromEntries(
          Object.entries(artifacts).map(([name, list]) => [name, list.artifacts?.[0]?.uri ?? ""]),
        ),
      };
    });
}
