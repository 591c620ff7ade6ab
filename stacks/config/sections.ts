/** One parser per config section: typed values in, the section's config out, problems collected. */
import * as os from "os";
import * as path from "path";
import {
  Get,
  imageRefProblem,
  isDigestRef,
  isDnsLabel,
  isPinnedImage,
  oneOf,
  Problems,
  shown,
  storageQuantity,
} from "./checks";
import {
  AmberConfig,
  ClusterConfig,
  KfpConfig,
  KfpSource,
  MinikubeConfig,
  ObjectStoreConfig,
  PipelineConfig,
  RegistryConfig,
  WorkflowControllerConfig,
} from "./types";
import { parseParameterOverrides, pipelineParameters } from "../../pipelines/protein/parameters";
import { trajectoryProblems } from "../../pipelines/protein/md-parameter-rules";
import { parseStepResources } from "./step-resources";
import { PRESET_NAMES, PipelineParameters } from "../../pipelines/protein/presets";

const MINIKUBE_DRIVERS = ["docker", "podman", "kvm2", "qemu2", "virtualbox", "hyperkit", "vfkit", "none"];
const SEMVER = /^\d+\.\d+\.\d+$/;
const KUBE_VERSION = /^v\d+\.\d+\.\d+$/;
const MINIKUBE_SIZE = /^\d{1,12}(\.\d{1,3})?(b|k|kb|m|mb|g|gb)?$/i;
const PDB_CODE = /^[0-9][a-z0-9]{3}$/i;
/** Argo's own ports in the workflow-controller pod, which the metrics port must not take. */
const WORKFLOW_CONTROLLER_HEALTHZ_PORT = 6060;

export function parseCluster(
  str: Get<string>,
  int: Get<number>,
  bool: Get<boolean>,
  stackName: string,
  env: Record<string, string | undefined>,
  problems: Problems,
): ClusterConfig {
  const mode = oneOf("cluster.mode", str("cluster.mode"), ["minikube", "existing"] as const, problems);
  const kubeconfigPath = str("cluster.kubeconfig") || defaultKubeconfigPath(env);
  const manage = bool("cluster.minikube.manage");
  if (mode !== "minikube") {
    if (manage)
      problems.add(
        'cluster.minikube.manage is true but cluster.mode is "existing": the stack can only own a minikube profile in minikube mode. Fix: set cluster.mode minikube, or cluster.minikube.manage false.',
      );
    return { mode, context: str("cluster.context"), kubeconfigPath };
  }
  const profile = str("cluster.minikube.profile") || (manage ? `kfp-protein-${stackName}` : "minikube");
  const minikube: MinikubeConfig = {
    manage,
    profile,
    cpus: int("cluster.minikube.cpus"),
    memory: str("cluster.minikube.memory"),
    disk: str("cluster.minikube.disk"),
    kubernetesVersion: str("cluster.minikube.kubernetesVersion"),
    driver: str("cluster.minikube.driver"),
    ...parseMinikubeGpus(str("cluster.minikube.gpus"), str("cluster.minikube.driver"), problems),
  };
  if (!isDnsLabel(profile)) {
    const derived = str("cluster.minikube.profile") ? "" : " (derived from the stack name)";
    problems.add(
      `cluster.minikube.profile: ${shown(profile)}${derived} must be a DNS label: at most 63 lowercase letters, digits and '-'. Fix: npm run config -- set --path cluster.minikube.profile <name>`,
    );
  }
  if (!isMinikubeSize(minikube.memory))
    problems.add(`cluster.minikube.memory: ${shown(minikube.memory)} is not a size such as 8g or 8192m.`);
  if (!isMinikubeSize(minikube.disk))
    problems.add(`cluster.minikube.disk: ${shown(minikube.disk)} is not a size such as 40g.`);
  if (!KUBE_VERSION.test(minikube.kubernetesVersion)) {
    problems.add(`cluster.minikube.kubernetesVersion: ${shown(minikube.kubernetesVersion)} must look like v1.34.0.`);
  }
  oneOf("cluster.minikube.driver", minikube.driver, MINIKUBE_DRIVERS, problems);
  const context = str("cluster.context") || profile;
  if (manage && str("cluster.context") && str("cluster.context") !== profile) {
    problems.add(
      `cluster.context "${str("cluster.context")}" differs from the managed profile "${profile}", whose context minikube names after the profile. Fix: npm run config -- rm --path cluster.context`,
    );
  }
  return { mode, context, kubeconfigPath, minikube };
}

/** A positive size with a unit minikube reads (`8g`, `8192m`); at most 12 digits, far beyond any machine. */
function isMinikubeSize(size: string): boolean {
  return MINIKUBE_SIZE.test(size) && Number.parseFloat(size) > 0;
}

/** `--gpus` passes the host's GPUs into the node container: minikube supports it with the docker driver only. */
function parseMinikubeGpus(gpus: string, driver: string, problems: Problems): Pick<MinikubeConfig, "gpus"> {
  if (!gpus) return {};
  const value = oneOf("cluster.minikube.gpus", gpus, ["all", "nvidia"] as const, problems);
  if (driver !== "docker")
    problems.add(
      `cluster.minikube.gpus is ${shown(gpus)} but cluster.minikube.driver is ${shown(driver)}: minikube passes GPUs through with the docker driver only. Fix: npm run config -- set --path cluster.minikube.driver docker, or npm run config -- rm --path cluster.minikube.gpus`,
    );
  return { gpus: value };
}

function defaultKubeconfigPath(env: Record<string, string | undefined>): string {
  const first = (env.KUBECONFIG ?? "").split(path.delimiter).find((p) => p.length > 0);
  return first ?? path.join(env.HOME ?? os.homedir(), ".kube", "config");
}

export function parseKfp(str: Get<string>, int: Get<number>, bool: Get<boolean>, problems: Problems): KfpConfig {
  const version = str("kfp.version");
  if (!SEMVER.test(version)) {
    problems.add(
      `kfp.version: ${shown(version)} is not a release version such as 2.17.0 (branches and "latest" are not pinned).`,
    );
  } else if (Number(version.split(".")[0]) !== 2) {
    problems.add(`kfp.version: ${version} is not a KFP 2.x release; this stack deploys KFP v2 pipelines.`);
  }
  const sourceKind = oneOf("kfp.source", str("kfp.source"), ["remote", "path"] as const, problems);
  const localPath = str("kfp.path");
  let source: KfpSource = { kind: "remote", version };
  if (sourceKind === "path") {
    if (!localPath)
      problems.add(
        'kfp.source is "path" but kfp.path is empty. Fix: npm run config -- set --path kfp.path <dir of rendered KFP YAML>',
      );
    source = { kind: "path", path: path.resolve(localPath || ".") };
  } else if (localPath) {
    problems.add(
      'kfp.path is set but kfp.source is "remote", so it would be ignored. Fix: npm run config -- set --path kfp.source path, or npm run config -- rm --path kfp.path',
    );
  }
  const apiEndpoint = str("kfp.apiEndpoint");
  if (apiEndpoint && !isHttpUrl(apiEndpoint)) {
    problems.add(`kfp.apiEndpoint: ${shown(apiEndpoint)} is not an http(s) URL such as http://localhost:8888.`);
  }
  const readinessTimeoutSeconds = int("kfp.readinessTimeoutSeconds");
  const mysqlStorage = str("kfp.mysqlStorage");
  storageQuantity("kfp.mysqlStorage", mysqlStorage, problems);
  return {
    version,
    source,
    apiEndpoint: apiEndpoint ? apiEndpoint.replace(/\/+$/, "") : undefined,
    readinessTimeoutSeconds,
    visualizationServer: bool("kfp.visualizationServer"),
    viewerController: bool("kfp.viewerController"),
    cache: bool("kfp.cache"),
    mysqlStorage,
    resourceProfile: oneOf(
      "kfp.resourceProfile",
      str("kfp.resourceProfile"),
      ["minikube", "upstream"] as const,
      problems,
    ),
  };
}

/** http(s)://host[:port][/path], as WHATWG URL parses it (a port over 65535 is refused there). */
function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\/[^\s/]+(\/\S*)?$/.test(text)) return false;
  try {
    return new URL(text).hostname !== "";
  } catch {
    return false;
  }
}

/** An image that is a valid reference and pinned; the problem names the key. */
function pinnedImage(key: string, image: string, problems: Problems): void {
  const invalid = imageRefProblem(image);
  if (invalid) problems.add(`${key}: ${shown(image)} is not an image reference: ${invalid}.`);
  else if (!isPinnedImage(image))
    problems.add(
      `${key}: ${shown(image)} is not pinned: give a tag other than latest, or better a digest (repo:tag@sha256:…).`,
    );
}

export function parseObjectStore(str: Get<string>, problems: Problems): ObjectStoreConfig {
  const kind = oneOf("objectStore.kind", str("objectStore.kind"), ["minio", "seaweedfs"] as const, problems);
  if (kind === "seaweedfs") return { kind };
  const image = str("minio.image");
  pinnedImage("minio.image", image, problems);
  const storage = str("minio.storage");
  storageQuantity("minio.storage", storage, problems);
  return { kind, image, storage };
}

export function parseRegistry(
  str: Get<string>,
  int: Get<number>,
  bool: Get<boolean>,
  problems: Problems,
): RegistryConfig {
  const registry: RegistryConfig = {
    enabled: bool("registry.enabled"),
    image: str("registry.image"),
    proxyImage: str("registry.proxyImage"),
    storage: str("registry.storage"),
    hostPort: int("registry.hostPort"),
  };
  for (const key of ["registry.image", "registry.proxyImage"]) pinnedImage(key, str(key), problems);
  storageQuantity("registry.storage", registry.storage, problems);
  return registry;
}

export function parseAmber(
  str: Get<string>,
  bool: Get<boolean>,
  cluster: ClusterConfig,
  registry: RegistryConfig,
  problems: Problems,
): AmberConfig {
  const image = str("amber.image");
  if (bool("amber.build")) {
    if (image)
      problems.add(
        "amber.image is set but amber.build is true, so it would be ignored. Fix: npm run config -- set --path amber.build false (use the given image) or npm run config -- rm --path amber.image",
      );
    if (cluster.mode !== "minikube")
      problems.add(
        'amber.build is true but cluster.mode is "existing": the image is built with minikube\'s Docker. Fix: build and push it yourself, then npm run config -- set --path amber.build false and amber.image <repo@sha256:…>',
      );
    if (!registry.enabled)
      problems.add(
        "amber.build is true but registry.enabled is false: the built image is pushed to the in-cluster registry. Fix: npm run config -- set --path registry.enabled true",
      );
    return { build: true };
  }
  if (!image) {
    problems.add(
      "amber.build is false but amber.image is empty. Fix: npm run config -- set --path amber.image <repo>@sha256:<64 hex digits>",
    );
  } else if (!isDigestRef(image)) {
    const invalid = imageRefProblem(image);
    problems.add(
      `amber.image: ${shown(image)} is not a digest reference${invalid ? ` (${invalid})` : ""}; pipelines must pin the exact image. Fix: use <repo>@sha256:<64 hex digits> (docker inspect --format '{{index .RepoDigests 0}}' <image>).`,
    );
  }
  return { build: false, image };
}

export function parseWorkflowController(
  int: Get<number>,
  bool: Get<boolean>,
  problems: Problems,
): WorkflowControllerConfig {
  const metricsPort = int("workflowController.metricsPort");
  const telemetryPort = int("workflowController.telemetryPort");
  if (metricsPort === WORKFLOW_CONTROLLER_HEALTHZ_PORT) {
    problems.add(
      `workflowController.metricsPort: ${metricsPort} is the workflow-controller's healthz port. Fix: pick another, e.g. 9091.`,
    );
  }
  if (metricsPort === telemetryPort) {
    problems.add(
      `workflowController.metricsPort and workflowController.telemetryPort are both ${metricsPort}: that is the clash this setting exists to avoid. Fix: give them different ports.`,
    );
  }
  return { metricsPort, telemetryPort, disableLeaderElection: bool("workflowController.disableLeaderElection") };
}

export function parsePipeline(
  str: Get<string>,
  int: Get<number>,
  bool: Get<boolean>,
  list: Get<string[] | undefined>,
  known: PipelineParameters | undefined,
  problems: Problems,
): PipelineConfig {
  const pdbCodes = parsePdbCodes(list("pipeline.pdbCodes"), problems);
  const parallelism = int("pipeline.parallelism");
  const pdbCode = str("pipeline.pdbCode");
  if (!PDB_CODE.test(pdbCode))
    problems.add(`pipeline.pdbCode: ${shown(pdbCode)} is not a PDB ID (a digit then 3 letters or digits, e.g. 1aki).`);
  const timeoutMinutes = int("pipeline.timeoutMinutes");
  const apiOutageSeconds = int("pipeline.apiOutageSeconds");
  const name = str("pipeline.name");
  const experiment = str("pipeline.experiment");
  if (!name.trim()) problems.add("pipeline.name is empty. Fix: npm run config -- set --path pipeline.name protein-md");
  if (!experiment.trim())
    problems.add("pipeline.experiment is empty. Fix: npm run config -- set --path pipeline.experiment protein-md");
  const pipeline: PipelineConfig = {
    enabled: bool("pipeline.enabled"),
    name,
    experiment,
    preset: oneOf("pipeline.preset", str("pipeline.preset"), PRESET_NAMES, problems),
    pdbCode: pdbCode.toLowerCase(),
    ...(pdbCodes ? { pdbCodes } : {}),
    parallelism,
    parameterOverrides: parseParameterOverrides(str("pipeline.parameters"), known, problems),
    wait: bool("pipeline.wait"),
    timeoutSeconds: timeoutMinutes * 60,
    rerunToken: str("pipeline.rerunToken"),
    onDestroy: oneOf("pipeline.onDestroy", str("pipeline.onDestroy"), ["archive", "delete"] as const, problems),
    resources: parseStepResources(str, int, list, problems),
    apiOutageSeconds,
    onPodFault: oneOf("pipeline.onPodFault", str("pipeline.onPodFault"), ["leave", "terminate"] as const, problems),
  };
  // The preset's values with the overrides: a preset's own traj_interval must fit the overridden free_steps.
  for (const problem of trajectoryProblems(pipelineParameters(pipeline)))
    problems.add(`pipeline.parameters: ${problem}`);
  return pipeline;
}

/**
 * A batch's PDB codes: each a PDB ID, no duplicates (case-insensitive); lower-cased. Empty (the declared
 * default, which the engine needs; an explicit empty list looks the same) means one protein, no batch.
 */
export function parsePdbCodes(codes: string[] | undefined, problems: Problems): string[] | undefined {
  if (codes === undefined || codes.length === 0) return undefined;
  const lower = codes.map((code) => code.toLowerCase());
  for (const code of codes.filter((c) => !PDB_CODE.test(c))) {
    problems.add(
      `pipeline.pdbCodes: ${shown(code)} is not a PDB ID (4 characters: a digit then 3 letters or digits, e.g. 1aki).`,
    );
  }
  const duplicates = [...new Set(lower.filter((code, i) => lower.indexOf(code) !== i))];
  if (duplicates.length > 0) {
    problems.add(`pipeline.pdbCodes: ${duplicates.join(", ")} listed more than once. Fix: list each protein once.`);
  }
  return lower;
}
