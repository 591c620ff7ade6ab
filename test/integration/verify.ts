/** Reading the API server back after up, destroy and a recovered crash. */
import { deploymentsNotAvailable, metricsPortProblems, minioWiringProblems } from "./checks";
import { Kubectl, kindResource } from "./kubectl";
import { appeared, Deployment, KubeObjectRef, objectsDestroyMustRemove, stackObjects } from "./state";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Cluster-scoped kinds whose new members after destroy count as left behind. */
export const CLUSTER_SCOPED_KINDS = [
  "namespaces",
  "customresourcedefinitions",
  "clusterroles",
  "clusterrolebindings",
  "mutatingwebhookconfigurations",
  "validatingwebhookconfigurations",
  "priorityclasses",
  "storageclasses",
];

const MINIO_SERVICE = "minio-service";

/** The stack's objects of one kind (pulumi-kubernetes objects and ManifestSets' objects alike). */
function refsOfKind(state: Deployment, kind: string): KubeObjectRef[] {
  return stackObjects(state)
    .map((o) => o.ref)
    .filter((r) => r.kind === kind);
}

const DEFAULT_NAMESPACE = "default";
const refName = (r: KubeObjectRef) => `${r.namespace ?? DEFAULT_NAMESPACE}/${r.name}`;
const liveName = (o: Obj) => `${o.metadata.namespace}/${o.metadata.name}`;

export async function apiServerProblems(kubectl: Kubectl, state: Deployment, metricsPort: number): Promise<string[]> {
  const problems: string[] = [];
  const wanted = new Set(refsOfKind(state, "Deployment").map(refName));
  if (wanted.size === 0) problems.push("the stack created no Deployments");
  const live = (await kubectl.getJson<{ items: Obj[] }>(["deployments", "--all-namespaces"])).items;
  problems.push(...deploymentsNotAvailable(live.filter((d) => wanted.has(liveName(d)))));
  const missing = [...wanted].filter((n) => !live.some((d) => liveName(d) === n));
  problems.push(...missing.map((n) => `Deployment ${n} is in the state but not in the API server`));

  for (const pvc of refsOfKind(state, "PersistentVolumeClaim")) {
    const liveClaim = await kubectl.getJson<Obj>(["pvc", pvc.name, "-n", pvc.namespace ?? DEFAULT_NAMESPACE]);
    if (liveClaim.status?.phase !== "Bound")
      problems.push(`PVC ${refName(pvc)} is ${liveClaim.status?.phase}, not Bound`);
  }

  const mlPipeline = live.find((d) => d.metadata.name === "ml-pipeline");
  if (!mlPipeline) return [...problems, "Deployment ml-pipeline not found"];
  const ns = mlPipeline.metadata.namespace as string;
  const wcConfig = await kubectl.getJson<Obj>(["configmap", "workflow-controller-configmap", "-n", ns]);
  problems.push(...minioWiringProblems(mlPipeline, wcConfig, MINIO_SERVICE));
  const minioService = await kubectl.run([
    "get",
    "service",
    MINIO_SERVICE,
    "-n",
    ns,
    "--ignore-not-found",
    "-o",
    "name",
  ]);
  if (minioService.trim() === "") problems.push(`Service ${ns}/${MINIO_SERVICE} not found`);

  const registry = live.find((d) => d.metadata.name === "registry");
  if (!registry) problems.push("Deployment registry not found");
  else {
    const svc = await kubectl.run([
      "get",
      "service",
      "registry",
      "-n",
      registry.metadata.namespace,
      "--ignore-not-found",
      "-o",
      "name",
    ]);
    if (svc.trim() === "") problems.push(`Service ${registry.metadata.namespace}/registry not found`);
  }

  const workflowController = live.find((d) => d.metadata.name === "workflow-controller" && d.metadata.namespace === ns);
  if (!workflowController) problems.push("Deployment workflow-controller not found");
  else problems.push(...metricsPortProblems(workflowController, wcConfig, metricsPort));
  return problems;
}

/** Everything the stack created that is still there, plus cluster-scoped objects that appeared. */
export async function leftoverObjects(
  kubectl: Kubectl,
  state: Deployment,
  clusterScopedBefore: string[],
): Promise<string[]> {
  const left: string[] = [];
  for (const ref of objectsDestroyMustRemove(state)) {
    if (await kubectl.exists(ref)) left.push(`${ref.kind} ${ref.namespace ?? ""}/${ref.name} still exists`);
  }
  const namespaces = new Set(refsOfKind(state, "Namespace").map((n) => n.name));
  const pvcs = (await kubectl.getJson<{ items: Obj[] }>(["pvc", "--all-namespaces"])).items;
  for (const pvc of pvcs) {
    if (namespaces.has(pvc.metadata.namespace))
      left.push(`PVC ${pvc.metadata.namespace}/${pvc.metadata.name} still exists`);
  }
  for (const name of appeared(clusterScopedBefore, await kubectl.names(CLUSTER_SCOPED_KINDS))) {
    if (!left.some((l) => l.includes(name.split("/")[1]))) left.push(`${name} appeared and is still there`);
  }
  return left;
}

/** Names a controller creates in every namespace; never the stack's. */
const CONTROLLER_MADE = new Set(["ServiceAccount/default", "ConfigMap/kube-root-ca.crt"]);

/** Objects of the stack's kinds in the stack's namespaces that its state does not know (duplicates, orphans). */
export function orphans(
  stateRefs: { kind: string; namespace?: string; name: string }[],
  live: { kind: string; namespace: string; name: string }[],
): string[] {
  const known = new Set(stateRefs.map((r) => `${r.kind}/${r.namespace}/${r.name}`));
  return live
    .filter((o) => !CONTROLLER_MADE.has(`${o.kind}/${o.name}`) && !known.has(`${o.kind}/${o.namespace}/${o.name}`))
    .map((o) => `${o.kind} ${o.namespace}/${o.name} is not in the stack's state`);
}

export async function orphanedObjects(kubectl: Kubectl, state: Deployment): Promise<string[]> {
  const refs = stackObjects(state).map((o) => o.ref);
  const namespaces = new Set(refs.filter((r) => r.kind === "Namespace").map((r) => r.name));
  const kinds = new Map(
    refs.filter((r) => r.namespace && namespaces.has(r.namespace)).map((r) => [r.kind, kindResource(r)]),
  );
  const live: { kind: string; namespace: string; name: string }[] = [];
  for (const [kind, resource] of kinds) {
    for (const ns of namespaces) {
      const out = await kubectl.run(["get", resource, "-n", ns, "-o", "jsonpath={.items[*].metadata.name}"]);
      for (const name of out.split(/\s+/).filter(Boolean)) live.push({ kind, namespace: ns, name });
    }
  }
  return orphans(refs, live);
}
