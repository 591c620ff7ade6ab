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
 *    carries `--executor_input <ExecutorInput JSON>`; output URIs from provisionOutputs); a cached task's driver
 *    returns before building it (driver/container.go), so its pod-spec-patch is the output's default "";
 *  - spec.templates: only the `entrypoint` DAG, whose `root-driver` task is given the run's runtime config
 *    (argocompiler/dag.go dagDriverTask, parameter `runtime-config`);
 *  - task_details and the output URIs per node: argo-task-details.ts (re-exported here).
 * Exported API (kept small and stable for other tests): argoWorkflow, taskDetailsFromWorkflow,
 * outputArtifactUris, nodeId, podName, fnv32a and the types below.
 */
import { uuidFrom } from "./argo-task-details";

export type { NodeArtifacts, TaskDetail } from "./argo-task-details";
export { outputArtifactUris, taskDetailsFromWorkflow } from "./argo-task-details";

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
   * The run's runtime_config.parameters, as the root driver is given them (`{"parameterValues": …}`). Default {}:
   * a run that set no parameter (its loop items then come from the IR's defaults).
   */
  runtimeParameters?: Record<string, unknown>;
  /**
   * The phase of a container task's step (its executor pod); `iteration` is set inside the loop. undefined: not
   * reached yet (no nodes); Pending: its driver still runs; Skipped: cached (the executor is skipped). A task whose
   * upstream failed gets an Omitted driver node whatever this returns; one whose upstream has not finished, none.
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
  spec: { entrypoint: string; templates: WorkflowTemplate[] };
  status: { phase?: string; startedAt?: string; finishedAt?: string | null; nodes: Record<string, WorkflowNode> };
}

/** A template of spec.templates (the fields modelled: a DAG's tasks and their parameter arguments). */
export interface WorkflowTemplate {
  name: string;
  dag?: { tasks: { name: string; template: string; depends?: string; arguments?: { parameters?: Param[] } }[] };
}
type Param = { name: string; value: string };

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

type NodeType = WorkflowNode["type"];

/** Builds the Workflow (metadata + status.nodes) for `req`. */
export function argoWorkflow(req: WorkflowRequest): ArgoWorkflow {
  const wf = req.workflowName;
  const created = Date.parse(req.createdAt ?? "2026-01-01T00:00:00Z");
  const root = (req.pipelineRoot ?? "minio://mlpipeline/v2/artifacts").replace(/\/+$/, "");
  const nodes: Record<string, WorkflowNode> = {};
  let clock = 0;
  const at = (): string => new Date(created + 1000 * ++clock).toISOString().replace(/\.\d+Z$/, "Z");

  /** A node named `name` (displayName: its last segment) under `boundary`, child of `parents`. */
  const add = (
    name: string,
    type: NodeType,
    templateName: string,
    phase: NodePhase,
    boundary: string | undefined,
    parents: string[],
    extra: Partial<WorkflowNode> = {},
  ): WorkflowNode => {
    const displayName = name === wf ? wf : name.slice(name.lastIndexOf(".") + 1);
    // Argo's initializeNode stamps startedAt on every node; markNodePhase stamps finishedAt once fulfilled.
    const node: WorkflowNode = { id: nodeId(wf, name), name, displayName, type, templateName, phase, startedAt: at() };
    Object.assign(node, boundary ? { boundaryID: boundary } : {}, extra, {
      finishedAt: DONE.includes(phase) ? at() : null,
    });
    nodes[node.id] = node;
    for (const parent of parents) (nodes[parent].children ??= []).push(node.id);
    return node;
  };
  /** A DAG runs until every task is fulfilled, then fails if one failed (Omitted tasks count as fulfilled). */
  const phaseOfChildren = (phases: (NodePhase | undefined)[]): NodePhase => {
    if (phases.some((p) => p === undefined || !DONE.includes(p))) return "Running";
    return phases.some((p) => FAILED.includes(p!)) ? "Failed" : "Succeeded";
  };

  /** One DAG's container tasks, in dependency order; returns each task's phase and outbound node ids. */
  const runDag = (prefix: string, boundary: string, tasks: ContainerTask[], iteration?: number, item?: string) => {
    const outbound = new Map<string, string[]>();
    const phases = new Map<string, NodePhase | undefined>();
    for (const task of topological(tasks)) {
      const deps = task.dependsOn ?? [];
      if (deps.some((d) => !outbound.has(d))) continue; // an upstream task has not finished
      // Dependents hang below their dependencies' outbound nodes (Argo dag.go connectDependencies).
      const parents = deps.length ? deps.flatMap((d) => outbound.get(d)!) : [boundary];
      const driverName = `${prefix}.${task.name}-driver`;
      if (deps.some((d) => phases.get(d) !== "Succeeded" && phases.get(d) !== "Skipped")) {
        const omitted = add(driverName, "Skipped", "system-container-driver", "Omitted", boundary, parents, {
          message: "omitted: depends condition not met",
        });
        phases.set(task.name, "Omitted");
        outbound.set(task.name, [omitted.id]);
        continue;
      }
      const phase = req.phaseOf(task.name, iteration);
      phases.set(task.name, phase);
      if (phase === undefined) continue;
      const prepared = phase !== "Pending";
      const outputs = prepared ? { outputs: { parameters: driverOutputs(task, item, phase === "Skipped") } } : {};
      const driverPhase = prepared ? "Succeeded" : "Running";
      const driver = add(driverName, "Pod", "system-container-driver", driverPhase, boundary, parents, outputs);
      if (!prepared) continue;
      const stepPhase = phase === "Skipped" ? "Succeeded" : phase;
      const step = add(`${prefix}.${task.name}`, "DAG", "system-container-executor", stepPhase, boundary, [driver.id]);
      // A cached step's executor is skipped by its `when` (compiled-workflows: cached-decision != true).
      const executor =
        phase === "Skipped"
          ? add(`${step.name}.executor`, "Skipped", "system-container-impl", "Skipped", step.id, [step.id], {
              message: "when 'true != true' evaluated false",
            })
          : add(`${step.name}.executor`, "Pod", "system-container-impl", phase, step.id, [step.id], {
              ...(FAILED.includes(phase) ? { message: "Error (exit code 1)" } : {}),
            });
      if (DONE.includes(phase)) outbound.set(task.name, [executor.id]);
    }
    return { phases: tasks.map((t) => phases.get(t.name)), outbound };
  };

  function driverOutputs(task: ContainerTask, item: string | undefined, cached: boolean) {
    const parameterValues = { ...(task.parameters ?? {}) };
    if (task.loopItemParameter && item !== undefined) parameterValues[task.loopItemParameter] = item;
    const folder = `${root}/${req.pipeline.name}/${req.runId}/${task.name}/${uuidFrom(`${wf}/${task.name}/${item}`)}`;
    const artifact = (output: string) => ({
      artifacts: [{ type: { schemaTitle: "system.Artifact", schemaVersion: "0.0.1" }, uri: `${folder}/${output}` }],
    });
    // PUBLISH_LOGS=true (KFP 2.17.0's default): provisionOutputs adds `executor-logs`, whose key the launcher
    // suffixes with the retry index (component/launcher_v2.go qualifyExecutorLogsURI: executor-logs-0, …).
    const outputs = [...(task.outputs ?? []), "executor-logs"];
    const artifacts = Object.fromEntries(outputs.map((output) => [output, artifact(output)]));
    const executorInput = {
      inputs: { parameterValues },
      outputs: { artifacts, outputFile: "/tmp/kfp_outputs/output_metadata.json" },
    };
    const launcher = ["/kfp-launcher/launch", "--pipeline_name", req.pipeline.name, "--run_id", req.runId];
    const command = [...launcher, "--executor_input", JSON.stringify(executorInput), "--"];
    const main = { name: "main", image: "localhost:5000/amber", command, args: ["protein-step", task.name] };
    return [
      { name: "pod-spec-patch", value: cached ? "" : JSON.stringify({ containers: [main] }) },
      { name: "cached-decision", value: String(cached) },
    ];
  }

  const entry = add(wf, "DAG", "entrypoint", "Running", undefined, []);
  const rootDriver = add(`${wf}.root-driver`, "Pod", "system-dag-driver", "Succeeded", entry.id, [entry.id]);
  const rootDag = add(`${wf}.root`, "DAG", "root", "Running", entry.id, [rootDriver.id]);
  const top = runDag(rootDag.name, rootDag.id, req.pipeline.tasks);
  const phases = [...top.phases];

  const loop = req.pipeline.loop;
  if (loop && (loop.dependsOn ?? []).every((d) => top.outbound.has(d))) {
    // Template names: argocompiler/dag.go iteratorTask and iterationItemTask.
    const component = `comp-${loop.name}`;
    const parents = loop.dependsOn?.length ? loop.dependsOn.flatMap((d) => top.outbound.get(d)!) : [rootDag.id];
    const loopName = `${rootDag.name}.${loop.name}`;
    const loopDag = add(loopName, "DAG", `${component}-${loop.name}-iterator`, "Running", rootDag.id, parents);
    const count = { outputs: { parameters: [{ name: "iteration-count", value: String(loop.items.length) }] } };
    const driverName = `${loopName}.iteration-driver`;
    const iterationDriver = add(driverName, "Pod", "system-dag-driver", "Succeeded", loopDag.id, [loopDag.id], count);
    const groupName = `${loopName}.iteration-iterations`;
    const iterationTemplate = `${component}-iteration`;
    const group = add(groupName, "TaskGroup", iterationTemplate, "Running", loopDag.id, [iterationDriver.id]);
    const groupPhases: NodePhase[] = [];
    loop.items.forEach((item, i) => {
      // Argo expandTask names the i-th withSequence item `name(i:i)`.
      const iteration = add(`${groupName}(${i}:${i})`, "DAG", iterationTemplate, "Running", loopDag.id, [group.id]);
      const itemDriverName = `${iteration.name}.iteration-item-driver`;
      const itemDriver = add(itemDriverName, "Pod", "system-dag-driver", "Succeeded", iteration.id, [iteration.id]);
      const body = add(`${iteration.name}.iteration-item`, "DAG", component, "Running", iteration.id, [itemDriver.id]);
      const phase = phaseOfChildren(runDag(body.name, body.id, loop.tasks, i, item).phases);
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
      labels: { "pipeline/runid": req.runId, "workflows.argoproj.io/phase": entry.phase },
    },
    spec: { entrypoint: "entrypoint", templates: [entrypointTemplate(req.runtimeParameters ?? {})] },
    status: { phase: entry.phase, startedAt: entry.startedAt, finishedAt: entry.finishedAt, nodes },
  };
}

/** The entrypoint DAG as argocompiler/dag.go compiles it: root-driver (with the runtime config), then root. */
function entrypointTemplate(parameterValues: Record<string, unknown>): WorkflowTemplate {
  const rootDriver: Param[] = [
    { name: "component", value: "{{workflow.parameters.components-root}}" },
    { name: "runtime-config", value: JSON.stringify({ parameterValues }) },
    { name: "driver-type", value: "ROOT_DAG" },
  ];
  const root: Param[] = [
    { name: "parent-dag-id", value: "{{tasks.root-driver.outputs.parameters.execution-id}}" },
    { name: "condition", value: "" },
  ];
  return {
    name: "entrypoint",
    dag: {
      tasks: [
        { name: "root-driver", template: "system-dag-driver", arguments: { parameters: rootDriver } },
        { name: "root", template: "root", depends: "root-driver.Succeeded", arguments: { parameters: root } },
      ],
    },
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
