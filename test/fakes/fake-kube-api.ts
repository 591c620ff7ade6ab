/**
 * The Kubernetes API paths `npm run watch` and the run resource read beside KFP, answered from the fake KFP's runs:
 * the run's Argo Workflow by its `pipeline/runid` label (argo-workflow.ts), a pod's `main` container log, the pods
 * of a Workflow by Argo's `workflows.argoproj.io/workflow` label, and the nodes.
 */
import { workflowOf, FakeRun, StoreState } from "./fake-kfp-store";
import { podName } from "./argo-workflow";

export interface KubeApiOptions {
  /** The log of an executor pod; default: one line naming the pod's step. */
  podLog?: (pod: string, step: string) => string;
  /** The pods (with status) of a run's Workflow at this moment; default none. */
  pods?: (run: FakeRun) => Record<string, unknown>[];
  /** The nodes; default none. Undefined with `nodesForbidden`: answered 403, as for a user who may not list them. */
  nodes?: Record<string, unknown>[];
  nodesForbidden?: boolean;
}

export interface KubeAnswer {
  status: number;
  body: string;
  contentType: string;
}

const json = (status: number, body: unknown): KubeAnswer => ({
  status,
  body: JSON.stringify(body),
  contentType: "application/json",
});
const notFound = (message: string): KubeAnswer =>
  json(404, { kind: "Status", apiVersion: "v1", status: "Failure", message, reason: "NotFound", code: 404 });

/** The answer to a kube API request, or undefined when the path is not one of these. */
export function answerKubeApi(
  state: StoreState,
  options: KubeApiOptions,
  method: string,
  path: string,
  query: URLSearchParams,
): KubeAnswer | undefined {
  if (method !== "GET") return undefined;
  const list = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/workflows$/.exec(path);
  if (list) {
    const selector = /^pipeline\/runid=(.+)$/.exec(query.get("labelSelector") ?? "");
    const items = [...state.runs.values()]
      .filter((r) => !selector || r.run.run_id === selector[1])
      .map(workflowOf)
      .filter((wf) => wf.metadata.namespace === decodeURIComponent(list[1]));
    return json(200, { apiVersion: "argoproj.io/v1alpha1", kind: "WorkflowList", metadata: {}, items });
  }
  const pods = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(path);
  if (pods) {
    const selector = /^workflows\.argoproj\.io\/workflow(?: in \((.*)\)|=(.*))$/.exec(query.get("labelSelector") ?? "");
    const names = selector ? (selector[1] ?? selector[2]).split(",") : undefined;
    const items = [...state.runs.values()]
      .filter((r) => !names || names.includes(r.workflowName))
      .flatMap((r) => options.pods?.(r) ?? []);
    return json(200, { apiVersion: "v1", kind: "PodList", metadata: {}, items });
  }
  if (path === "/api/v1/nodes") {
    if (options.nodesForbidden) return json(403, { kind: "Status", message: "nodes is forbidden", code: 403 });
    return json(200, { apiVersion: "v1", kind: "NodeList", metadata: {}, items: options.nodes ?? [] });
  }
  const log = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(path);
  if (log) {
    const pod = decodeURIComponent(log[2]);
    for (const run of state.runs.values()) {
      const wf = workflowOf(run);
      const node = Object.values(wf.status.nodes).find(
        (n) => n.type === "Pod" && podName(wf.metadata.name, n.name, n.templateName) === pod,
      );
      if (!node) continue;
      if (query.get("container") !== "main") return json(400, { message: `a container name must be specified` });
      const step = node.name.split(".").slice(-2)[0];
      const text = options.podLog?.(pod, step) ?? `protein-step ${step}: log of ${pod}\n`;
      return { status: 200, body: text, contentType: "text/plain" };
    }
    return notFound(`pods "${pod}" not found`);
  }
  return undefined;
}
