/**
 * The pods Argo creates for a KFP 2.17.0 run, as far as the stuck-pod diagnosis reads them: name (POD_NAMES=v2),
 * label `workflows.argoproj.io/workflow`, annotation `workflows.argoproj.io/node-name`, containers `main` (the
 * step, or KFP's driver) and `wait` (Argo's executor). Argo workflow/controller/workflowpod.go; a model, no status.
 */
import { podName } from "./argo-workflow";

export interface ArgoPodRequest {
  workflowName: string;
  /** The task of the root DAG, or of a ParallelFor body when `iteration` is given. */
  task: string;
  iteration?: number;
  /** The KFP driver pod of the task instead of its executor pod. */
  driver?: boolean;
  image: string;
  namespace?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  nodeSelector?: Record<string, string>;
  labels?: Record<string, string>;
}

const ARGOEXEC = "quay.io/argoproj/argoexec:v4.0.5";

/** The Argo node name of a task's executor (or driver) pod. */
export function argoPodNodeName(req: ArgoPodRequest): string {
  const dag =
    req.iteration === undefined
      ? `${req.workflowName}.root`
      : `${req.workflowName}.root.for-loop-1.iteration-iterations(${req.iteration}:${req.iteration}).iteration-item`;
  return req.driver ? `${dag}.${req.task}-driver` : `${dag}.${req.task}.executor`;
}

export interface ArgoPodObject {
  apiVersion: "v1";
  kind: "Pod";
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown>;
}

export function argoPod(req: ArgoPodRequest): ArgoPodObject {
  const nodeName = argoPodNodeName(req);
  const template = req.driver ? "system-container-driver" : "system-container-impl";
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: podName(req.workflowName, nodeName, template),
      namespace: req.namespace ?? "kubeflow",
      labels: { "workflows.argoproj.io/workflow": req.workflowName, ...req.labels },
      annotations: { "workflows.argoproj.io/node-name": nodeName },
    },
    spec: {
      restartPolicy: "Never",
      ...(req.nodeSelector ? { nodeSelector: req.nodeSelector } : {}),
      containers: [
        { name: "wait", image: ARGOEXEC, resources: { requests: { cpu: "10m", memory: "64Mi" } } },
        { name: "main", image: req.image, ...(req.resources ? { resources: req.resources } : {}) },
      ],
    },
  };
}
