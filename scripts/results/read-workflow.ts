/**
 * The Argo Workflow of a KFP run, through `kubectl get workflows -l pipeline/runid=<run id>` (KFP labels each
 * run's Workflow so: backend/src/common/util/consts.go LabelKeyWorkflowRunId).
 */
import { execFile } from "child_process";
import { Workflow } from "../argo-workflow";

export interface KubeTarget {
  context?: string;
  namespace: string;
  /** Default: kubectl's own ($KUBECONFIG or ~/.kube/config). */
  kubeconfigPath?: string;
}

/** kubectl's flags naming the kubeconfig, context and namespace of `target`. */
export function kubectlScope(target: KubeTarget): string[] {
  return [
    ...(target.kubeconfigPath ? ["--kubeconfig", target.kubeconfigPath] : []),
    ...(target.context ? ["--context", target.context] : []),
    "-n",
    target.namespace,
  ];
}

export function workflowArgs(target: KubeTarget, runId: string): string[] {
  return [...kubectlScope(target), "get", "workflows", "-l", `pipeline/runid=${runId}`, "-o", "json"];
}

/** The Workflow, or why it could not be read (never throws: results then keeps the numbered layout). */
export function readWorkflow(
  target: KubeTarget,
  runId: string,
  kubectl = "kubectl",
  timeoutMs = 30_000,
): Promise<{ workflow: Workflow } | { reason: string }> {
  return new Promise((resolve) => {
    execFile(
      kubectl,
      workflowArgs(target, runId),
      { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim().split("\n").pop() || error.message;
          return resolve({ reason: `kubectl get workflows failed (${detail})` });
        }
        try {
          const items = (JSON.parse(stdout) as { items?: Workflow[] }).items ?? [];
          if (items.length === 0) {
            return resolve({
              reason: `no Argo Workflow labelled pipeline/runid=${runId} in namespace ${target.namespace} (deleted by Argo's garbage collection?)`,
            });
          }
          resolve({ workflow: items[0] });
        } catch {
          resolve({ reason: "kubectl get workflows did not print JSON" });
        }
      },
    );
  });
}
