/**
 * Reading the Argo Workflow KFP 2.17.0 runs for a pipeline run: the node tree its task_details flatten away.
 * Shared by `npm run watch` (steps, proteins, pods) and `npm run results` (which protein a storage folder holds).
 * Layout (KFP backend/src/v2/compiler/argocompiler): a container step T is the DAG node `….T` (template
 * system-container-executor) whose child `….T.executor` is its pod; its driver `….T-driver` (template
 * system-container-driver) outputs `pod-spec-patch`, a pod spec whose `main` container runs the launcher with
 * `--executor_input <ExecutorInput JSON>` (backend/src/v2/driver/driver.go initPodSpecPatch); ParallelFor
 * iterations are nodes `….iteration-iterations(i:i)` (Argo workflow/controller/operator.go names withSequence
 * items `name(index:value)`). Pure.
 */

/** The parts of a node status read here (Argo pkg/apis/workflow/v1alpha1/workflow_types.go NodeStatus). */
export interface WorkflowNode {
  id: string;
  /** The dotted path from the root: `<wf>.root.for-loop-2.iteration-iterations(1:1).iteration-item.npt`. */
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

export interface Workflow {
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: {
    templates?: { name?: string; dag?: { tasks?: { name: string; arguments?: { parameters?: Param[] } }[] } }[];
  };
  status?: { nodes?: Record<string, WorkflowNode> };
}
type Param = { name: string; value?: string };

export interface ExecutorInput {
  inputs?: { parameterValues?: Record<string, unknown> };
  outputs?: { artifacts?: Record<string, { artifacts?: { uri?: string }[] }> };
}

export const CONTAINER_DRIVER = "system-container-driver";
export const CONTAINER_EXECUTOR = "system-container-executor";

export const outputParameter = (node: WorkflowNode, name: string): string | undefined =>
  node.outputs?.parameters?.find((p) => p.name === name)?.value;

/** A driver's executor input, or undefined when it has none (a cached or skipped task's pod-spec-patch is ""). */
export function executorInputOf(node: WorkflowNode): ExecutorInput | undefined {
  const patch = outputParameter(node, "pod-spec-patch");
  if (!patch) return undefined;
  try {
    const spec = JSON.parse(patch) as { containers?: { name?: string; command?: string[]; args?: string[] }[] };
    for (const container of spec.containers ?? []) {
      const argv = [...(container.command ?? []), ...(container.args ?? [])];
      const at = argv.indexOf("--executor_input");
      if (at >= 0 && at + 1 < argv.length) return JSON.parse(argv[at + 1]) as ExecutorInput;
    }
  } catch {
    // not a pod spec with an executor input: treated as none
  }
  return undefined;
}

/** The ParallelFor iteration a node is in (the outermost one), or undefined outside a loop. */
export function iterationOf(node: WorkflowNode): number | undefined {
  const match = /\.iteration-iterations\((\d+):[^)]*\)(?:\.|$)/.exec(node.name);
  return match ? Number(match[1]) : undefined;
}

/** Each iteration's protein: the first `pdb_code` a task of it was given (fetch-pdb's). */
export function iterationProteins(workflow: Workflow): Map<number, string> {
  const proteins = new Map<number, string>();
  for (const node of Object.values(workflow.status?.nodes ?? {}).sort((a, b) => a.name.localeCompare(b.name))) {
    const iteration = iterationOf(node);
    if (iteration === undefined || proteins.has(iteration)) continue;
    const code = executorInputOf(node)?.inputs?.parameterValues?.pdb_code;
    if (typeof code === "string" && code) proteins.set(iteration, code);
  }
  return proteins;
}
