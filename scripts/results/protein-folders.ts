/**
 * Which protein of a batch run each task's storage folder belongs to, read from the run's Argo Workflow.
 * KFP 2.17.0 stores a task's outputs at `<root>/<pipeline>/<run id>/<task>/<random uuid>/<output>`
 * (backend/src/v2/driver/driver.go provisionOutputs), and every ParallelFor iteration uses the same task name,
 * so the keys alone do not say which protein a folder holds. The Workflow does (../argo-workflow.ts): each
 * container task's driver node gives its executor input, whose output URIs name the folder, and the node's
 * name holds the iteration, whose fetch task's `pdb_code` names the protein.
 */
import {
  CONTAINER_DRIVER,
  Workflow,
  executorInputOf,
  iterationOf,
  iterationProteins,
  outputParameter,
} from "../argo-workflow";

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
  const codeOfIteration = iterationProteins(workflow);
  const withoutExecutorInput: string[] = [];
  const cachedTasks: { task: string; iteration?: number }[] = [];
  const nodes = Object.values(workflow.status?.nodes ?? {}).sort((a, b) => a.name.localeCompare(b.name));
  for (const node of nodes) {
    if (node.templateName !== CONTAINER_DRIVER && outputParameter(node, "pod-spec-patch") === undefined) continue;
    const input = executorInputOf(node);
    const task = (node.displayName ?? node.name.split(".").pop() ?? "").replace(/-driver$/, "");
    const iteration = iterationOf(node);
    if (!input) {
      withoutExecutorInput.push(task);
      if (outputParameter(node, "cached-decision") === "true") cachedTasks.push({ task, iteration });
      continue;
    }
    if (iteration === undefined) continue;
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
