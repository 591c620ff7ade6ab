/**
 * A run's pods through the Kubernetes API: the run's Argo Workflow by the label KFP puts on it (`pipeline/runid`),
 * its pods by the label Argo puts on them (`workflows.argoproj.io/workflow`), and the nodes when a pod is
 * Unschedulable (to tell "never fits" from "waits its turn"). Runs in the provider host (../dynamic/README.md).
 */
import { taggedError } from "../dynamic/errors";
import { HttpRequester, requesterFor } from "../dynamic/http";
import type { KubeAccess } from "../kube/api";
import { kubeConnection } from "../kube/kubeconfig";
import type { NodeLike, PodLike } from "./pod-faults";

export interface RunPods {
  pods: PodLike[];
  /** Undefined when no pod is Unschedulable, or when the nodes cannot be read (no permission). */
  nodes?: NodeLike[];
}

const TIMEOUT_MS = 10_000;

async function getJson<T>(request: HttpRequester, path: string, query?: Record<string, string>): Promise<T> {
  const res = await request({ method: "GET", path, query, timeoutMs: TIMEOUT_MS });
  if (res.status !== 200) {
    throw taggedError("KubeApiError", `the Kubernetes API answered HTTP ${res.status} for GET ${path}`, {
      status: res.status,
      path,
    });
  }
  return JSON.parse(res.body.toString("utf8")) as T;
}

/**
 * Whether reading the pods failed for good: no permission (401/403) or no Argo Workflow API (404) will not change
 * while a run is waited on. Anything else (429 while the API server's cache starts, 5xx, a network error) may.
 */
export function podsRefusedForGood(error: unknown): boolean {
  const status = (error as { status?: number } | undefined)?.status;
  return status === 401 || status === 403 || status === 404;
}

/** The Argo Workflows of a KFP run (one, unless KFP retried its creation), by label `pipeline/runid`. */
export async function runWorkflows<W>(request: HttpRequester, namespace: string, runId: string): Promise<W[]> {
  const path = `/apis/argoproj.io/v1alpha1/namespaces/${encodeURIComponent(namespace)}/workflows`;
  const list = await getJson<{ items?: W[] }>(request, path, { labelSelector: `pipeline/runid=${runId}` });
  return list.items ?? [];
}

/** Reads a run's pods (and, when one is Unschedulable, the nodes) in `namespace`. */
export function runPodsReader(kube: KubeAccess, namespace: string): (runId: string) => Promise<RunPods> {
  const request = requesterFor(kubeConnection(kube.kubeconfig, kube.context));
  return async (runId) => {
    const workflows = await runWorkflows<{ metadata?: { name?: string } }>(request, namespace, runId);
    const names = workflows.map((w) => w.metadata?.name).filter((n): n is string => !!n);
    if (names.length === 0) return { pods: [] };
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
    const selector = `workflows.argoproj.io/workflow in (${names.join(",")})`;
    const pods = (await getJson<{ items?: PodLike[] }>(request, path, { labelSelector: selector })).items ?? [];
    const waiting = pods.some((p) =>
      (p.status?.conditions ?? []).some((c: PodLike) => c.type === "PodScheduled" && c.reason === "Unschedulable"),
    );
    if (!waiting) return { pods };
    const nodes = await getJson<{ items?: NodeLike[] }>(request, "/api/v1/nodes").then(
      (list) => list.items ?? [],
      () => undefined,
    );
    return nodes ? { pods, nodes } : { pods };
  };
}
