/**
 * What `npm run watch` shows, as pure functions of a KFP v2beta1 Run (`GET /apis/v2beta1/runs/{id}`):
 * the tasks with their state and times, grouped per protein in a batch run, a full frame for a
 * terminal and plain lines (one per change) for logs and CI.
 */

/** The part of a v2beta1 Run this view reads (field names as in KFP's swagger). */
export interface RunLike {
  run_id: string;
  display_name?: string;
  state?: string;
  error?: { message?: string };
  runtime_config?: { parameters?: Record<string, unknown> };
  run_details?: { task_details?: TaskLike[] };
}
export interface TaskLike {
  task_id?: string;
  display_name?: string;
  state?: string;
  start_time?: string;
  end_time?: string;
  create_time?: string;
  parent_task_id?: string;
  pod_name?: string;
  child_tasks?: { task_id?: string; pod_name?: string }[];
  error?: { message?: string };
}

export interface TaskView {
  id: string;
  name: string;
  /** The protein (PDB code) of a ParallelFor iteration, or undefined outside one. */
  group?: string;
  state: string;
  startMs?: number;
  endMs?: number;
  /** The pod that ran the step (its `main` container holds the step's log). */
  pod?: string;
  error?: string;
}
export interface RunView {
  id: string;
  name: string;
  state: string;
  error?: string;
  tasks: TaskView[];
}

export const TASK_DONE = new Set(["SUCCEEDED", "SKIPPED", "CACHED", "FAILED", "CANCELED"]);
export const RUN_FINISHED = new Set(["SUCCEEDED", "SKIPPED", "FAILED", "CANCELED"]);

const time = (value?: string): number | undefined => {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
};

/** KFP's own bookkeeping entries (the root DAG and drivers), not steps of the pipeline. */
function isBookkeeping(name: string): boolean {
  return name === "" || name === "root" || name.endsWith("-driver") || /^for-loop-\d+$/.test(name);
}

/**
 * The protein of each ParallelFor iteration: KFP names iteration DAGs `<loop>-iteration-<i>` (or gives
 * them in order under the loop's DAG); index i is the i-th item of the run's `pdb_codes` parameter.
 */
function iterationLabels(tasks: TaskLike[], run: RunLike): Map<string, string> {
  const codes = run.runtime_config?.parameters?.pdb_codes;
  const items = Array.isArray(codes) ? codes.map(String) : [];
  const labels = new Map<string, string>();
  const loops = new Set(tasks.filter((t) => /^for-loop-\d+$/.test(t.display_name ?? "")).map((t) => t.task_id));
  const siblings = new Map<string, TaskLike[]>();
  for (const task of tasks) {
    const match = /-iteration-(\d+)$/.exec(task.display_name ?? "");
    if (match && task.task_id) {
      labels.set(task.task_id, items[Number(match[1])] ?? `iteration ${match[1]}`);
    } else if (task.parent_task_id && loops.has(task.parent_task_id) && task.task_id) {
      siblings.set(task.parent_task_id, [...(siblings.get(task.parent_task_id) ?? []), task]);
    }
  }
  for (const group of siblings.values()) {
    group
      .sort((a, b) => (time(a.create_time) ?? 0) - (time(b.create_time) ?? 0))
      .forEach((task, i) => labels.set(task.task_id!, items[i] ?? `iteration ${i}`));
  }
  return labels;
}

export function runView(run: RunLike): RunView {
  const details = run.run_details?.task_details ?? [];
  const byId = new Map(details.filter((t) => t.task_id).map((t) => [t.task_id!, t]));
  const labels = iterationLabels(details, run);
  const groupOf = (task: TaskLike): string | undefined => {
    for (let parent = task.parent_task_id, hops = 0; parent && hops < 20; hops++) {
      if (labels.has(parent)) return labels.get(parent);
      parent = byId.get(parent)?.parent_task_id;
    }
    return undefined;
  };
  const tasks = details
    .filter((t) => !isBookkeeping(t.display_name ?? "") && !labels.has(t.task_id ?? ""))
    .map((t, i): TaskView => {
      const pods = (t.child_tasks ?? []).map((c) => c.pod_name).filter((p): p is string => !!p);
      return {
        id: t.task_id ?? `task-${i}`,
        name: t.display_name!,
        group: groupOf(t),
        state: t.state ?? "PENDING",
        startMs: time(t.start_time),
        endMs: time(t.end_time),
        pod: t.pod_name || pods[pods.length - 1],
        error: t.error?.message,
      };
    });
  return {
    id: run.run_id,
    name: run.display_name ?? run.run_id,
    state: run.state ?? "PENDING",
    error: run.error?.message,
    tasks,
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

/** The terminal frame: a bar, running tasks with elapsed time, finished tasks, per protein in a batch. */
export function renderFrame(view: RunView, nowMs: number): string[] {
  const done = doneCount(view);
  const total = view.tasks.length;
  const lines = [`run ${view.name} (${view.id}): ${view.state}`, `${bar(done, total)} ${done}/${total} tasks done`];
  const groups = [...new Set(view.tasks.map((t) => t.group))];
  for (const group of groups) {
    const tasks = view.tasks.filter((t) => t.group === group);
    if (group !== undefined) lines.push(`${group}: ${doneCount({ ...view, tasks })}/${tasks.length} done`);
    const indent = group === undefined ? "  " : "    ";
    for (const task of tasks) {
      if (task.state === "RUNNING") {
        lines.push(`${indent}> ${task.name}  running ${task.startMs ? clock(nowMs - task.startMs) : ""}`.trimEnd());
      } else if (TASK_DONE.has(task.state)) {
        const took = task.startMs && task.endMs ? ` (${clock(task.endMs - task.startMs)})` : "";
        lines.push(`${indent}${task.state === "FAILED" ? "x" : "✓"} ${task.name}  ${task.state}${took}`);
      }
    }
  }
  return lines;
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
      lines.push(`[${done}/${total}] ${label(task)} ${task.state}${took}`);
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
  return `kubectl logs${context ? ` --context ${context}` : ""} -n ${namespace} ${task.pod} -c main`;
}
