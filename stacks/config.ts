import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_KEYS, KeySpec, PROJECT } from "./config-schema";
import { Problems } from "./problems";
import { isDigestRef, isPinnedImage } from "./image-ref";

export type Preset = "tutorial" | "tiny";
export type ParameterValue = string | number | boolean | unknown[];

export interface MinikubeConfig {
  manage: boolean;
  profile: string;
  cpus: number;
  memory: string;
  disk: string;
  kubernetesVersion: string;
  driver: string;
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
  preset: Preset;
  pdbCode: string;
  /** Overrides from pipeline.parameters, applied over the preset. */
  parameterOverrides: Record<string, ParameterValue>;
  wait: boolean;
  timeoutSeconds: number;
  rerunToken: string;
  onDestroy: "archive" | "delete";
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
  pipelineParameters?: Record<string, ParameterValue>;
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

const MINIKUBE_DRIVERS = ["docker", "podman", "kvm2", "qemu2", "virtualbox", "hyperkit", "vfkit", "none"];
const SEMVER = /^\d+\.\d+\.\d+$/;
const KUBE_VERSION = /^v\d+\.\d+\.\d+$/;
const MINIKUBE_SIZE = /^\d+(\.\d+)?(b|k|kb|m|mb|g|gb)?$/i;
const QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const PDB_CODE = /^[0-9][a-z0-9]{3}$/i;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** Argo's own ports in the workflow-controller pod, which the metrics port must not take. */
const WORKFLOW_CONTROLLER_HEALTHZ_PORT = 6060;

/** Reads `pulumi config` for this project and validates it. Throws ConfigError listing every problem. */
export function loadConfig(pipelineParameters?: Record<string, ParameterValue>): StackConfig {
  const raw = flattenConfig(pulumi.runtime.allConfig(), PROJECT);
  return parseStackConfig(raw, { stackName: pulumi.getStack(), env: process.env, pipelineParameters });
}

/**
 * This project's keys as dotted paths. The engine treats the dotted keys Pulumi.yaml declares as
 * property paths, so values set with `pulumi config set --path cluster.mode existing` (and the
 * declared defaults) arrive as objects (`cluster` = `{"mode": …}`); a key set without `--path`
 * arrives flat (`cluster.mode`) and, being set explicitly, wins over the object's value.
 */
export function flattenConfig(all: Record<string, string>, project: string): Record<string, unknown> {
  const nested: Record<string, unknown> = {};
  const flat: Record<string, unknown> = {};
  const prefix = `${project}:`;
  const walk = (key: string, value: unknown) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(`${key}.${k}`, v);
    } else {
      nested[key] = value;
    }
  };
  for (const [fullKey, text] of Object.entries(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    const structured = parseObject(text);
    if (structured && !key.includes(".")) walk(key, structured);
    else flat[key] = text;
  }
  return { ...nested, ...flat };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith("{")) return undefined;
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Pure: raw config values (strings as Pulumi stores them, or typed values) → a validated StackConfig. */
export function parseStackConfig(raw: Record<string, unknown>, ctx: ParseContext): StackConfig {
  const problems = new Problems();
  const env = ctx.env ?? {};
  for (const key of Object.keys(raw)) {
    if (!(key in CONFIG_KEYS)) problems.add(unknownKeyMessage(key));
  }
  const values = readTypedValues(raw, problems);
  const str = (k: string) => values[k] as string;
  const int = (k: string) => values[k] as number;
  const bool = (k: string) => values[k] as boolean;

  const cluster = parseCluster(str, int, bool, ctx.stackName, env, problems);
  const kfp = parseKfp(str, int, bool, problems);
  const objectStore = parseObjectStore(str, problems);
  const registry = parseRegistry(str, int, bool, problems);
  const amber = parseAmber(str, bool, cluster, registry, problems);
  const workflowController = parseWorkflowController(int, bool, problems);
  const pipeline = parsePipeline(str, int, bool, ctx.pipelineParameters, problems);
  if (!DNS_LABEL.test(ctx.stackName.toLowerCase())) {
    problems.add(
      `the stack name "${ctx.stackName}" must be a DNS label (letters, digits, '-'): it names cluster objects. Fix: pulumi stack init <name>.`,
    );
  }
  problems.throwIfAny((list) => new ConfigError(list));
  return { stackName: ctx.stackName, cluster, kfp, objectStore, registry, amber, workflowController, pipeline };
}

function readTypedValues(raw: Record<string, unknown>, problems: Problems): Record<string, string | number | boolean> {
  const values: Record<string, string | number | boolean> = {};
  for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
    values[key] = key in raw ? coerce(key, raw[key], spec, problems) : spec.default;
  }
  return values;
}

function coerce(key: string, value: unknown, spec: KeySpec, problems: Problems): string | number | boolean {
  const text = typeof value === "string" ? value.trim() : value;
  switch (spec.type) {
    case "boolean":
      if (text === true || text === "true") return true;
      if (text === false || text === "false") return false;
      problems.add(
        `${key}: expected true or false, got ${JSON.stringify(value)}. Fix: pulumi config set --path ${key} true|false`,
      );
      return spec.default;
    case "integer": {
      const n = typeof text === "number" ? text : typeof text === "string" && /^-?\d+$/.test(text) ? Number(text) : NaN;
      if (Number.isInteger(n)) return n;
      problems.add(
        `${key}: expected a whole number, got ${JSON.stringify(value)}. Fix: pulumi config set --path ${key} ${spec.default}`,
      );
      return spec.default;
    }
    case "string":
      if (typeof text === "string") return text;
      problems.add(`${key}: expected a string, got ${JSON.stringify(value)}.`);
      return spec.default;
  }
}

function unknownKeyMessage(key: string): string {
  const suggestion = closestKey(key);
  const hint = suggestion
    ? ` Did you mean "${suggestion}"? Fix: pulumi config rm --path ${key} && pulumi config set --path ${suggestion} <value>`
    : ` Fix: pulumi config rm --path ${key} (known keys are listed in Pulumi.yaml and README).`;
  return `${key}: unknown config key.${hint}`;
}

function closestKey(key: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const known of Object.keys(CONFIG_KEYS)) {
    const d = editDistance(key.toLowerCase(), known.toLowerCase());
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(3, Math.floor(key.length / 4)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

type Get<T> = (key: string) => T;

function oneOf<T extends string>(key: string, value: string, allowed: readonly T[], problems: Problems): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.add(
    `${key}: "${value}" is not one of ${allowed.join(", ")}. Fix: pulumi config set --path ${key} ${allowed[0]}`,
  );
  return allowed[0];
}

function portIn(key: string, port: number, problems: Problems): void {
  if (port < 1 || port > 65535) problems.add(`${key}: port ${port} is out of range 1-65535.`);
}

function quantity(key: string, value: string, problems: Problems): void {
  if (!QUANTITY.test(value)) problems.add(`${key}: "${value}" is not a Kubernetes quantity such as 10Gi or 500Mi.`);
}

function parseCluster(
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
  };
  if (!DNS_LABEL.test(profile))
    problems.add(`cluster.minikube.profile: "${profile}" must be lowercase letters, digits and '-'.`);
  if (minikube.cpus < 2)
    problems.add(`cluster.minikube.cpus: ${minikube.cpus} is below minikube's minimum of 2 (KFP wants 4).`);
  if (!MINIKUBE_SIZE.test(minikube.memory))
    problems.add(`cluster.minikube.memory: "${minikube.memory}" is not a size such as 8g or 8192m.`);
  if (!MINIKUBE_SIZE.test(minikube.disk))
    problems.add(`cluster.minikube.disk: "${minikube.disk}" is not a size such as 40g.`);
  if (!KUBE_VERSION.test(minikube.kubernetesVersion)) {
    problems.add(`cluster.minikube.kubernetesVersion: "${minikube.kubernetesVersion}" must look like v1.34.0.`);
  }
  oneOf("cluster.minikube.driver", minikube.driver, MINIKUBE_DRIVERS, problems);
  const context = str("cluster.context") || profile;
  if (manage && str("cluster.context") && str("cluster.context") !== profile) {
    problems.add(
      `cluster.context "${str("cluster.context")}" differs from the managed profile "${profile}", whose context minikube names after the profile. Fix: pulumi config rm --path cluster.context`,
    );
  }
  return { mode, context, kubeconfigPath, minikube };
}

function defaultKubeconfigPath(env: Record<string, string | undefined>): string {
  const first = (env.KUBECONFIG ?? "").split(path.delimiter).find((p) => p.length > 0);
  return first ?? path.join(env.HOME ?? os.homedir(), ".kube", "config");
}

function parseKfp(str: Get<string>, int: Get<number>, bool: Get<boolean>, problems: Problems): KfpConfig {
  const version = str("kfp.version");
  if (!SEMVER.test(version)) {
    problems.add(
      `kfp.version: "${version}" is not a release version such as 2.17.0 (branches and "latest" are not pinned).`,
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
        'kfp.source is "path" but kfp.path is empty. Fix: pulumi config set --path kfp.path <dir of rendered KFP YAML>',
      );
    source = { kind: "path", path: path.resolve(localPath || ".") };
  } else if (localPath) {
    problems.add(
      'kfp.path is set but kfp.source is "remote", so it would be ignored. Fix: pulumi config set --path kfp.source path, or pulumi config rm --path kfp.path',
    );
  }
  const apiEndpoint = str("kfp.apiEndpoint");
  if (apiEndpoint && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(apiEndpoint)) {
    problems.add(`kfp.apiEndpoint: "${apiEndpoint}" is not an http(s) URL such as http://localhost:8888.`);
  }
  const readinessTimeoutSeconds = int("kfp.readinessTimeoutSeconds");
  if (readinessTimeoutSeconds < 60)
    problems.add(
      `kfp.readinessTimeoutSeconds: ${readinessTimeoutSeconds} is too short; KFP needs minutes to start (use 600 or more).`,
    );
  const mysqlStorage = str("kfp.mysqlStorage");
  quantity("kfp.mysqlStorage", mysqlStorage, problems);
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

function parseObjectStore(str: Get<string>, problems: Problems): ObjectStoreConfig {
  const kind = oneOf("objectStore.kind", str("objectStore.kind"), ["minio", "seaweedfs"] as const, problems);
  if (kind === "seaweedfs") return { kind };
  const image = str("minio.image");
  if (!isPinnedImage(image))
    problems.add(
      `minio.image: "${image}" is not pinned: give a tag other than latest, or better a digest (repo:tag@sha256:…).`,
    );
  const storage = str("minio.storage");
  quantity("minio.storage", storage, problems);
  return { kind, image, storage };
}

function parseRegistry(str: Get<string>, int: Get<number>, bool: Get<boolean>, problems: Problems): RegistryConfig {
  const registry: RegistryConfig = {
    enabled: bool("registry.enabled"),
    image: str("registry.image"),
    proxyImage: str("registry.proxyImage"),
    storage: str("registry.storage"),
    hostPort: int("registry.hostPort"),
  };
  for (const key of ["registry.image", "registry.proxyImage"]) {
    if (!isPinnedImage(str(key)))
      problems.add(`${key}: "${str(key)}" is not pinned: give a tag other than latest, or a digest.`);
  }
  quantity("registry.storage", registry.storage, problems);
  portIn("registry.hostPort", registry.hostPort, problems);
  return registry;
}

function parseAmber(
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
        "amber.image is set but amber.build is true, so it would be ignored. Fix: pulumi config set --path amber.build false (use the given image) or pulumi config rm --path amber.image",
      );
    if (cluster.mode !== "minikube")
      problems.add(
        'amber.build is true but cluster.mode is "existing": the image is built with minikube\'s Docker. Fix: build and push it yourself, then pulumi config set --path amber.build false and amber.image <repo@sha256:…>',
      );
    if (!registry.enabled)
      problems.add(
        "amber.build is true but registry.enabled is false: the built image is pushed to the in-cluster registry. Fix: pulumi config set --path registry.enabled true",
      );
    return { build: true };
  }
  if (!image) {
    problems.add(
      "amber.build is false but amber.image is empty. Fix: pulumi config set --path amber.image <repo>@sha256:<64 hex digits>",
    );
  } else if (!isDigestRef(image)) {
    problems.add(
      `amber.image: "${image}" is not a digest reference; pipelines must pin the exact image. Fix: use <repo>@sha256:<64 hex digits> (docker inspect --format '{{index .RepoDigests 0}}' <image>).`,
    );
  }
  return { build: false, image };
}

function parseWorkflowController(int: Get<number>, bool: Get<boolean>, problems: Problems): WorkflowControllerConfig {
  const metricsPort = int("workflowController.metricsPort");
  const telemetryPort = int("workflowController.telemetryPort");
  portIn("workflowController.metricsPort", metricsPort, problems);
  portIn("workflowController.telemetryPort", telemetryPort, problems);
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

function parsePipeline(
  str: Get<string>,
  int: Get<number>,
  bool: Get<boolean>,
  known: Record<string, ParameterValue> | undefined,
  problems: Problems,
): PipelineConfig {
  const pdbCode = str("pipeline.pdbCode");
  if (!PDB_CODE.test(pdbCode))
    problems.add(`pipeline.pdbCode: "${pdbCode}" is not a PDB ID (a digit then 3 letters or digits, e.g. 1aki).`);
  const timeoutMinutes = int("pipeline.timeoutMinutes");
  if (timeoutMinutes <= 0) problems.add(`pipeline.timeoutMinutes: ${timeoutMinutes} must be positive.`);
  const name = str("pipeline.name");
  const experiment = str("pipeline.experiment");
  if (!name.trim()) problems.add("pipeline.name is empty. Fix: pulumi config set --path pipeline.name protein-md");
  if (!experiment.trim())
    problems.add("pipeline.experiment is empty. Fix: pulumi config set --path pipeline.experiment protein-md");
  return {
    enabled: bool("pipeline.enabled"),
    name,
    experiment,
    preset: oneOf("pipeline.preset", str("pipeline.preset"), ["tutorial", "tiny"] as const, problems),
    pdbCode: pdbCode.toLowerCase(),
    parameterOverrides: parseParameterOverrides(str("pipeline.parameters"), known, problems),
    wait: bool("pipeline.wait"),
    timeoutSeconds: timeoutMinutes * 60,
    rerunToken: str("pipeline.rerunToken"),
    onDestroy: oneOf("pipeline.onDestroy", str("pipeline.onDestroy"), ["archive", "delete"] as const, problems),
  };
}

function parseParameterOverrides(
  text: string,
  known: Record<string, ParameterValue> | undefined,
  problems: Problems,
): Record<string, ParameterValue> {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    problems.add(
      `pipeline.parameters: not valid JSON (${(e as Error).message}). Fix: pulumi config set --path pipeline.parameters '{"temperature": 310}'`,
    );
    return {};
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    problems.add("pipeline.parameters: must be a JSON object of parameter names to values.");
    return {};
  }
  const overrides = parsed as Record<string, ParameterValue>;
  for (const [name, value] of Object.entries(overrides)) {
    if (known && !(name in known)) {
      problems.add(
        `pipeline.parameters: "${name}" is not a parameter of the protein pipeline (known: ${Object.keys(known).sort().join(", ")}).`,
      );
      continue;
    }
    if (known && typeof value !== typeof known[name]) {
      problems.add(`pipeline.parameters: "${name}" must be a ${typeof known[name]}, got ${JSON.stringify(value)}.`);
      continue;
    }
    if (/_steps$/.test(name) && !(Number.isInteger(value) && (value as number) > 0)) {
      problems.add(
        `pipeline.parameters: "${name}" must be a positive whole number of steps, got ${JSON.stringify(value)}.`,
      );
    }
    if (/(_weight|_distance|_concentration|temperature)$/.test(name) && typeof value === "number" && value < 0) {
      problems.add(`pipeline.parameters: "${name}" must not be negative, got ${value}.`);
    }
    if (name === "pdb_code")
      problems.add("pipeline.parameters: set the PDB code with pipeline.pdbCode, not pipeline.parameters.");
  }
  return overrides;
}
