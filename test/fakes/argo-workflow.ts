/**
 * The Argo Workflow that KFP 2.17.0 would run for a pipeline, and the v2beta1 task_details KFP derives from it.
 * A model built from the sources, not a recording of a cluster:
 *  - structure: KFP backend/src/v2/compiler/argocompiler/{argo,dag,container}.go and the compiled example
 *    test_data/compiled-workflows/pipeline_with_loops.yaml (entrypoint -> root-driver + root; a container task T ->
 *    T-driver + T -> executor; a ParallelFor L -> L -> iteration-driver + iteration-iterations(i:i) ->
 *    iteration-item-driver + iteration-item -> the body's tasks);
 *  - node names, ids, children and TaskGroup nodes: Argo workflow/controller/dag.go (taskNodeName,
 *    executeDAGTask, connectDependencies), expandTask's `name(i:item)`, v1alpha1 Workflow.NodeID (fnv32a);
 *  - pod names: Argo workflow/util/pod_name.go GeneratePodName (POD_NAMES=v2, the default);
 *  - the driver's pod-spec-patch: KFP backend/src/v2/driver/driver.go (the launcher command of container `main`
 *    carries `--executor_input <ExecutorInput JSON>`; output URIs from provisionOutputs);
 *  - task_details: KFP backend/src/apiserver/server/api_converter.go toModelTasks/toApiPipelineTaskDetail,
 *    backend/src/common/util/workflow.go NodeStatuses, storage/task_store.go (a random UUID per task).
 * Exported API (kept small and stable for other tests): argoWorkflow, taskDetailsFromWorkflow,
 * outputArtifactUris, nodeId, podName, fnv32a and the types below.
 */
import { createHash } from "crypto";

/** Argo node phases (v1alpha1 NodePhase). */
export type NodePhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Error" | "Skipped" | "Omitted";

/** A container task of the pipeline (a task whose component runs a container). */
export interface ContainerTask {
  name: string;
  /** Tasks of the same DAG it waits for (the IR's dependentTasks). */
  dependsOn?: string[];
  /** Output artifact names (the component's outputDefinitions.artifacts). */
  outputs?: string[];
  /** Input parameter values the driver resolves into the executor input. */
  parameters?: Record<string, unknown>;
  /** The input parameter that receives the ParallelFor item (inside a loop body). */
  loopItemParameter?: string;
}

export interface WorkflowPipeline {
  /** pipelineInfo.name: the generateName prefix and the artifact path segment. */
  name: string;
  /** Container tasks of the root DAG. */
  tasks: ContainerTask[];
  /** A ParallelFor task of the root DAG (its IR task name, e.g. `for-loop-1`), its body's tasks and its items. */
  loop?: { name: string; tasks: ContainerTask[]; items: string[]; dependsOn?: string[] };
}

export interface WorkflowRequest {
  workflowName: string;
  runId: string;
  /** Default `kubeflow` (single-user KFP). */
  namespace?: string;
  /** The Workflow's creationTimestamp (ISO). Default 2026-01-01T00:00:00Z. */
  createdAt?: string;
  /** Default `minio://mlpipeline/v2/artifacts`. */
  pipelineRoot?: string;
  pipeline: WorkflowPipeline;
  /**
   * The phase of a container task's step (its executor pod); `iteration` is set inside the loop. undefined: not
   * reached yet (no nodes). A task whose upstream failed gets an Omitted driver node whatever this returns.
   */
  phaseOf: (task: string, iteration?: number) => NodePhase | undefined;
}

export interface WorkflowNode {
  id: string;
  name: string;
  displayName: string;
  type: "DAG" | "Pod" | "TaskGroup" | "Skipped";
  templateName: string;
  phase: NodePhase;
  boundaryID?: string;
  children?: string[];
  startedAt?: string;
  finishedAt?: string | null;
  message?: string;
  outputs?: { parameters?: { name: string; value: string }[] };
}

export interface ArgoWorkflow {
  apiVersion: "argoproj.io/v1alpha1";
  kind: "Workflow";
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    creationTimestamp: string;
    labels: Record<string, string>;
  };
  status: { phase?: string; startedAt?: string; finishedAt?: string | null; nodes: Record<string, WorkflowNode> };
}

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

/** 32-bit FNV-1a of the UTF-8 bytes, as Go's hash/fnv New32a. */
export function fnv32a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** Argo's node id: the workflow name for the root node, else `<wf>-<fnv32a(node name)>`. */
export function nodeId(workflowName: string, nodeName: string): string {
  return nodeName === workflowName ? workflowName : `${workflowName}-${fnv32a(nodeName)}`;
}

/** Argo's pod name (POD_NAMES=v2): `<wf>-<template>-<fnv32a(node name)>`. */
export function podName(workflowName: string, nodeName: string, templateName: string): string {
  return nodeName === workflowName ? workflowName : `${workflowName}-${templateName}-${fnv32a(nodeName)}`;
}

const DONE: NodePhase[] = ["Succeeded", "Failed", "Error", "Skipped", "Omitted"];
const FAILED: NodePhase[] = ["Failed", "Error"];
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** Builds the Workflow (metadata + status.nodes) for `req`. */
export function argoWorkflow(req: WorkflowRequest): ArgoWorkflow {
  const wf = req.workflowName;
  const created = Date.parse(req.createdAt ?? "2026-01-01T00:00:00Z");
  const root = (req.pipelineRoot ?? "minio://mlpipeline/v2/artifacts").replace(/\/+$/, "");
  const nodes: Record<string, WorkflowNode> = {};
  let clock = 0;
  const at = (): string => new Date(created + 1000 * ++clock).toISOString().replace(/\.\d+Z$/, "Z");

  const add = (node: Omit<WorkflowNode, "id" | "startedAt" | "finishedAt">, parents: string[]): WorkflowNode => {
    // Argo's initializeNode stamps startedAt on every node; markNodePhase stamps finishedAt once fulfilled.
    const full: WorkflowNode = { ...node, id: nodeId(wf, node.name), startedAt: at(), finishedAt: null };
    if (DONE.includes(node.phase)) full.finishedAt = at();
    nodes[full.id] = full;
    for (const parent of parents) (nodes[parent].children ??= []).push(full.id);
    return full;
  };
  /** A DAG runs until every task is fulfilled, then fails if one failed (Omitted tasks count as fulfilled). */
  const phaseOfChildren = (phases: (NodePhase | undefined)[]): NodePhase => {
    if (phases.some((p) => p === undefined || !DONE.includes(p))) return "Running";
    return phases.some((p) => FAILED.includes(p!)) ? "Failed" : "Succeeded";
  };

  /** One DAG's container tasks, in dependency order; returns each task's phase and outbound node ids. */
  const runDag = (
    prefix: string,
    boundary: string,
    tasks: ContainerTask[],
    iteration: number | undefined,
    item: string | undefined,
  ): { phases: (NodePhase | undefined)[]; outbound: Map<string, string[]> } => {
    const outbound = new Map<string, string[]>();
    const phases = new Map<string, NodePhase | undefined>();
    for (const task of topological(tasks)) {
      const deps = task.dependsOn ?? [];
      if (deps.some((d) => !outbound.has(d))) continue; // an upstream task has not finished
      const upstreamFailed = deps.some((d) => phases.get(d) !== "Succeeded" && phases.get(d) !== "Skipped");
      const parents = deps.length ? deps.flatMap((d) => outbound.get(d)!) : [boundary];
      const driverName = `${prefix}.${task.name}-driver`;
      if (upstreamFailed) {
        const omitted = add(
          {
            name: driverName,
            displayName: `${task.name}-driver`,
            type: "Skipped",
            templateName: "system-container-driver",
            phase: "Omitted",
            boundaryID: boundary,
            message: "omitted: depends condition not met",
          },
          parents,
        );
        phases.set(task.name, "Omitted");
        outbound.set(task.name, [omitted.id]);
        continue;
      }
      const phase = req.phaseOf(task.name, iteration);
      phases.set(task.name, phase);
      if (phase === undefined) continue;
      const driver = add(
        {
          name: driverName,
          displayName: `${task.name}-driver`,
          type: "Pod",
          templateName: "system-container-driver",
          phase: phase === "Pending" ? "Running" : "Succeeded",
          boundaryID: boundary,
          ...(phase === "Pending" ? {} : { outputs: { parameters: driverOutputs(task, item, phase === "Skipped") } }),
        },
        parents,
      );
      if (phase === "Pending") continue;
      const stepName = `${prefix}.${task.name}`;
      const step = add(
        {
          name: stepName,
          displayName: task.name,
          type: "DAG",
          templateName: "system-container-executor",
          phase: phase === "Skipped" ? "Succeeded" : phase,
          boundaryID: boundary,
        },
        [driver.id],
      );
      const executor = add(
        phase === "Skipped"
          ? {
              name: `${stepName}.executor`,
              displayName: "executor",
              type: "Skipped",
              templateName: "system-container-impl",
              phase: "Skipped",
              boundaryID: step.id,
              message: "when 'true != true' evaluated false",
            }
          : {
              name: `${stepName}.executor`,
              displayName: "executor",
              type: "Pod",
              templateName: "system-container-impl",
              phase,
              boundaryID: step.id,
              ...(FAILED.includes(phase) ? { message: "Error (exit code 1)" } : {}),
            },
        [step.id],
      );
      if (DONE.includes(phase)) outbound.set(task.name, [executor.id]);
    }
    return { phases: tasks.map((t) => phases.get(t.name)), outbound };
  };

  function driverOutputs(
    task: ContainerTask,
    item: string | undefined,
    cached: boolean,
  ): { name: string; value: string }[] {
    const parameterValues = { ...(task.parameters ?? {}) };
    if (task.loopItemParameter && item !== undefined) parameterValues[task.loopItemParameter] = item;
    const artifacts = Object.fromEntries(
      (task.outputs ?? []).map((output) => [
        output,
        {
          artifacts: [
            {
              type: { schemaTitle: "system.Artifact", schemaVersion: "0.0.1" },
              uri: `${root}/${req.pipeline.name}/${req.runId}/${task.name}/${uuidFrom(`${wf}/${task.name}/${item ?? ""}`)}/${output}`,
            },
          ],
        },
      ]),
    );
    const executorInput = {
      inputs: { parameterValues },
      outputs: { artifacts, outputFile: "/tmp/kfp_outputs/output_metadata.json" },
    };
    const command = [
      "/kfp-launcher/launch",
      "--pipeline_name",
      req.pipeline.name,
      "--run_id",
      req.runId,
      "--executor_input",
      JSON.stringify(executorInput),
      "--",
    ];
    const patch = {
      containers: [
        { name: "main", image: "localhost:5000/amber", command, args: ["protein-step", task.name], resources: {} },
      ],
    };
    return [
      { name: "pod-spec-patch", value: JSON.stringify(patch) },
      { name: "cached-decision", value: String(cached) },
    ];
  }

  const entry = add({ name: wf, displayName: wf, type: "DAG", templateName: "entrypoint", phase: "Running" }, []);
  const rootDriver = add(
    {
      name: `${wf}.root-driver`,
      displayName: "root-driver",
      type: "Pod",
      templateName: "system-dag-driver",
      phase: "Succeeded",
      boundaryID: entry.id,
    },
    [entry.id],
  );
  const rootDag = add(
    {
      name: `${wf}.root`,
      displayName: "root",
      type: "DAG",
      templateName: "root",
      phase: "Running",
      boundaryID: entry.id,
    },
    [rootDriver.id],
  );
  const top = runDag(`${wf}.root`, rootDag.id, req.pipeline.tasks, undefined, undefined);
  const phases = [...top.phases];

  const loop = req.pipeline.loop;
  if (loop && (loop.dependsOn ?? []).every((d) => top.outbound.has(d))) {
    const component = `comp-${loop.name}`;
    const parents = loop.dependsOn?.length ? loop.dependsOn.flatMap((d) => top.outbound.get(d)!) : [rootDag.id];
    const loopDag = add(
      {
        name: `${wf}.root.${loop.name}`,
        displayName: loop.name,
        type: "DAG",
        templateName: `${component}-${loop.name}-iterator`,
        phase: "Running",
        boundaryID: rootDag.id,
      },
      parents,
    );
    const iterationDriver = add(
      {
        name: `${loopDag.name}.iteration-driver`,
        displayName: "iteration-driver",
        type: "Pod",
        templateName: "system-dag-driver",
        phase: "Succeeded",
        boundaryID: loopDag.id,
        outputs: { parameters: [{ name: "iteration-count", value: String(loop.items.length) }] },
      },
      [loopDag.id],
    );
    const group = add(
      {
        name: `${loopDag.name}.iteration-iterations`,
        displayName: "iteration-iterations",
        type: "TaskGroup",
        templateName: `${component}-iteration`,
        phase: "Running",
        boundaryID: loopDag.id,
      },
      [iterationDriver.id],
    );
    const groupPhases: NodePhase[] = [];
    loop.items.forEach((item, i) => {
      const iteration = add(
        {
          name: `${group.name}(${i}:${i})`,
          displayName: `iteration-iterations(${i}:${i})`,
          type: "DAG",
          templateName: `${component}-iteration`,
          phase: "Running",
          boundaryID: loopDag.id,
        },
        [group.id],
      );
      const itemDriver = add(
        {
          name: `${iteration.name}.iteration-item-driver`,
          displayName: "iteration-item-driver",
          type: "Pod",
          templateName: "system-dag-driver",
          phase: "Succeeded",
          boundaryID: iteration.id,
        },
        [iteration.id],
      );
      const body = add(
        {
          name: `${iteration.name}.iteration-item`,
          displayName: "iteration-item",
          type: "DAG",
          templateName: component,
          phase: "Running",
          boundaryID: iteration.id,
        },
        [itemDriver.id],
      );
      const run = runDag(body.name, body.id, loop.tasks, i, item);
      const phase = phaseOfChildren(run.phases);
      body.phase = iteration.phase = phase;
      groupPhases.push(phase);
    });
    group.phase = loopDag.phase = phaseOfChildren(groupPhases);
    phases.push(loopDag.phase);
  } else if (loop) {
    phases.push(undefined);
  }
  rootDag.phase = entry.phase = phaseOfChildren(phases);
  for (const node of Object.values(nodes)) {
    if (DONE.includes(node.phase) && !node.finishedAt) node.finishedAt = at();
  }

  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      name: wf,
      namespace: req.namespace ?? "kubeflow",
      uid: uuidFrom(`uid/${wf}`),
      creationTimestamp: new Date(created).toISOString().replace(/\.\d+Z$/, "Z"),
      labels: {
        "pipeline/runid": req.runId,
        "pipelines.kubeflow.org/v2_component": "true",
        "workflows.argoproj.io/phase": entry.phase,
      },
    },
    status: { phase: entry.phase, startedAt: entry.startedAt, finishedAt: entry.finishedAt, nodes },
  };
}

/** Tasks after the tasks they depend on (the IR's order otherwise). */
function topological(tasks: ContainerTask[]): ContainerTask[] {
  const done = new Set<string>();
  const order: ContainerTask[] = [];
  const names = new Set(tasks.map((t) => t.name));
  while (order.length < tasks.length) {
    const next = tasks.find((t) => !done.has(t.name) && (t.dependsOn ?? []).every((d) => done.has(d) || !names.has(d)));
    if (!next)
      throw new Error(
        `tasks ${tasks
          .filter((t) => !done.has(t.name))
          .map((t) => t.name)
          .join(", ")} depend on each other`,
      );
    done.add(next.name);
    order.push(next);
  }
  return order;
}

/** A version-4-looking UUID derived from `seed`: random-looking, yet stable across calls. */
function uuidFrom(seed: string): string {
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

/** For each container driver node of `wf`: the output artifact URIs its executor input provisions. */
export function outputArtifactUris(wf: ArgoWorkflow): NodeArtifacts[] {
  return Object.values(wf.status.nodes)
    .filter((n) => n.templateName === "system-container-driver" && n.outputs?.parameters)
    .map((n) => {
      const patch = JSON.parse(n.outputs!.parameters!.find((p) => p.name === "pod-spec-patch")?.value ?? "{}");
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
