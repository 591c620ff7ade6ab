/**
 * Reading a KFP 2.17.0 run's `run_details.task_details`; pure. KFP builds that list from the Argo Workflow's
 * nodes (backend/src/apiserver/server/api_converter.go toModelTasks, toApiPipelineTaskDetail): one entry per
 * node, DAGs and driver pods included, named by the node's displayName; `child_tasks[].pod_name` holds the
 * child NODE ids; parent_task_id and pod_name are never set. So the pipeline's steps are picked by name (best
 * from the pipeline spec), and a step's executor pod can only be inferred from its child node id.
 */
import { parse as parseYaml } from "yaml";

export interface TaskEntry {
  task_id?: string;
  display_name?: string;
  state?: string;
  create_time?: string;
  start_time?: string;
  end_time?: string;
  child_tasks?: { task_id?: string; pod_name?: string }[];
  error?: { message?: string };
}

/** The steps of a pipeline: its root DAG's tasks and, for a root ParallelFor, the loop body's tasks. */
export interface PipelineSteps {
  root: string[];
  loop?: { name: string; body: string[]; itemsParameter?: string };
}

interface SpecTask {
  componentRef?: { name?: string };
  parameterIterator?: { items?: { inputParameter?: string } };
}
interface Spec {
  root?: { dag?: { tasks?: Record<string, SpecTask> } };
  components?: Record<string, { dag?: { tasks?: Record<string, unknown> } }>;
}

/** The steps of a pipeline spec (the IR object, as `pipeline_spec` of a pipeline version); undefined if none. */
export function pipelineSteps(spec: unknown): PipelineSteps | undefined {
  const tasks = (spec as Spec | undefined)?.root?.dag?.tasks;
  if (!tasks || typeof tasks !== "object") return undefined;
  const steps: PipelineSteps = { root: [] };
  for (const [name, task] of Object.entries(tasks)) {
    const body = task.parameterIterator
      ? (spec as Spec).components?.[task.componentRef?.name ?? ""]?.dag?.tasks
      : undefined;
    if (!body) {
      steps.root.push(name);
      continue;
    }
    const source = task.parameterIterator?.items?.inputParameter?.replace(/^pipelinechannel--/, "");
    steps.loop = { name, body: Object.keys(body), ...(source ? { itemsParameter: source } : {}) };
  }
  return steps;
}

/** The steps of a compiled IR (YAML or JSON text); undefined when it cannot be read. */
export function pipelineStepsFromIr(ir: string): PipelineSteps | undefined {
  try {
    return pipelineSteps(parseYaml(ir.split(/^---\s*$/m)[0]));
  } catch {
    return undefined;
  }
}

export function stepNames(steps: PipelineSteps): string[] {
  return [...steps.root, ...(steps.loop?.body ?? [])];
}

/** One iteration of a ParallelFor: Argo names withSequence items `iteration-iterations(<index>:<value>)`. */
export const isIterationEntry = (entry: TaskEntry): boolean =>
  /^iteration-iterations\(\d+:.*\)$/.test(entry.display_name ?? "");

/**
 * KFP's own entries, by the names its Argo compiler gives them (backend/src/v2/compiler/argocompiler): the
 * workflow's root node (named after the workflow, whose child node ids start with that name), root, the
 * drivers, the executor pods, ParallelFor/condition DAGs and their iterations.
 */
export function isBookkeeping(entry: TaskEntry): boolean {
  const name = entry.display_name ?? "";
  if (["", "root", "executor", "iteration-item", "iteration-iterations"].includes(name)) return true;
  if (/-driver$/.test(name) || /^(for-loop|condition|exit-handler)-\d+$/.test(name)) return true;
  if (isIterationEntry(entry)) return true;
  const prefix = `${name}-`;
  return (entry.child_tasks ?? []).some(
    (c) => c.pod_name?.startsWith(prefix) && /^\d+$/.test(c.pod_name.slice(prefix.length)),
  );
}

/** Whether `entry` is one run of a pipeline step: by the spec's task names when known, else by `isBookkeeping`. */
export function isStepEntry(entry: TaskEntry, steps?: PipelineSteps): boolean {
  if (steps) return stepNames(steps).includes(entry.display_name ?? "");
  return !isBookkeeping(entry);
}

/**
 * The pod Argo runs node `<wf>-<hash>` of template `templateName` in: `<wf>-<templateName>-<hash>` (Argo
 * workflow/util/pod_name.go with POD_NAMES=v2; KFP backend/src/common/util/workflow.go RetrievePodName).
 */
export function podOfNode(nodeId: string, templateName: string): string | undefined {
  const match = /^(.+)-(\d+)$/.exec(nodeId);
  return match ? `${match[1]}-${templateName}-${match[2]}` : undefined;
}

/**
 * The executor pod of a step entry, inferred: its only child is the `executor` node, run by KFP's template
 * `system-container-impl`. A best guess: a task with a retry policy runs in `retry-system-container-impl` pods.
 */
export function executorPodGuess(entry: TaskEntry): string | undefined {
  const child = entry.child_tasks?.find((c) => c.pod_name)?.pod_name;
  return child ? podOfNode(child, "system-container-impl") : undefined;
}
