/**
 * npm run watch: follows the stack's pipeline run (or any run by id) until it ends (usage below); exit 1 also
 * when one of its pods is stuck (it names the step, reason, pod and fix; the run is left as it is).
 */
import { isNetworkError, requesterFor } from "../../stacks/dynamic/http";
import { requesterForAccess } from "../../stacks/kfp-api/access";
import { KfpClient } from "../../stacks/kfp-api/client";
import { isApiError } from "../../stacks/kfp-api/errors";
import { kubeConnection } from "../../stacks/kube/kubeconfig";
import { Target, chosenStack, noRunMessage, readStackOutputs, targetFrom } from "../run-target";
import { Usage, parseUsageFlags, runCli } from "../../pipelines/cli";
import { pipelineSteps } from "../../stacks/kfp-api/task-details";
import { RunLike } from "./progress";
import { WatchRunOptions, watchRun } from "./watch-run";
import { Workflow } from "../argo-workflow";
import { printable } from "../printable";
import { runPodsReader, runWorkflows } from "../../stacks/pipeline-run/run-pods";
import { PodFault, diagnosePods, stepComponents } from "../../stacks/pipeline-run/pod-faults";

const TAIL_LINES = 40;
/**
 * The most one answer (a run, a pipeline spec, the Workflow, a log tail) may hold: a large batch run's are a few
 * MB; a larger one is not what was asked for, and is not read into memory.
 */
export const MAX_ANSWER_BYTES = 32 * 2 ** 20;

export const USAGE: Usage = {
  command: "watch",
  synopsis: "npm run watch [-- --stack NAME] [--run ID] [--endpoint URL] [--kubeconfig PATH] [--context NAME] …",
  about: `Follows the stack's pipeline run (or any run by id) until it ends. Exit 0 when it SUCCEEDED, 1 when it
ended otherwise (each failed step named with its kubectl logs command), 2 when it could not be watched.
Without --endpoint and --run it reads the stack's outputs (the stack: --stack, else $PULUMI_STACK, else dev).`,
  flags: [
    ["--stack NAME", "the stack whose run to watch (default $PULUMI_STACK, else dev)"],
    ["--run ID", "watch this run instead of the stack's"],
    ["--endpoint URL", "KFP's API base URL; with --run, no stack is needed"],
    ["--kubeconfig PATH", "kubeconfig for the service proxy, pod logs and the Argo Workflow (default $KUBECONFIG)"],
    ["--context NAME", "kube context (default: the stack's)"],
    ["--namespace NS", "KFP's namespace with --endpoint (default kubeflow)"],
    ["--poll SECONDS", "seconds between polls (default 5)"],
    ["--plain", "one plain line per change, even on a terminal"],
  ],
};

/** `kubectl logs <pod> -c main --tail 40` through the API server, with the kubeconfig's credentials. */
export function podLogReader(kube: NonNullable<Target["kube"]>, namespace: string): (pod: string) => Promise<string> {
  const request = requesterFor(kubeConnection(kube.kubeconfig, kube.context), undefined, MAX_ANSWER_BYTES);
  return async (pod) => {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
    const res = await request({
      method: "GET",
      path,
      query: { container: "main", tailLines: String(TAIL_LINES) },
      timeoutMs: 10_000,
    });
    if (res.status !== 200) throw new Error(`the API server answered HTTP ${res.status} for ${path}`);
    return res.body.toString("utf8");
  };
}

/** The run's Argo Workflow, found by the label KFP puts on it (`pipeline/runid`), through the API server. */
export function workflowReader(
  kube: NonNullable<Target["kube"]>,
  namespace: string,
): (runId: string) => Promise<Workflow | undefined> {
  const request = requesterFor(kubeConnection(kube.kubeconfig, kube.context), undefined, MAX_ANSWER_BYTES);
  return async (runId) => (await runWorkflows<Workflow>(request, namespace, runId))[0];
}

/** The first of the run's pods that will never finish (pod-faults.ts), read through the API server. */
export function podFaultReader(
  kube: NonNullable<Target["kube"]>,
  namespace: string,
  spec: () => unknown,
): (runId: string) => Promise<PodFault | undefined> {
  const read = runPodsReader(kube, namespace);
  return async (runId) => {
    const { pods, nodes } = await read(runId);
    return diagnosePods(pods, { components: stepComponents(spec()), nodes, namespace, kubeContext: kube.context });
  };
}

/** Where the watch loop reads a run, its steps, its Workflow and its pods' logs, for a target. */
export function runSources(
  target: Target,
): Pick<WatchRunOptions, "getRun" | "getSteps" | "getWorkflow" | "podLogTail" | "getPodFault"> {
  const client = new KfpClient(requesterForAccess(target.access, MAX_ANSWER_BYTES), {
    retry: { attempts: 4, baseDelayMs: 500, maxDelayMs: 4_000 },
  });
  // The pipeline version's spec, once read: which component each step runs names its resource class.
  let spec: unknown;
  return {
    getRun: (id) => client.getRun(id) as Promise<RunLike>,
    getSteps: async (run) => {
      const ref = run.pipeline_version_reference;
      if (!ref?.pipeline_id || !ref.pipeline_version_id) return undefined;
      spec = (await client.getPipelineVersion(ref.pipeline_id, ref.pipeline_version_id)).pipeline_spec;
      return pipelineSteps(spec);
    },
    getWorkflow: target.kube ? workflowReader(target.kube, target.namespace) : undefined,
    podLogTail: target.kube ? podLogReader(target.kube, target.namespace) : undefined,
    getPodFault: target.kube ? podFaultReader(target.kube, target.namespace, () => spec) : undefined,
  };
}

/** A clear, one-line reason for the errors a user can fix. */
export function explain(failure: unknown, runId: string, where: string): string {
  // withRetry wraps a transient error that persisted; the cause says what it was.
  const error = failure instanceof Error && failure.cause ? failure.cause : failure;
  if (isApiError(error) && error.status === 404) {
    return `run ${runId} not found at ${where}: check --run (the stack's run: \`npm run outputs -- pipelineRunId\`)`;
  }
  if (isApiError(error) && (error.status === 401 || error.status === 403)) {
    return `KFP at ${where} refused the credentials (HTTP ${error.status}): check --kubeconfig/--context or the endpoint`;
  }
  if (isNetworkError(error)) {
    return `cannot reach KFP at ${where} (${error.message}): is the cluster up, and is --endpoint right?`;
  }
  return (failure as Error).message;
}

export async function main(argv: string[]): Promise<number> {
  const flags = parseUsageFlags(argv, USAGE);
  let runId = flags.run as string | undefined;
  let where = String(flags.endpoint ?? "the stack's KFP");
  try {
    const stack = chosenStack(flags);
    const outputs = flags.endpoint && runId ? undefined : readStackOutputs("pass --endpoint URL and --run ID", stack);
    runId ??= outputs?.pipelineRunId;
    if (!runId) throw new Error(noRunMessage(stack));
    const target = targetFrom(flags, outputs);
    where = target.access.kind === "endpoint" ? target.access.baseUrl : `the ${target.access.service} service proxy`;
    const poll = Number(flags.poll ?? 5);
    return await watchRun(runId, {
      ...runSources(target),
      write: (text) => process.stdout.write(text),
      tty: !flags.plain && process.stdout.isTTY === true,
      context: target.kube?.context,
      namespace: target.namespace,
      pollMs: Number.isFinite(poll) && poll > 0 ? poll * 1000 : 5_000,
    });
  } catch (error) {
    process.stderr.write(`watch: ${printable(explain(error, runId ?? "?", where))}\n`);
    return 2;
  }
}

export const cli = (argv: string[]): Promise<number> => runCli(USAGE, argv, main);

if (require.main === module) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
