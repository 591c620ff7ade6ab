/**
 * The steps of a run read from its Argo Workflow (the node tree KFP 2.17.0's task_details flattens away): each
 * step's ParallelFor iteration and protein, its state and its exact executor pod. Pure.
 * Node layout: KFP backend/src/v2/compiler/argocompiler (a step T is the DAG node `….T` of template
 * system-container-executor, whose child `….T.executor` is the pod; loop iterations are nodes
 * `….iteration-iterations(i:i)`); pod names: KFP backend/src/common/util/workflow.go RetrievePodName.
 */

export interface WorkflowNodeLike {
  id: string;
  name: string;
  displayName?: string;
  type?: string;
  templateName?: string;
  phase?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  children?: string[];
  outputs?: { parameters?: { name: string; value?: string }[] };
}
export interface WorkflowLike {
  metadata?: { name?: string };
  status?: { nodes?: Record<string, WorkflowNodeLike> };
}

export interface WorkflowStep {
  name: string;
  /** The ParallelFor iteration, when inside one. */
  iteration?: number;
  /** The iteration's protein (pdb_code of its tasks' executor inputs), when known. */
  protein?: string;
  state: string;
  startedAt?: string;
  finishedAt?: string;
  /** The executor pod (its `main` container holds the step's log). */
  pod?: string;
}

/** Argo phase -> the v2beta1 state KFP reports (model.RuntimeState.ToV2). */
function stateOf(phase: string | undefined): string {
  const upper = (phase ?? "").toUpperCase();
  if (upper === "ERROR") return "FAILED";
  return ["PENDING", "RUNNING", "SUCCEEDED", "SKIPPED", "FAILED"].includes(upper) ? upper : "PENDING";
}

/** KFP's RetrievePodName: the node id with the template name inserted before the hash. */
export function podOf(workflowName: string, node: WorkflowNodeLike): string {
  const hash = node.id.slice(node.id.lastIndexOf("-") + 1);
  return `${workflowName}-${node.templateName}-${hash}`;
}

/** The executor input of a container driver node (the `--executor_input` of its pod-spec-patch's `main`). */
function executorInput(node: WorkflowNodeLike): { inputs?: { parameterValues?: Record<string, unknown> } } {
  try {
    const patch = JSON.parse(node.outputs?.parameters?.find((p) => p.name === "pod-spec-patch")?.value ?? "{}");
    const main = (patch.containers ?? []).find((c: { name?: string }) => c.name === "main") ?? {};
    const argv: string[] = [...(main.command ?? []), ...(main.args ?? [])];
    const at = argv.indexOf("--executor_input");
    return at >= 0 ? JSON.parse(argv[at + 1]) : {};
  } catch {
    return {};
  }
}

const iterationOf = (node: WorkflowNodeLike): number | undefined => {
  const match = /\.iteration-iterations\((\d+):/.exec(node.name);
  return match ? Number(match[1]) : undefined;
};

/**
 * The steps the Workflow has reached. `isStep` says which task names are steps (default: every container task);
 * `codes[i]` names iteration i's protein when no task of it has resolved a `pdb_code` yet.
 */
export function stepsFromWorkflow(
  workflow: WorkflowLike,
  isStep: (name: string) => boolean = () => true,
  codes: string[] = [],
): WorkflowStep[] {
  const wf = workflow.metadata?.name ?? "";
  const nodes = Object.values(workflow.status?.nodes ?? {});
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const proteins = new Map<number, string>();
  for (const node of nodes) {
    const iteration = iterationOf(node);
    const code = executorInput(node).inputs?.parameterValues?.pdb_code;
    if (iteration !== undefined && typeof code === "string" && !proteins.has(iteration)) proteins.set(iteration, code);
  }
  const steps: WorkflowStep[] = [];
  for (const node of nodes) {
    const driver = node.templateName === "system-container-driver";
    if (node.templateName !== "system-container-executor" && !driver) continue;
    const name = (node.displayName ?? "").replace(driver ? /-driver$/ : /$^/, "");
    if (!isStep(name)) continue;
    // A driver stands for its step only until the step's own DAG node exists.
    if (driver && byName.has(node.name.replace(/-driver$/, ""))) continue;
    if (driver && node.phase === "Omitted") continue;
    const iteration = iterationOf(node);
    let executor = byName.get(`${node.name}.executor`);
    if (executor?.type === "Retry") executor = byId.get(executor.children?.[executor.children.length - 1] ?? "");
    const state = driver ? (stateOf(node.phase) === "FAILED" ? "FAILED" : "PENDING") : stateOf(node.phase);
    steps.push({
      name,
      ...(iteration === undefined ? {} : { iteration, protein: proteins.get(iteration) ?? codes[iteration] }),
      state,
      ...(driver ? {} : { startedAt: node.startedAt ?? undefined, finishedAt: node.finishedAt ?? undefined }),
      ...(executor?.type === "Pod" ? { pod: podOf(wf, executor) } : {}),
    });
  }
  return steps;
}
