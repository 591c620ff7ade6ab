import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { AmberImage, AmberImageBuild } from "./registry/amber-image";
import { TargetCluster } from "./cluster/target-cluster";
import { StackConfig } from "./config";
import { KfpAccess } from "./kfp-api/access";
import { KfpFoundation } from "./kfp/kfp-foundation";
import { KfpApiReady } from "./kfp-api/kfp-api-ready";
import { KfpRelease, prepareKfpRelease } from "./kfp/release";
import { KubeflowPipelines } from "./kfp/kubeflow-pipelines";
import { KFP_NAMESPACE } from "./kfp/transforms";
import { MINIO_CONSOLE_PORT, MINIO_SERVICE, minioEndpoint, MinioStore } from "./minio/minio-store";
import { pipelineParameters } from "../pipelines/protein/parameters";
import { ProteinPipelineRun } from "./pipeline-run/protein-pipeline-run";
import { needsCudaImage, stackPipelineIr } from "./pipeline-run/pipeline-ir";
import { GeneratedCredentials } from "./minio/generated-credentials";
import { InClusterRegistry } from "./registry/in-cluster-registry";
import { Renderer } from "./kfp/source";
import { WorkflowControllerPortPatch } from "./kfp/workflow-controller-port-patch";
import { PreflightResult, runPreflight } from "./preflight/preflight";
import { ToolProbe } from "./preflight/probe";
import { amberBuildPlatform } from "./preflight/arch";
import { shellQuote } from "./util/shell";

export const KFP_UI_LOCAL_PORT = 8080;
const KFP_API_SERVICE = { service: "ml-pipeline", port: 8888 };
const REGISTRY_NAMESPACE = "kfp-registry";

/** Whether a URL carries credentials: a user or password, or a query parameter named like a token or key. */
export function urlCarriesCredentials(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return true;
  return [...parsed.searchParams.keys()].some((name) => /token|secret|pass|key|sig|auth|credential/i.test(name));
}

export interface PlatformOptions {
  /** Renders KFP's remote kustomization (tests inject one; default runs kubectl). */
  renderKfp?: Renderer;
  /** Directory of the AMBER image build context. */
  amberContextDir?: string;
  /**
   * Asks the machine for tool versions and the node's architecture (default: runs minikube and docker).
   * `skip` runs no checks and builds for this machine's architecture (npm run render applies nothing).
   */
  probe?: ToolProbe | "skip";
}

export interface PlatformOutputs {
  kubeContext: pulumi.Output<string>;
  kfpVersion: string;
  kfpUiPortForward: pulumi.Output<string>;
  kfpUiUrl: string;
  /** KFP's v2beta1 API base; a secret when kfp.apiEndpoint carries credentials. */
  kfpApiEndpoint: pulumi.Output<string>;
  minioEndpoint?: string;
  minioConsolePortForward?: pulumi.Output<string>;
  minioCredentials?: pulumi.Output<{ accessKey: string; secretKey: string }>;
  registryAddress?: string;
  amberImage: pulumi.Output<string>;
  /** The AMBER image's CUDA variant the MD steps run, when they request a GPU. */
  amberCudaImage?: pulumi.Output<string>;
  workflowControllerMetricsPort: number;
  pipelineRunUrl?: pulumi.Output<string>;
  pipelineRunState?: pulumi.Output<string>;
  pipelineRunId?: pulumi.Output<string>;
}

/**
 * The whole platform for one validated config, layer by layer. Every KFP object is computed before any
 * resource is registered, so a bad manifest source fails the program with nothing created.
 */
export function createProteinPlatform(cfg: StackConfig, options: PlatformOptions = {}): PlatformOutputs {
  const preflight: PreflightResult = options.probe === "skip" ? skippedPreflight() : runPreflight(cfg, options.probe);
  const objectStore = cfg.objectStore.kind === "minio" ? minioEndpoint(KFP_NAMESPACE) : undefined;
  const release: KfpRelease = prepareKfpRelease(cfg.kfp, objectStore, options.renderKfp, cfg.workflowController);
  const timeout = cfg.kfp.readinessTimeoutSeconds;

  const cluster = new TargetCluster("cluster", { cluster: cfg.cluster });
  const k8sOpts = { providers: { kubernetes: cluster.provider } };

  const kubeAccess = pulumi
    .all([cluster.kubeconfig, cluster.context])
    .apply(([kubeconfig, context]) => ({ kubeconfig, context }));
  const foundation = new KfpFoundation(
    "kfp-foundation",
    {
      objects: release.foundation,
      access: kubeAccess,
      readinessTimeoutSeconds: timeout,
    },
    k8sOpts,
  );
  const minio =
    cfg.objectStore.kind === "minio"
      ? new MinioStore(
          "minio",
          {
            // Outside MinioStore, which waits for the namespace: generating needs no cluster.
            credentials: new GeneratedCredentials("minio-credentials"),
            namespace: foundation.namespace,
            image: cfg.objectStore.image,
            storage: cfg.objectStore.storage,
            readinessTimeoutSeconds: timeout,
          },
          { ...k8sOpts, dependsOn: [foundation.namespaceResource] },
        )
      : undefined;
  const kfp = new KubeflowPipelines(
    "kfp",
    {
      objects: release.platform,
      version: cfg.kfp.version,
      argoVersion: release.argoVersion,
      access: kubeAccess,
      readinessTimeoutSeconds: timeout,
    },
    {
      ...k8sOpts,
      // Only after the namespace. Not after the CRDs: nothing in the platform needs them to be created.
      // Not after MinIO's artifact Secret either: like KFP's own ConfigMaps and Secrets, it is created
      // alongside the Deployments that read it (a pod that starts first is retried by the kubelet).
      dependsOn: [foundation.namespaceResource],
    },
  );
  const portPatch = new WorkflowControllerPortPatch(
    "workflow-controller",
    {
      namespace: kfp.namespace,
      argoVersion: kfp.argoVersion,
      upstream: release.workflowController,
      ...cfg.workflowController,
    },
    { ...k8sOpts, dependsOn: [kfp] },
  );

  const registry = cfg.registry.enabled
    ? new InClusterRegistry(
        "registry",
        {
          namespace: REGISTRY_NAMESPACE,
          image: cfg.registry.image,
          proxyImage: cfg.registry.proxyImage,
          storage: cfg.registry.storage,
          hostPort: cfg.registry.hostPort,
          readinessTimeoutSeconds: timeout,
        },
        { ...k8sOpts, dependsOn: [cluster] },
      )
    : undefined;
  const amberConfig = cfg.amber;
  const amberBuild: AmberImageBuild | undefined = amberConfig.build
    ? {
        minikubeProfile: cfg.cluster.minikube!.profile,
        registryAddress: registry!.address,
        contextDir: options.amberContextDir ?? path.join(__dirname, "..", "images", "amber"),
        platform: preflight.amberPlatform!,
        profileRunning: cluster.apiServer,
      }
    : undefined;
  const imageOpts = { dependsOn: registry ? [registry] : [cluster] };
  const amber = new AmberImage(
    "amber",
    amberConfig.build ? { build: amberBuild } : { prebuiltImage: amberConfig.image },
    imageOpts,
  );
  // A prebuilt amber.image is used for the GPU steps as given: build it with OPENMM_PLATFORM=cuda12 (docs/resources.md).
  const amberCuda =
    cfg.pipeline.enabled && needsCudaImage(cfg.pipeline) && amberBuild
      ? new AmberImage("amber-cuda12", { build: { ...amberBuild, openmmPlatform: "cuda12" } }, imageOpts)
      : undefined;

  const access: pulumi.Output<KfpAccess> = cfg.kfp.apiEndpoint
    ? pulumi.output<KfpAccess>({ kind: "endpoint", baseUrl: cfg.kfp.apiEndpoint })
    : kubeAccess.apply((kube): KfpAccess => ({
        kind: "kubeProxy",
        ...kube,
        namespace: kfp.namespace,
        ...KFP_API_SERVICE,
      }));
  const ready = new KfpApiReady(
    "kfp-api-ready",
    { access, timeoutSeconds: timeout },
    { dependsOn: [foundation, kfp, portPatch] },
  );

  // Commands to paste into a shell: each value one quoted word.
  const kubectl = pulumi
    .all([cluster.context, kfp.namespace])
    .apply(([context, namespace]) => `kubectl --context ${shellQuote(context)} -n ${shellQuote(namespace)}`);
  const outputs: PlatformOutputs = {
    kubeContext: cluster.context,
    kfpVersion: kfp.version,
    kfpUiPortForward: pulumi.interpolate`${kubectl} port-forward svc/ml-pipeline-ui ${KFP_UI_LOCAL_PORT}:80`,
    kfpUiUrl: `http://localhost:${KFP_UI_LOCAL_PORT}`,
    kfpApiEndpoint: cfg.kfp.apiEndpoint
      ? urlCarriesCredentials(cfg.kfp.apiEndpoint)
        ? pulumi.secret(`${cfg.kfp.apiEndpoint}/apis/v2beta1`)
        : pulumi.output(`${cfg.kfp.apiEndpoint}/apis/v2beta1`)
      : pulumi.interpolate`${cluster.apiServer}/api/v1/namespaces/${kfp.namespace}/services/${KFP_API_SERVICE.service}:${KFP_API_SERVICE.port}/proxy/apis/v2beta1`,
    amberImage: amber.imageRef,
    ...(amberCuda ? { amberCudaImage: amberCuda.imageRef } : {}),
    workflowControllerMetricsPort: portPatch.metricsPort,
  };
  if (minio) {
    outputs.minioEndpoint = `${minio.endpoint.host}:${minio.endpoint.port}`;
    // MinIO lives in KFP's namespace, so the same kubectl prefix reaches it.
    outputs.minioConsolePortForward = pulumi.interpolate`${kubectl} port-forward svc/${MINIO_SERVICE} ${MINIO_CONSOLE_PORT}:${MINIO_CONSOLE_PORT}`;
    outputs.minioCredentials = pulumi.secret(
      pulumi.all([minio.accessKey, minio.secretKey]).apply(([accessKey, secretKey]) => ({ accessKey, secretKey })),
    );
  }
  if (registry) outputs.registryAddress = registry.address;

  if (cfg.pipeline.enabled) {
    // pipeline.pdbCodes: the batch pipeline (a ParallelFor over the codes), uploaded as `<name>-batch`.
    const { pdbCodes } = cfg.pipeline;
    const run = new ProteinPipelineRun(
      "protein-pipeline-run",
      {
        access,
        pipelineIr: pulumi
          .all([amber.imageRef, amberCuda?.imageRef ?? amber.imageRef])
          .apply(([image, cudaImage]) => stackPipelineIr(cfg.pipeline, { image, cudaImage })),
        pipelineName: pdbCodes ? `${cfg.pipeline.name}-batch` : cfg.pipeline.name,
        experimentName: cfg.pipeline.experiment,
        parameters: pipelineParameters(cfg.pipeline),
        wait: cfg.pipeline.wait,
        timeoutSeconds: cfg.pipeline.timeoutSeconds,
        rerunToken: cfg.pipeline.rerunToken || undefined,
        onDestroy: cfg.pipeline.onDestroy,
        uiBaseUrl: outputs.kfpUiUrl,
        kfpNamespace: kfp.namespace,
        kubeContext: cluster.context,
        outageSeconds: cfg.pipeline.apiOutageSeconds,
        podAccess: kubeAccess,
        onPodFault: cfg.pipeline.onPodFault,
      },
      { dependsOn: [ready, amber, ...(amberCuda ? [amberCuda] : [])] },
    );
    outputs.pipelineRunUrl = run.runUrl;
    outputs.pipelineRunState = run.state;
    outputs.pipelineRunId = run.runId;
  }
  return outputs;
}

function skippedPreflight(): PreflightResult {
  const platform = amberBuildPlatform(process.arch);
  return { amberPlatform: "platform" in platform ? platform.platform : `linux/${process.arch}` };
}
