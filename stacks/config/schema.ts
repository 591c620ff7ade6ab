/**
 * Every stack config key this project reads, with its type, default and description.
 * Pulumi.yaml declares the same keys (a unit test keeps the two in step).
 */
import { stepResourceKeys } from "./step-resources";

export type KeyType = "string" | "integer" | "boolean" | "array";

export interface KeySpec {
  type: KeyType;
  /** Every key has one: the engine refuses a stack that lacks a declared key without a default. */
  default: string | number | boolean | string[];
  /** For arrays: the items' type. */
  items?: "string";
  /** For integers: the range a later layer accepts (minikube, a Kubernetes field, a timer), and why. */
  range?: { min: number; max: number; why: string };
  description: string;
  secret?: boolean;
}

export const PROJECT = "kfp-protein-stack";

/** Node's timers (and so every wait of this stack) hold at most 2^31-1 ms. */
const TIMER_MAX_MS = 2 ** 31 - 1;
const PORT = { min: 1, max: 65535, why: "a TCP port" };

export const MINIO_IMAGE =
  "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:14cea493d9a34af32f524e538b8346cf79f3321eff8e708c1e2960462bd8936e";
export const REGISTRY_IMAGE =
  "docker.io/library/registry:2.8.3@sha256:a3d8aaa63ed8681a604f1dea0aa03f100d5895b6a58ace528858a7b332415373";
export const REGISTRY_PROXY_IMAGE =
  "docker.io/library/nginx:1.29.1-alpine@sha256:42a516af16b852e33b7682d5ef8acbd5d13fe08fecadc7ed98605ba5e3b26ab8";

export const CONFIG_KEYS: Record<string, KeySpec> = {
  "cluster.mode": {
    type: "string",
    default: "minikube",
    description: "Target cluster: `minikube` (a minikube profile's context) or `existing` (any cluster by kubeconfig).",
  },
  "cluster.context": {
    type: "string",
    default: "",
    description:
      "Kube context to use. Empty: the minikube profile name (mode minikube) or the kubeconfig's current-context.",
  },
  "cluster.kubeconfig": {
    type: "string",
    default: "",
    description: "Path of the kubeconfig file. Empty: $KUBECONFIG or ~/.kube/config.",
  },
  "cluster.minikube.manage": {
    type: "boolean",
    default: false,
    description: "Let the stack own the minikube profile: started on up, deleted on destroy.",
  },
  "cluster.minikube.profile": {
    type: "string",
    default: "",
    description: "minikube profile name. Empty: `kfp-protein-<stack>`.",
  },
  "cluster.minikube.cpus": {
    type: "integer",
    default: 4,
    range: { min: 2, max: 1024, why: "minikube's minimum is 2; KFP wants 4" },
    description: "CPUs of a managed minikube profile (at least 2).",
  },
  "cluster.minikube.memory": {
    type: "string",
    default: "8g",
    description: "Memory of a managed minikube profile, e.g. `8g` or `8192m`.",
  },
  "cluster.minikube.disk": {
    type: "string",
    default: "40g",
    description: "Disk size of a managed minikube profile, e.g. `40g`.",
  },
  "cluster.minikube.kubernetesVersion": {
    type: "string",
    default: "v1.34.0",
    description: "Kubernetes version of a managed minikube profile (`vMAJOR.MINOR.PATCH`).",
  },
  "cluster.minikube.driver": {
    type: "string",
    default: "docker",
    description: "minikube driver: docker, podman, kvm2, qemu2, virtualbox, hyperkit, vfkit or none.",
  },
  "cluster.minikube.gpus": {
    type: "string",
    default: "",
    description:
      "GPUs of a managed minikube profile (`minikube start --gpus`): `all` or `nvidia` (minikube 1.32+, docker driver, NVIDIA Container Toolkit). Empty: none.",
  },
  "kfp.version": {
    type: "string",
    default: "2.17.0",
    description: "Kubeflow Pipelines release to install (2.15.0 or newer).",
  },
  "kfp.source": {
    type: "string",
    default: "remote",
    description:
      "Where KFP's manifests come from: `remote` (the pinned upstream kustomize ref, rendered with kubectl) or `path`.",
  },
  "kfp.path": {
    type: "string",
    default: "",
    description: "With kfp.source=path: a directory of rendered KFP manifests (YAML files) or one YAML file.",
  },
  "kfp.apiEndpoint": {
    type: "string",
    default: "",
    description: "KFP API base URL to use instead of the Kubernetes API service proxy (e.g. a port-forward).",
  },
  "kfp.readinessTimeoutSeconds": {
    type: "integer",
    default: 1200,
    range: {
      min: 60,
      max: Math.floor(TIMER_MAX_MS / 1000),
      why: "KFP needs minutes to start (use 600 or more); a wait holds at most 2^31-1 ms",
    },
    description: "How long up waits for KFP workloads to become ready and its API to answer healthz.",
  },
  "kfp.visualizationServer": {
    type: "boolean",
    default: false,
    description: "Deploy KFP's visualization server (off on minikube).",
  },
  "kfp.viewerController": {
    type: "boolean",
    default: false,
    description: "Deploy KFP's TensorBoard viewer controller.",
  },
  "kfp.cache": { type: "boolean", default: true, description: "Deploy KFP's cache server and its webhook deployer." },
  "kfp.mysqlStorage": { type: "string", default: "10Gi", description: "Size of KFP's MySQL PVC (upstream asks 20Gi)." },
  "kfp.resourceProfile": {
    type: "string",
    default: "minikube",
    description: "Container requests: `minikube` (trimmed so KFP fits a laptop) or `upstream` (as released).",
  },
  "objectStore.kind": {
    type: "string",
    default: "minio",
    description:
      "KFP's artifact store: `minio` (deployed by the stack, KFP rewired to it) or `seaweedfs` (KFP's own default).",
  },
  "minio.image": {
    type: "string",
    default: MINIO_IMAGE,
    description: "MinIO server image, pinned by digest (MinIO community images are frozen: see README).",
  },
  "minio.storage": { type: "string", default: "20Gi", description: "Size of MinIO's PVC." },
  "registry.enabled": {
    type: "boolean",
    default: true,
    description: "Deploy the in-cluster image registry (needed when amber.build is true).",
  },
  "registry.image": { type: "string", default: REGISTRY_IMAGE, description: "Registry image, pinned by digest." },
  "registry.proxyImage": {
    type: "string",
    default: REGISTRY_PROXY_IMAGE,
    description: "Node proxy image (nginx) of the registry, pinned by digest.",
  },
  "registry.storage": { type: "string", default: "20Gi", description: "Size of the registry's PVC." },
  "registry.hostPort": {
    type: "integer",
    default: 5000,
    range: PORT,
    description: "Port on every node's localhost where the registry answers.",
  },
  "amber.build": {
    type: "boolean",
    default: true,
    description:
      "Build images/amber with minikube's Docker and push it to the in-cluster registry. false: use amber.image.",
  },
  "amber.image": {
    type: "string",
    default: "",
    description: "With amber.build=false: the AMBER image as a digest reference `repo@sha256:<64 hex>`.",
  },
  "workflowController.metricsPort": {
    type: "integer",
    default: 9090,
    range: PORT,
    description: "Argo workflow-controller metrics port (change it when 9090 clashes).",
  },
  "workflowController.telemetryPort": {
    type: "integer",
    default: 8081,
    range: PORT,
    description: "Argo telemetry port, set only for Argo <= 3.5 where it otherwise inherits the metrics port.",
  },
  "workflowController.disableLeaderElection": {
    type: "boolean",
    default: true,
    description:
      "On Argo <= 3.5 only: set LEADER_ELECTION_DISABLE (skips the placeholder metrics server that races the real one) and roll the controller out by Recreate. Ignored on Argo 3.6+.",
  },
  "pipeline.enabled": { type: "boolean", default: true, description: "Upload the protein pipeline and trigger a run." },
  "pipeline.name": { type: "string", default: "protein-md", description: "KFP pipeline name." },
  "pipeline.experiment": { type: "string", default: "protein-md", description: "KFP experiment the run belongs to." },
  "pipeline.preset": {
    type: "string",
    default: "tutorial",
    description:
      "Parameter preset: `tutorial` (the biobb tutorial's protocol and step counts), `short` (a quick scientific sanity check: heating reaches the target temperature), `tiny` (a smoke test of the plumbing, not science) or `production` (the tutorial's setup, then 5 ns of free MD, for OpenMM on a GPU).",
  },
  "pipeline.pdbCode": {
    type: "string",
    default: "1aki",
    description: "PDB entry to simulate (4 characters, e.g. 1aki).",
  },
  "pipeline.pdbCodes": {
    type: "array",
    items: "string",
    default: [],
    description:
      "PDB entries to simulate as a batch (the batch pipeline, a ParallelFor), e.g. [1aki, 4e43]. Empty: one protein, pipeline.pdbCode.",
  },
  "pipeline.parallelism": {
    type: "integer",
    default: 2,
    range: { min: 0, max: 2 ** 31 - 1, why: "0 means no limit; the pipeline spec holds a 32-bit integer" },
    description: "With pipeline.pdbCodes: how many proteins run at once (0 = no limit).",
  },
  "pipeline.parameters": {
    type: "string",
    default: "",
    description: 'JSON object of pipeline parameter overrides, e.g. `{"temperature": 310}`.',
  },
  "pipeline.wait": {
    type: "boolean",
    default: true,
    description: "Wait for the run to finish; a FAILED run fails the update.",
  },
  "pipeline.timeoutMinutes": {
    type: "integer",
    default: 240,
    range: {
      min: 1,
      max: Math.floor(TIMER_MAX_MS / 60_000),
      why: "up waits for the run in one timer of at most 2^31-1 ms",
    },
    description: "How long up waits for the run.",
  },
  "pipeline.rerunToken": {
    type: "string",
    default: "",
    description: "Change it to trigger a new run of an unchanged pipeline.",
  },
  "pipeline.onDestroy": {
    type: "string",
    default: "archive",
    description: "What destroy does with the runs it made: `archive` or `delete`.",
  },
  "pipeline.apiOutageSeconds": {
    type: "integer",
    default: 300,
    range: {
      min: 0,
      max: Math.floor(TIMER_MAX_MS / 1000),
      why: "0 means no outage retries; the window is one timer of at most 2^31-1 ms",
    },
    description:
      "How long the run resource retries an unreachable or failing KFP API (a restart) before up or destroy fails.",
  },
  "pipeline.onPodFault": {
    type: "string",
    default: "terminate",
    description:
      "When a waited-on run's pod is stuck (image pull, unschedulable, OOMKilled, crash loop, config error), up fails naming it and the fix; the run is then `terminate`d or left (`leave`) for inspection.",
  },
  ...stepResourceKeys(),
};
