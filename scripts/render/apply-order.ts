/**
 * The order render writes objects in: by kind, then namespace and name, patches last. The program registers
 * resources as their inputs resolve, which depends on timing (a cold parse cache makes KFP's set register
 * after MinIO's); sorting by what the objects are makes the output the same every time.
 */
import type { RenderedObject } from "./collect";

/** What others refer to comes first: namespaces and CRDs, identities and RBAC, config, storage, then workloads. */
const KIND_ORDER = [
  "Namespace",
  "CustomResourceDefinition",
  "PriorityClass",
  "ServiceAccount",
  "ClusterRole",
  "ClusterRoleBinding",
  "Role",
  "RoleBinding",
  "ConfigMap",
  "Secret",
  "PersistentVolumeClaim",
  "Service",
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "Job",
];

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function applyOrder(objects: readonly RenderedObject[]): RenderedObject[] {
  return [...objects].sort(
    (a, b) =>
      Number(a.patch) - Number(b.patch) ||
      kindRank(a.object.kind) - kindRank(b.object.kind) ||
      compareText(a.object.kind, b.object.kind) ||
      compareText(a.object.metadata.namespace ?? "", b.object.metadata.namespace ?? "") ||
      compareText(a.object.metadata.name, b.object.metadata.name),
  );
}
