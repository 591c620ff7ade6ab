/**
 * What `npm run watch` shows, as pure functions of a KFP v2beta1 Run (`GET /apis/v2beta1/runs/{id}`), its
 * pipeline's steps and, when the cluster is reachable, its Argo Workflow: the steps with their state and times,
 * grouped per protein in a batch run (counted per step when the Workflow is not readable), a full frame for a
 * terminal and plain lines (one per change) for logs and CI.
 */
import { shellQuote } from "../../stacks/util/shell";
import { PipelineSteps, TaskEntry, executorPodGuess, isStepEntry, stepNames } from "../../stacks/kfp-api/task-details";
import { Workflow } from "../argo-workflow";
import { stepsFromWorkflow } from "./workflow";

/** The part of a v2beta1 Run this view reads (field names as in KFP's swagger). */
export interface RunLike {
  run_id: string;
  display_name?: string;
  state?: string;
  error?: { message?: string };
  runtime_config?: { parameters?: Record<string, unknown> };
  pipeline_version_reference?: { pipeline_id?: string; pipeline_version_id?: string };
  run_details?: { task_details?: TaskEntry[] };
}

export interface TaskView {
  id: string;
  name: string;
  /** The protein (PDB code) of a ParallelFor iteration, or undefined outside one or when unknown. */
  group?: string;
  iteration?: number;
  state: string;
  startMs?: number;
  endMs?: number;
  /** The pod that ran the step (its `main` container holds the step's log). */
  pod?: string;
  /** The pod was inferred from the step's child node id, not read from the Workflow. */
  podGuess?: boolean;
  error?: string;
}
export interface RunView {
  id: string;
  name: string;
  state: string;
  error?: string;
  tasks: TaskView[];
  /** A batch whose iterations cannot be told apart (no Workflow): copies of a step are shown as counts. */
  copies?: boolean;
}

/** What is known beside the run: its pipeline's steps (from the spec) and its Argo Workflow (from the cluster). */
export interface ViewSources {
  steps?: PipelineSteps;
  workflow?: Workflow;
}

export const TASK_DONE = new Set(["SUCCEEDED", "SKIPPED", "CACHED", "FAILED", "CANCELED"]);
export const RUN_FINISHED = new Set(["SUCCEEDED", "SKIPPED", "FAILED", "CANCELED"]);

const time = (value?: string): number | undefined => {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
};

/** The run's steps: from the Workflow's node tree when given, else from KFP's flat task_details. */
function reachedSteps(run: RunLike, sources: ViewSources, codes: string[]): TaskView[] {
  const { steps, workflow } = sources;
  const names = steps ? stepNames(steps) : undefined;
  if (workflow && Object.keys(workflow.status?.nodes ?? {}).length > 0) {
    return stepsFromWorkflow(workflow, (name) => !names || names.includes(name), codes).map((s) => ({
      id: `${s.iteration ?? ""}/${s.name}`,
      name: s.name,
      ...(s.iteration === undefined ? {} : { iteration: s.iteration, group: s.protein ?? `iteration ${s.iteration}` }),
      state: s.state,
      startMs: time(s.startedAt),
      endMs: time(s.finishedAt),
      pod: s.pod,
    }));
  }
  return (run.run_details?.task_details ?? [])
    .filter((t) => isStepEntry(t, steps))
    .map((t, i) => ({
      id: t.task_id ?? `task-${i}`,
      name: t.display_name!,
      state: t.state ?? "PENDING",
      startMs: time(t.start_time),
      endMs: time(t.end_time),
      pod: executorPodGuess(t),
      podGuess: true,
      error: t.error?.message,
    }));
}

/** Pending stand-ins for the steps the spec has but the run has not reached, so totals hold from the start. */
function notReached(tasks: TaskView[], steps: PipelineSteps, codes: string[], labelled: boolean): TaskView[] {
  const pending = (id: string, name: string, more: Partial<TaskView> = {}): TaskView => ({
    id,
    name,
    state: "PENDING",
    ...more,
  });
  const iterations = Math.max(codes.length, ...tasks.map((t) => (t.iteration ?? -1) + 1));
  const body = steps.loop?.body ?? [];
  const missing: TaskView[] = [];
  const count = (name: string, iteration?: number): number =>
    tasks.filter((t) => t.name === name && (!labelled || t.iteration === iteration)).length;
  for (const name of steps.root) if (count(name) === 0) missing.push(pending(`/${name}`, name));
  for (const name of body) {
    if (labelled) {
      for (let i = 0; i < iterations; i++) {
        const group = tasks.find((t) => t.iteration === i)?.group ?? codes[i] ?? `iteration ${i}`;
        if (count(name, i) === 0) missing.push(pending(`${i}/${name}`, name, { iteration: i, group }));
      }
    } else {
      for (let k = count(name); k < iterations; k++) missing.push(pending(`${name}#${k}`, name));
    }
  }
  return missing;
}

export function runView(run: RunLike, sources: ViewSources = {}): RunView {
  const { steps } = sources;
  const parameters = run.runtime_config?.parameters ?? {};
  const items = parameters[steps?.loop?.itemsParameter ?? "pdb_codes"];
  const codes = Array.isArray(items) ? items.map(String) : [];
  const reached = reachedSteps(run, sources, codes);
  const labelled = reached.some((t) => t.iteration !== undefined) || !!sources.workflow?.status?.nodes;
  const all = steps ? [...reached, ...notReached(reached, steps, codes, labelled)] : reached;
  const order = steps ? stepNames(steps) : [];
  const tasks = all.sort(
    (a, b) =>
      (a.iteration ?? -1) - (b.iteration ?? -1) ||
      (a.startMs ?? Infinity) - (b.startMs ?? Infinity) ||
      order.indexOf(a.name) - order.indexOf(b.name),
  );
  const names = tasks.map((t) => t.name);
  const copies = !labelled && names.some((n, i) => names.indexOf(n) !== i);
  return {
    id: run.run_id,
    name: run.display_name ?? run.run_id,
    state: run.state ?? "PENDING",
    error: run.error?.message,
    tasks,
    ...(copies ? { copies } : {}),
  };
}

export function clock(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

const label = (task: TaskView): string => (task.group ? `${task.group}/${task.name}` : task.name);

export function bar(done: number, total: number, width = 30): string {
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

export function doneCount(view: RunView): number {
  return view.tasks.filter((t) => TASK_DONE.has(t.state)).length;
}

/** In a batch without the Workflow: `k/n done` over the copies of the step `task` is one of. */
function copiesNote(view: RunView, task: TaskView): string {
  if (!view.copies) return "";
  const copies = view.tasks.filter((t) => t.name === task.name);
  return copies.length > 1 ? ` (${doneCount({ ...view, tasks: copies })}/${copies.length} done)` : "";
}

/** One frame line for the copies of a step (a batch without the Workflow); undefined while none started. */
function copiesLine(tasks: TaskView[], nowMs: number): string | undefined {
  const done = tasks.filter((t) => TASK_DONE.has(t.state)).length;
  const running = tasks.filter((t) => t.state === "RUNNING");
  const failed = tasks.filter((t) => t.state === "FAILED").length;
  if (done === 0 && running.length === 0) return undefined;
  const name = tasks[0].name;
  const count = `${done}/${tasks.length} done`;
  if (running.length > 0) {
    const oldest = Math.min(...running.map((t) => t.startMs ?? nowMs));
    return `  > ${name}  ${count}, ${running.length} running ${clock(nowMs - oldest)}`;
  }
  return `  ${failed ? "x" : "✓"} ${name}  ${count}${failed ? `, ${failed} FAILED` : ""}`;
}

/** The terminal frame: a bar, running tasks with elapsed time, finished tasks, per protein in a batch. */
export function renderFrame(view: RunView, nowMs: number, notes: string[] = []): string[] {
  const done = doneCount(view);
  const total = view.tasks.length;
  const lines = [`run ${view.name} (${view.id}): ${view.state}`, `${bar(done, total)} ${done}/${total} tasks done`];
  if (view.copies) {
    for (const name of [...new Set(view.tasks.map((t) => t.name))]) {
      const tasks = view.tasks.filter((t) => t.name === name);
      const line = tasks.length > 1 ? copiesLine(tasks, nowMs) : taskLine(tasks[0], "  ", nowMs);
      if (line) lines.push(line);
    }
    return [...lines, ...notes];
  }
  const groups = [...new Set(view.tasks.map((t) => t.group))];
  for (const group of groups) {
    const tasks = view.tasks.filter((t) => t.group === group);
    if (group !== undefined) lines.push(`${group}: ${doneCount({ ...view, tasks })}/${tasks.length} done`);
    const indent = group === undefined ? "  " : "    ";
    for (const task of tasks) {
      const line = taskLine(task, indent, nowMs);
      if (line) lines.push(line);
    }
  }
  return [...lines, ...notes];
}

function taskLine(task: TaskView, indent: string, nowMs: number): string | undefined {
  if (task.state === "RUNNING") {
    return `${indent}> ${task.name}  running ${task.startMs ? clock(nowMs - task.startMs) : ""}`.trimEnd();
  }
  if (!TASK_DONE.has(task.state)) return undefined;
  const took = task.startMs && task.endMs ? ` (${clock(task.endMs - task.startMs)})` : "";
  return `${indent}${task.state === "FAILED" ? "x" : "✓"} ${task.name}  ${task.state}${took}`;
}

/** Plain-line mode: one line per task that started or finished since `before`, and the run's state change. */
export function changes(before: RunView | undefined, after: RunView): string[] {
  const previous = new Map((before?.tasks ?? []).map((t) => [t.id, t.state]));
  const total = after.tasks.length;
  const lines: string[] = [];
  let done = (before?.tasks ?? []).filter((t) => TASK_DONE.has(t.state)).length;
  for (const task of after.tasks) {
    const was = previous.get(task.id);
    if (was === task.state) continue;
    if (TASK_DONE.has(task.state)) {
      done++;
      const took = task.startMs && task.endMs ? ` in ${clock(task.endMs - task.startMs)}` : "";
      lines.push(`[${done}/${total}] ${label(task)} ${task.state}${took}${copiesNote(after, task)}`);
    } else if (task.state === "RUNNING") {
      lines.push(`[${done}/${total}] ${label(task)} running`);
    }
  }
  if (before?.state !== after.state) lines.push(`run ${after.id}: ${after.state}`);
  return lines;
}

/** The tasks that failed (a run can fail before any task did: then none). */
export function failedTasks(view: RunView): TaskView[] {
  return view.tasks.filter((t) => t.state === "FAILED");
}

export function logsCommand(task: TaskView, context: string | undefined, namespace: string): string | undefined {
  if (!task.pod) return undefined;
  const contextFlag = context ? ` --context ${shellQuote(context)}` : "";
  return `kubectl logs${contextFlag} -n ${shellQuote(namespace)} ${shellQuote(task.pod)} -c main`;
}
