/** Pure transforms of KFP's rendered manifests. Each returns new objects and leaves its input alone. */
import * as YAML from "yaml";
import { cloneObjects, findObject, KubeObject } from "../kube/object";
import { quantityValue } from "../kube/quantity";

/** Like findObject, but a missing object is an error that names it (KFP's layout changed under us). */
export function requireObject(objs: readonly KubeObject[], kind: string, name: string, why: string): KubeObject {
  const found = findObject(objs, kind, name);
  if (!found)
    throw new Error(
      `KFP manifests have no ${kind} "${name}" (needed to ${why}); is kfp.version/kfp.path a KFP 2.x release?`,
    );
  return found;
}

export const KFP_NAMESPACE = "kubeflow";
/** The field manager KFP's objects are server-side applied with. */
export const KFP_FIELD_MANAGER = "kfp-protein-stack";
export const ARTIFACT_SECRET = "mlpipeline-minio-artifact";
export const ARTIFACT_BUCKET = "mlpipeline";

/** An in-cluster object store Service. `host` is `<service>.<namespace>`: no cluster domain, as upstream addresses it. */
export interface ObjectStoreEndpoint {
  service: string;
  namespace: string;
  host: string;
  port: number;
}

export function serviceEndpoint(service: string, namespace: string, port: number): ObjectStoreEndpoint {
  return { service, namespace, host: `${service}.${namespace}`, port };
}

export interface KfpTrimOptions {
  visualizationServer: boolean;
  viewerController: boolean;
  cache: boolean;
  mysqlStorage: string;
  resourceProfile: "minikube" | "upstream";
}

export interface KfpPrepareOptions extends KfpTrimOptions {
  /** Where KFP stores artifacts; undefined keeps KFP's bundled store (SeaweedFS) as released. */
  objectStore?: ObjectStoreEndpoint;
}

/** CRDs and Namespaces go first (and must be established) before anything that uses them. */
export function splitPhases(objs: readonly KubeObject[]): { foundation: KubeObject[]; platform: KubeObject[] } {
  const first = (o: KubeObject) => o.kind === "CustomResourceDefinition" || o.kind === "Namespace";
  return { foundation: objs.filter(first), platform: objs.filter((o) => !first(o)) };
}

const BUNDLED_STORE = /^(seaweedfs|minio)(-.*)?$/;

/** Removes KFP's own object store (SeaweedFS since 2.15, MinIO before) and its default-credential Secret. */
export function dropBundledObjectStore(objs: readonly KubeObject[]): KubeObject[] {
  return cloneObjects(objs).filter((o) => {
    if (o.kind === "Secret" && o.metadata.name === ARTIFACT_SECRET) return false;
    const storeKinds = [
      "Deployment",
      "StatefulSet",
      "Service",
      "PersistentVolumeClaim",
      "ServiceAccount",
      "NetworkPolicy",
    ];
    return !(storeKinds.includes(o.kind) && BUNDLED_STORE.test(o.metadata.name));
  });
}

/**
 * Points the three places KFP 2.x reads its object store from at `endpoint`: the API server (ml-pipeline's
 * OBJECTSTORECONFIG_* env), Argo (workflow-controller-configmap's artifactRepository) and the launcher.
 */
export function rewireObjectStore(objs: readonly KubeObject[], endpoint: ObjectStoreEndpoint): KubeObject[] {
  const out = cloneObjects(objs);
  const hostPort = `${endpoint.host}:${endpoint.port}`;

  const apiServer = requireObject(out, "Deployment", "ml-pipeline", "point the API server at the object store");
  const container = apiServer.spec.template.spec.containers[0];
  setEnv(container, "OBJECTSTORECONFIG_HOST", endpoint.host);
  setEnv(container, "OBJECTSTORECONFIG_PORT", String(endpoint.port));
  setEnv(container, "OBJECTSTORECONFIG_SECURE", "false");

  const argo = requireObject(
    out,
    "ConfigMap",
    "workflow-controller-configmap",
    "point Argo's artifact repository at the object store",
  );
  const repo = YAML.parse(argo.data?.artifactRepository ?? "{}") ?? {};
  repo.s3 = { ...(repo.s3 ?? {}), endpoint: hostPort, bucket: ARTIFACT_BUCKET, insecure: true };
  repo.s3.accessKeySecret = { name: ARTIFACT_SECRET, key: "accesskey" };
  repo.s3.secretKeySecret = { name: ARTIFACT_SECRET, key: "secretkey" };
  argo.data = { ...argo.data, artifactRepository: YAML.stringify(repo) };

  const launcher = requireObject(
    out,
    "ConfigMap",
    "kfp-launcher",
    "point the v2 launcher's minio:// scheme at the object store",
  );
  launcher.data = {
    ...launcher.data,
    defaultPipelineRoot: `minio://${ARTIFACT_BUCKET}/v2/artifacts`,
    providers: YAML.stringify({
      minio: {
        default: {
          endpoint: hostPort,
          disableSSL: true,
          region: "minio",
          credentials: {
            fromEnv: false,
            secretRef: { secretName: ARTIFACT_SECRET, accessKeyKey: "accesskey", secretKeyKey: "secretkey" },
          },
        },
      },
    }),
  };
  return out;
}

/** Argo's artifact key format, as the workflow-controller ConfigMap sets it (undefined: Argo's own default). */
export function argoKeyFormat(objs: readonly KubeObject[]): string | undefined {
  const argo = requireObject(objs, "ConfigMap", "workflow-controller-configmap", "read Argo's artifact keyFormat");
  const repo = YAML.parse(argo.data?.artifactRepository ?? "{}") ?? {};
  return typeof repo.s3?.keyFormat === "string" ? repo.s3.keyFormat : undefined;
}

/**
 * The KFP UI (ml-pipeline-ui) env that its server would otherwise take from compiled-in defaults
 * (frontend/server/configs.ts): since 2.16 MINIO_HOST defaults to `seaweedfs`, and ARGO_KEYFORMAT to a
 * format that differs from the one KFP's own workflow-controller ConfigMap sets. The UI joins
 * MINIO_HOST and MINIO_NAMESPACE as `<host>.<namespace>`, so the host is the bare Service name.
 */
export function uiEnv(objs: readonly KubeObject[], endpoint?: ObjectStoreEndpoint): Record<string, string> {
  const env: Record<string, string> = {};
  if (endpoint) {
    env.MINIO_HOST = endpoint.service;
    env.MINIO_NAMESPACE = endpoint.namespace;
    env.MINIO_PORT = String(endpoint.port);
    env.MINIO_SSL = "false";
    env.ARGO_ARCHIVE_BUCKETNAME = ARTIFACT_BUCKET;
  }
  const keyFormat = argoKeyFormat(objs);
  if (keyFormat) env.ARGO_KEYFORMAT = keyFormat;
  return env;
}

/**
 * The API server's `CLUSTER_DOMAIN: cluster.local` restates its compiled-in default
 * (backend/src/apiserver/common/const.go); dropping it keeps every object the stack applies free of a
 * cluster domain, so nothing here has to change on a cluster with another one.
 */
export function dropClusterDomain(objs: readonly KubeObject[]): KubeObject[] {
  const out = cloneObjects(objs);
  const apiServer = requireObject(out, "Deployment", "ml-pipeline", "drop its restated cluster domain");
  for (const c of apiServer.spec.template.spec.containers) {
    c.env = (c.env ?? []).filter(
      (e: { name: string; value?: string }) => !(e.name === "CLUSTER_DOMAIN" && e.value === "cluster.local"),
    );
  }
  return out;
}

/** Points the UI's artifact links and archived-log fallback at the object store and Argo's keyFormat. */
export function rewireUi(objs: readonly KubeObject[], endpoint?: ObjectStoreEndpoint): KubeObject[] {
  const out = cloneObjects(objs);
  const ui = requireObject(out, "Deployment", "ml-pipeline-ui", "point the KFP UI at the object store");
  const container =
    ui.spec.template.spec.containers.find((c: { name: string }) => c.name === "ml-pipeline-ui") ??
    ui.spec.template.spec.containers[0];
  for (const [name, value] of Object.entries(uiEnv(out, endpoint))) setEnv(container, name, value);
  return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setEnv(container: any, name: string, value: string): void {
  container.env = (container.env ?? []).filter((e: { name: string }) => e.name !== name);
  container.env.push({ name, value });
}

const OPTIONAL_COMPONENTS: Record<
  keyof Pick<KfpTrimOptions, "visualizationServer" | "viewerController" | "cache">,
  string[]
> = {
  visualizationServer: ["ml-pipeline-visualizationserver"],
  viewerController: ["ml-pipeline-viewer-crd"],
  cache: ["cache-server", "cache-deployer-deployment"],
};

/** Drops the optional components that are switched off (their workloads and Services). */
export function trimOptionalComponents(objs: readonly KubeObject[], opts: KfpTrimOptions): KubeObject[] {
  const off = new Set<string>();
  for (const [option, names] of Object.entries(OPTIONAL_COMPONENTS)) {
    if (!opts[option as keyof typeof OPTIONAL_COMPONENTS]) names.forEach((n) => off.add(n));
  }
  return cloneObjects(objs).filter(
    (o) => !((o.kind === "Deployment" || o.kind === "Service") && off.has(o.metadata.name)),
  );
}

export function sizeMysqlVolume(objs: readonly KubeObject[], storage: string): KubeObject[] {
  const out = cloneObjects(objs);
  const pvc = requireObject(out, "PersistentVolumeClaim", "mysql-pv-claim", "size MySQL's volume");
  pvc.spec.resources.requests.storage = storage;
  return out;
}

/** Requests that let KFP schedule on a 4-CPU laptop; limits are left as released. */
export const MINIKUBE_REQUEST_CAP = { cpu: "50m", memory: "128Mi" };

export function applyResourceProfile(objs: readonly KubeObject[], profile: "minikube" | "upstream"): KubeObject[] {
  const out = cloneObjects(objs);
  if (profile === "upstream") return out;
  for (const o of out) {
    if (o.kind !== "Deployment") continue;
    for (const c of [...(o.spec.template.spec.containers ?? []), ...(o.spec.template.spec.initContainers ?? [])]) {
      const requests = c.resources?.requests;
      if (!requests) continue;
      if (requests.cpu) requests.cpu = minQuantity(requests.cpu, MINIKUBE_REQUEST_CAP.cpu);
      if (requests.memory) requests.memory = minQuantity(requests.memory, MINIKUBE_REQUEST_CAP.memory);
    }
  }
  return out;
}

function minQuantity(a: string, b: string): string {
  return quantityValue(a) <= quantityValue(b) ? a : b;
}

/**
 * The workflow-controller's metrics containerPort is owned by WorkflowControllerPortPatch, so the KFP
 * manifests must not declare it too (two field managers, two ports named `metrics`).
 */
export function releaseWorkflowControllerMetricsPort(objs: readonly KubeObject[]): KubeObject[] {
  const out = cloneObjects(objs);
  const wc = requireObject(out, "Deployment", "workflow-controller", "hand its metrics port to the port patch");
  for (const c of wc.spec.template.spec.containers) {
    c.ports = (c.ports ?? []).filter((p: { name?: string }) => p.name !== "metrics");
  }
  return out;
}

/**
 * One workflow-controller at a time: without leader election a rolling update would run the old and the
 * new controller side by side, both reconciling the same workflows.
 */
export function recreateWorkflowController(objs: readonly KubeObject[]): KubeObject[] {
  const out = cloneObjects(objs);
  const wc = requireObject(out, "Deployment", "workflow-controller", "roll it out by Recreate");
  wc.spec.strategy = { type: "Recreate" };
  return out;
}

export interface ContainerLists {
  env: Record<string, unknown>[];
  ports: Record<string, unknown>[];
}

/**
 * The workflow-controller container's env and ports as the platform objects declare them, ports with
 * the protocol the API server defaults, so a patch can restate them in the live object's order.
 */
export function workflowControllerLists(objs: readonly KubeObject[]): ContainerLists {
  const wc = requireObject(objs, "Deployment", "workflow-controller", "read the workflow-controller container");
  const c = wc.spec.template.spec.containers.find((x: { name: string }) => x.name === "workflow-controller");
  return {
    env: structuredClone(c?.env ?? []),
    ports: (c?.ports ?? []).map((p: Record<string, unknown>) => ({ ...p, protocol: p.protocol ?? "TCP" })),
  };
}

/** The Argo version KFP bundles, read off the workflow-controller image tag (e.g. `v4.0.5` → "4.0.5"). */
export function argoVersionOf(objs: readonly KubeObject[]): string {
  const wc = requireObject(objs, "Deployment", "workflow-controller", "find the Argo version");
  const image: string = wc.spec.template.spec.containers[0].image;
  const m = /:v?(\d+\.\d+\.\d+)(@|$)/.exec(image);
  if (!m) throw new Error(`cannot read the Argo version from workflow-controller image "${image}"`);
  return m[1];
}

/** All platform transforms, in order. The foundation phase (CRDs, Namespace) is applied as rendered. */
export function preparePlatform(objs: readonly KubeObject[], opts: KfpPrepareOptions): KubeObject[] {
  // Each transform returns fresh objects, so the input is never modified.
  let out = opts.objectStore ? rewireObjectStore(dropBundledObjectStore(objs), opts.objectStore) : objs;
  out = rewireUi(dropClusterDomain(out), opts.objectStore);
  out = trimOptionalComponents(out, opts);
  out = sizeMysqlVolume(out, opts.mysqlStorage);
  out = applyResourceProfile(out, opts.resourceProfile);
  return releaseWorkflowControllerMetricsPort(out);
}
