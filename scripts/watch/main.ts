/**
 * npm run watch [-- --run ID] [--endpoint URL] [--kubeconfig PATH] [--context NAME] [--namespace NS]
 *   [--poll SECONDS] [--plain]
 * Follows the stack's pipeline run (or any run by id) until it ends; exit 0 on SUCCEEDED, 1 when the
 * run ended otherwise or one of its pods is stuck (it names the step, reason, pod and fix; the run is left
 * as it is), 2 when it could not be watched (unknown run, KFP unreachable, bad flags).
 */
import { isNetworkError, requesterFor } from "../../stacks/dynamic/http";
import { requesterForAccess } from "../../stacks/kfp-api/access";
import { KfpClient } from "../../stacks/kfp-api/client";
import { isApiError } from "../../stacks/kfp-api/errors";
import { kubeConnection } from "../../stacks/kube/kubeconfig";
import { Flags, Target, parseFlags, readStackOutputs, targetFrom } from "../run-target";
import { pipelineSteps } from "../../stacks/kfp-api/task-details";
import { RunLike } from "./progress";
import { watchRun } from "./watch-run";
import { Workflow } from "../argo-workflow";
import { runPodsReader, runWorkflows } from "../../stacks/pipeline-run/run-pods";
import { PodFault, diagnosePods, stepComponents } from "../../stacks/pipeline-run/pod-faults";

const TAIL_LINES = 40;

/** `kubectl logs <pod> -c main --tail 40` through the API server, with the kubeconfig's credentials. */
export function podLogReader(kube: NonNullable<Target["kube"]>, namespace: string): (pod: string) => Promise<string> {
  const request = requesterFor(kubeConnection(kube.kubeconfig, kube.context));
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
  const request = requesterFor(kubeConnection(kube.kubeconfig, kube.context));
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

/** A clear, one-line reason for the errors a user can fix. */
export function explain(failure: unknown, runId: string, where: string): string {
  // withRetry wraps a transient error that persisted; the cause says what it was.
  const error = failure instanceof Error && failure.cause ? failure.cause : failure;
  if (isApiError(error) && error.status === 404) {
    return `run ${runId} not found at ${where}: check --run (the stack's run is \`pulumi stack output pipelineRunId\`)`;
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
  let flags: Flags;
  try {
    flags = parseFlags(argv, ["run", "endpoint", "kubeconfig", "context", "namespace", "poll"], ["plain"]);
  } catch (error) {
    process.stderr.write(`watch: ${(error as Error).message}\n`);
    return 2;
  }
  let runId = flags.run as string | undefined;
  let where = String(flags.endpoint ?? "the stack's KFP");
  try {
    const outputs = flags.endpoint && runId ? undefined : readStackOutputs("pass --endpoint URL and --run ID");
    runId ??= outputs?.pipelineRunId;
    if (!runId) throw new Error("the stack has no pipeline run (is pipeline.enabled false?): pass --run ID");
    const target = targetFrom(flags, outputs);
    where = target.access.kind === "endpoint" ? target.access.baseUrl : `the ${target.access.service} service proxy`;
    const client = new KfpClient(requesterForAccess(target.access), {
      retry: { attempts: 4, baseDelayMs: 500, maxDelayMs: 4_000 },
    });
    const poll = Number(flags.poll ?? 5);
    let spec: unknown;
    return await watchRun(runId, {
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
      write: (text) => process.stdout.write(text),
      tty: !flags.plain && process.stdout.isTTY === true,
      context: target.kube?.context,
      namespace: target.namespace,
      pollMs: Number.isFinite(poll) && poll > 0 ? poll * 1000 : 5_000,
    });
  } catch (error) {
    process.stderr.write(`watch: ${explain(error, runId ?? "?", where)}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
