/**
 * The steps of a run read from its Argo Workflow (../argo-workflow.ts): each step's ParallelFor iteration and
 * protein, its state and its exact executor pod. Pure.
 */
import { CONTAINER_DRIVER, CONTAINER_EXECUTOR, Workflow, iterationOf, iterationProteins } from "../argo-workflow";
import { podOfNode } from "../../stacks/kfp-api/task-details";

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

/**
 * The steps the Workflow has reached. `isStep` says which task names are steps (default: every container task);
 * `codes[i]` names iteration i's protein when no task of it has resolved a `pdb_code` yet.
 */
export function stepsFromWorkflow(
  workflow: Workflow,
  isStep: (name: string) => boolean = () => true,
  codes: string[] = [],
): WorkflowStep[] {
  const nodes = Object.values(workflow.status?.nodes ?? {});
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const proteins = iterationProteins(workflow);
  const steps: WorkflowStep[] = [];
  for (const node of nodes) {
    const driver = node.templateName === CONTAINER_DRIVER;
    if (node.templateName !== CONTAINER_EXECUTOR && !driver) continue;
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
      ...(executor?.type === "Pod" && executor.templateName
        ? { pod: podOfNode(executor.id, executor.templateName) }
        : {}),
    });
  }
  return steps;
}
