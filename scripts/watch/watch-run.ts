/**
 * The `npm run watch` loop: polls a run until it finishes, redrawing a frame on a terminal or printing
 * one line per change otherwise. Resolves to the exit code: 0 when the run SUCCEEDED, 1 when it ended
 * otherwise (naming each failed task with the `kubectl logs` command and the tail of its log) or when one of its
 * pods will never finish (naming the step, the reason, the pod and the fix).
 */
import type { PipelineSteps } from "../../stacks/kfp-api/task-details";
import type { Workflow } from "../argo-workflow";
import { PodFault, podFaultMessage } from "../../stacks/pipeline-run/pod-faults";
import { podsRefusedForGood } from "../../stacks/pipeline-run/run-pods";
import {
  RUN_FINISHED,
  RunLike,
  RunView,
  changes,
  clock,
  failedTasks,
  logsCommand,
  renderFrame,
  runView,
} from "./progress";
import { printable } from "../printable";

export interface WatchRunOptions {
  /** `GET /apis/v2beta1/runs/{id}`; throws on failure (KFP client errors carry their own message). */
  getRun: (runId: string) => Promise<RunLike>;
  /** The steps of the run's pipeline (from its pipeline version's spec); undefined or a throw: a name rule picks them. */
  getSteps?: (run: RunLike) => Promise<PipelineSteps | undefined>;
  /**
   * The run's Argo Workflow (label pipeline/runid) through the Kubernetes API: per-protein groups and exact pod
   * names. A throw stops asking (said once); without it steps come from task_details alone.
   */
  getWorkflow?: (runId: string) => Promise<Workflow | undefined>;
  /**
   * The first of the run's pods that will never finish (an image that cannot be pulled, a request no node can
   * meet, …), through the Kubernetes API. A lasting refusal (401/403/404) stops asking, said once; any other
   * failure (429 while the API server's cache starts, 5xx, the network) is said once and retried each poll.
   */
  getPodFault?: (runId: string) => Promise<PodFault | undefined>;
  /** The last lines of a pod's `main` container log, when the cluster is reachable. Default: none. */
  podLogTail?: (pod: string) => Promise<string>;
  write: (text: string) => void;
  /** Redraw a live frame (a terminal) instead of printing plain lines. */
  tty: boolean;
  /** Kube context and namespace for the `kubectl logs` hint. */
  context?: string;
  namespace: string;
  /** Poll interval. Default 5 s. */
  pollMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export async function watchRun(runId: string, watchOptions: WatchRunOptions): Promise<number> {
  // Everything printed passes here: names, states, errors and log lines are the server's text.
  const options = { ...watchOptions, write: (text: string) => watchOptions.write(printable(text)) };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  let previous: RunView | undefined;
  let frameLines = 0;
  let steps: PipelineSteps | undefined;
  let stepsAsked = false;
  let getWorkflow = options.getWorkflow;
  let getPodFault = options.getPodFault;
  let podRetryNoted = false;
  let missingNoted = false;
  const notes: string[] = [];
  const note = (text: string): void => {
    notes.push(text);
    if (!options.tty) options.write(`${text}\n`);
  };
  if (!getWorkflow)
    note("(no Kubernetes API access: batch steps are counted, not labelled per protein; pod names are inferred)");
  for (;;) {
    const run = await options.getRun(runId);
    if (!stepsAsked) {
      stepsAsked = true;
      steps = await options.getSteps?.(run).catch((error: Error) => {
        note(`(could not read the pipeline spec, so steps are picked by name: ${error.message.split("\n")[0]})`);
        return undefined;
      });
    }
    let workflow: Workflow | undefined;
    if (getWorkflow) {
      workflow = await getWorkflow(runId).catch((error: Error) => {
        getWorkflow = undefined;
        note(
          `(could not read the run's Argo Workflow, so batch steps are counted, not labelled per protein, and pod names are inferred: ${error.message.split("\n")[0]})`,
        );
        return undefined;
      });
    }
    if (getWorkflow && !workflow && !missingNoted && run.run_details?.task_details?.length) {
      missingNoted = true;
      note(
        `(no Argo Workflow labelled pipeline/runid=${runId} in namespace ${options.namespace}, e.g. deleted after the run: batch steps are counted and pod names inferred)`,
      );
    }
    const view = runView(run, { steps, workflow });
    if (options.tty) {
      // One line per frame line, so that moving up over it clears it all.
      const frame = renderFrame(view, now(), notes).map((line) => line.replace(/\n/g, " "));
      // Move up over the previous frame and clear it (our own escape sequences, written past printable).
      const up = frameLines ? `\x1b[${frameLines}A\x1b[0J` : "";
      watchOptions.write(`${up}${printable(frame.join("\n"))}\n`);
      frameLines = frame.length;
    } else {
      for (const line of changes(previous, view)) options.write(`${line}\n`);
    }
    previous = view;
    if (RUN_FINISHED.has(view.state)) return finish(view, now() - started, options);
    const fault = await getPodFault?.(runId).catch((error: Error) => {
      const reason = error.message.split("\n")[0];
      if (podsRefusedForGood(error)) {
        getPodFault = undefined;
        note(`(could not read the run's pods, so a stuck pod is not detected: ${reason})`);
      } else if (!podRetryNoted) {
        podRetryNoted = true;
        note(`(could not read the run's pods yet: ${reason}; trying again at each poll)`);
      }
      return undefined;
    });
    if (fault) {
      const outcome =
        "The run is left as it is in KFP (watch only reports; `up` terminates or leaves it as pipeline.onPodFault says).";
      options.write(`${podFaultMessage(runId, fault, outcome)}\n`);
      return 1;
    }
    await sleep(options.pollMs ?? 5_000);
  }
}

async function finish(view: RunView, watchedMs: number, options: WatchRunOptions): Promise<number> {
  if (view.state === "SUCCEEDED") {
    options.write(`run ${view.id} SUCCEEDED (watched for ${clock(watchedMs)})\n`);
    return 0;
  }
  options.write(`run ${view.id} ended ${view.state}${view.error ? `: ${view.error}` : ""}\n`);
  for (const task of failedTasks(view)) {
    const name = task.group ? `${task.group}/${task.name}` : task.name;
    options.write(`failed task: ${name}${task.error ? ` (${task.error})` : ""}\n`);
    const command = logsCommand(task, options.context, options.namespace);
    if (!command) continue;
    const guess = task.podGuess ? " (pod name inferred from the step's node id: a best guess)" : "";
    options.write(`  its log: ${command}${guess}\n`);
    if (!options.podLogTail) continue;
    try {
      const tail = (await options.podLogTail(task.pod!)).trimEnd();
      if (tail) options.write(`  --- last lines ---\n${tail.replace(/^/gm, "  ")}\n`);
    } catch (error) {
      options.write(`  (could not read the log: ${(error as Error).message.split("\n")[0]})\n`);
    }
  }
  return 1;
}
