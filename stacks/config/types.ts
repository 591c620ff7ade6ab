/** The validated stack configuration, as the components receive it. */
import type { PipelineParameters, PresetName } from "../../pipelines/protein/presets";
import type { FileAccess } from "./files";
import type { StepResources } from "../../pipelines/protein/step-resources";

export interface MinikubeConfig {
  manage: boolean;
  profile: string;
  cpus: number;
  memory: string;
  disk: string;
  kubernetesVersion: string;
  driver: string;
  /** `minikube start --gpus`: which GPUs the node gets; undefined: none. */
  gpus?: "all" | "nvidia";
}

export interface ClusterConfig {
  mode: "minikube" | "existing";
  /** Empty means the kubeconfig's current-context. */
  context: string;
  kubeconfigPath: string;
  minikube?: MinikubeConfig;
}

export type KfpSource = { kind: "remote"; version: string } | { kind: "path"; path: string };

export interface KfpConfig {
  version: string;
  source: KfpSource;
  apiEndpoint?: string;
  readinessTimeoutSeconds: number;
  visualizationServer: boolean;
  viewerController: boolean;
  cache: boolean;
  mysqlStorage: string;
  resourceProfile: "minikube" | "upstream";
}

export type ObjectStoreConfig = { kind: "minio"; image: string; storage: string } | { kind: "seaweedfs" };

export interface RegistryConfig {
  enabled: boolean;
  image: string;
  proxyImage: string;
  storage: string;
  hostPort: number;
}

export type AmberConfig = { build: true } | { build: false; image: string };

export interface WorkflowControllerConfig {
  metricsPort: number;
  telemetryPort: number;
  disableLeaderElection: boolean;
}

export interface PipelineConfig {
  enabled: boolean;
  name: string;
  experiment: string;
  preset: PresetName;
  pdbCode: string;
  /** PDB codes of a batch run (the batch pipeline); undefined: one protein, `pdbCode`. */
  pdbCodes?: string[];
  /** With pdbCodes: the ParallelFor's parallelism (0 = no limit). */
  parallelism: number;
  /** Overrides from pipeline.parameters, applied over the preset. */
  parameterOverrides: PipelineParameters;
  wait: boolean;
  timeoutSeconds: number;
  rerunToken: string;
  onDestroy: "archive" | "delete";
  /** Requests, limits, GPUs and node placement per step class (pipeline.resources.<class>). */
  resources: StepResources;
  /** How long the run resource retries an unreachable KFP API. */
  apiOutageSeconds: number;
  /** A run whose pod is stuck (image pull, unschedulable, OOM, crash loop, config error): left or terminated. */
  onPodFault: "leave" | "terminate";
}

export interface StackConfig {
  stackName: string;
  cluster: ClusterConfig;
  kfp: KfpConfig;
  objectStore: ObjectStoreConfig;
  registry: RegistryConfig;
  amber: AmberConfig;
  workflowController: WorkflowControllerConfig;
  pipeline: PipelineConfig;
}

export interface ParseContext {
  stackName: string;
  /** Environment used for defaults (KUBECONFIG, HOME). */
  env?: Record<string, string | undefined>;
  /** The pipeline's parameters and their defaults, to validate pipeline.parameters against. */
  pipelineParameters?: PipelineParameters;
  /** To check the files the config names (cluster.kubeconfig, kfp.path); without it they are not looked at. */
  files?: FileAccess;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was created:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}
