/**
 * Which protein of a batch run each task's storage folder belongs to, read from the run's Argo Workflow.
 *
 * KFP 2.17.0 stores a task's outputs at `<root>/<pipeline>/<run id>/<task>/<random uuid>/<output>`
 * (backend/src/v2/driver/driver.go provisionOutputs), and every ParallelFor iteration uses the same task name,
 * so the keys alone do not say which protein a folder holds. The Workflow does: each container task has a driver
 * node (template `system-container-driver`, backend/src/v2/compiler/argocompiler/container.go) whose output
 * parameter `pod-spec-patch` is a pod spec whose `main` container runs the launcher with
 * `--executor_input <ExecutorInput JSON>` (driver.go initPodSpecPatch): the output URIs name the folder and
 * `inputs.parameterValues.pdb_code` the protein. The node's name is its dotted path in the Workflow and holds
 * the iteration, `…iteration-iterations(1:1)…` (argocompiler/dag.go; Argo workflow/controller/operator.go
 * expands withSequence items as `name(index:value)`).
 */

/** The parts of an Argo Workflow read here (Argo pkg/apis/workflow/v1alpha1/workflow_types.go). */
export interface WorkflowNode {
  name: string;
  displayName?: string;
  templateName?: string;
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

export interface ProteinFolders {
  /** `<task>/<uuid>` storage folder -> the protein (PDB code) of its ParallelFor iteration. */
  folders: Map<string, string>;
  /** Proteins in iteration order; empty for a run without a ParallelFor. */
  proteins: string[];
  /** Container tasks whose driver gave no executor input (cached or skipped: nothing of theirs in this run). */
  withoutExecutorInput: string[];
  /**
   * Of those, `[<protein>/]<task>` of the ones KFP's cache served (driver output `cached-decision` "true",
   * backend/src/v2/cmd/driver/main.go): their outputs stay under the earlier run that made them.
   */
  cached: string[];
}

interface ExecutorInput {
  inputs?: { parameterValues?: Record<string, unknown> };
  outputs?: { artifacts?: Record<string, { artifacts?: { uri?: string }[] }> };
}

const ITERATION = /\.iteration-iterations\((\d+):[^)]*\)(?:\.|$)/;

/** The ExecutorInput in a driver's pod-spec-patch, or undefined when it has none (a cached task's is ""). */
export function executorInputOf(podSpecPatch: string | undefined): ExecutorInput | undefined {
  if (!podSpecPatch) return undefined;
  try {
    const spec = JSON.parse(podSpecPatch) as { containers?: { name?: string; command?: string[]; args?: string[] }[] };
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

/** `pdb_codes` of the run's runtime config, which the root driver task is given in the Workflow's spec. */
function runtimePdbCodes(workflow: Workflow): unknown[] {
  for (const template of workflow.spec?.templates ?? []) {
    for (const task of template.dag?.tasks ?? []) {
      const config = task.arguments?.parameters?.find((p) => p.name === "runtime-config")?.value;
      if (task.name !== "root-driver" || !config) continue;
      try {
        const codes = (JSON.parse(config) as { parameterValues?: { pdb_codes?: unknown } }).parameterValues?.pdb_codes;
        if (Array.isArray(codes)) return codes;
      } catch {
        // no usable runtime config
      }
    }
  }
  return [];
}

const safeFolder = (name: string): string => name.replace(/[^A-Za-z0-9._-]/g, "_");

export function proteinFolders(workflow: Workflow): ProteinFolders {
  const folderIteration = new Map<string, number>();
  const codeOfIteration = new Map<number, string>();
  const withoutExecutorInput: string[] = [];
  const cachedTasks: { task: string; iteration?: number }[] = [];
  const nodes = Object.values(workflow.status?.nodes ?? {}).sort((a, b) => a.name.localeCompare(b.name));
  for (const node of nodes) {
    const patch = node.outputs?.parameters?.find((p) => p.name === "pod-spec-patch");
    if (node.templateName !== "system-container-driver" && !patch) continue;
    const input = executorInputOf(patch?.value);
    const task = (node.displayName ?? node.name.split(".").pop() ?? "").replace(/-driver$/, "");
    const match = ITERATION.exec(node.name);
    const iteration = match ? Number(match[1]) : undefined;
    if (!input) {
      withoutExecutorInput.push(task);
      const decision = node.outputs?.parameters?.find((p) => p.name === "cached-decision")?.value;
      if (decision === "true") cachedTasks.push({ task, iteration });
      continue;
    }
    if (iteration === undefined) continue;
    const code = input.inputs?.parameterValues?.pdb_code;
    if (typeof code === "string" && code) codeOfIteration.set(iteration, code);
    for (const list of Object.values(input.outputs?.artifacts ?? {})) {
      for (const artifact of list.artifacts ?? []) {
        const parts = (artifact.uri ?? "").split("/");
        if (parts.length >= 3) folderIteration.set(parts.slice(-3, -1).join("/"), iteration);
      }
    }
  }
  const fromConfig = runtimePdbCodes(workflow);
  const proteinOf = (i: number): string => {
    const code = codeOfIteration.get(i) ?? fromConfig[i];
    return safeFolder(typeof code === "string" && code ? code : `iteration-${i}`);
  };
  const folders = new Map([...folderIteration].map(([folder, i]) => [folder, proteinOf(i)]));
  const iterations = [...new Set(folderIteration.values())].sort((a, b) => a - b);
  const cached = cachedTasks.map((t) => (t.iteration === undefined ? t.task : `${proteinOf(t.iteration)}/${t.task}`));
  return { folders, proteins: iterations.map(proteinOf), withoutExecutorInput, cached };
}
