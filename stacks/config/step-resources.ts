/**
 * `pipeline.resources.<class>.*`: the keys (one set per step class of pipelines/protein/step-resources.ts),
 * their parsing into the builder's Resources, and the checks that span sections (a GPU and the MD engine,
 * a GPU and the minikube node).
 */
import type { KeySpec } from "./schema";
import { Get, Problems } from "./checks";
import { parseQuantity } from "../kube/quantity";
import { ClusterConfig, PipelineConfig } from "./types";
import { cpuCores, memoryGigabytes } from "../../pipelines/kfp/resources";
import type { Resources, Toleration } from "../../pipelines/kfp";
import {
  DEFAULT_GPU_TYPE,
  DEFAULT_STEP_RESOURCES,
  STEP_CLASSES,
  StepClass,
  StepResources,
} from "../../pipelines/protein/step-resources";
import { pipelineParameters } from "../../pipelines/protein/parameters";

const CLASS_STEPS: Record<StepClass, string> = {
  md: "MD steps (sander-mdrun: minimisations, heating, NVT, NPT, free MD)",
  analysis: "cpptraj steps (RMSD, radius of gyration, imaging)",
  light: "preparation, conversion, plot and report steps",
};
const QUANTITY_FIELDS = ["cpuRequest", "cpuLimit", "memoryRequest", "memoryLimit"] as const;
type QuantityField = (typeof QUANTITY_FIELDS)[number];
const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;
/** A label or toleration key: an optional DNS-subdomain prefix and `/`, then a name of up to 63 characters. */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** Extended resources (GPUs) are always domain-prefixed, e.g. nvidia.com/gpu or amd.com/gpu. */
const EXTENDED_RESOURCE =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+\/[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

const key = (stepClass: StepClass, field: string) => `pipeline.resources.${stepClass}.${field}`;

/** The keys of every step class, for CONFIG_KEYS; defaults from DEFAULT_STEP_RESOURCES. */
export function stepResourceKeys(): Record<string, KeySpec> {
  const keys: Record<string, KeySpec> = {};
  for (const stepClass of STEP_CLASSES) {
    const defaults = DEFAULT_STEP_RESOURCES[stepClass];
    const steps = CLASS_STEPS[stepClass];
    const what: Record<QuantityField, string> = {
      cpuRequest: "CPU request (cores such as `1`, or millicores such as `500m`)",
      cpuLimit: "CPU limit",
      memoryRequest: "memory request (a Kubernetes quantity such as `512Mi`)",
      memoryLimit: "memory limit",
    };
    for (const field of QUANTITY_FIELDS) {
      keys[key(stepClass, field)] = {
        type: "string",
        default: defaults[field] ?? "",
        description: `${what[field]} of the ${steps}. Empty: none.`,
      };
    }
    keys[key(stepClass, "gpu")] = {
      type: "integer",
      default: 0,
      description:
        stepClass === "md"
          ? "GPUs per MD step (needs md_engine openmm, e.g. the production preset); the MD steps then run the AMBER image's CUDA variant."
          : `GPUs per ${stepClass} step: must stay 0, no ${stepClass} step uses one (only the md class's OpenMM does).`,
    };
    keys[key(stepClass, "gpuType")] = {
      type: "string",
      default: DEFAULT_GPU_TYPE,
      description: `Extended resource the ${stepClass} GPUs are requested as, e.g. \`nvidia.com/gpu\`.`,
    };
    keys[key(stepClass, "nodeSelector")] = {
      type: "array",
      items: "string",
      default: [],
      description: `Node labels \`key=value\` the ${stepClass} pods must match, e.g. [nvidia.com/gpu.present=true].`,
    };
    keys[key(stepClass, "tolerations")] = {
      type: "array",
      items: "string",
      default: [],
      description: `Taints the ${stepClass} pods tolerate, as \`kubectl taint\` writes them: \`key=value:Effect\` (Equal), \`key:Effect\` or \`key\` (Exists), e.g. [nvidia.com/gpu:NoSchedule].`,
    };
  }
  return keys;
}

/** Every class's resources; empty quantities are left unset. */
export function parseStepResources(
  str: Get<string>,
  int: Get<number>,
  list: Get<string[] | undefined>,
  problems: Problems,
): StepResources {
  const parsed = {} as StepResources;
  for (const stepClass of STEP_CLASSES) {
    const resources: Resources = {};
    for (const field of QUANTITY_FIELDS) {
      const value = str(key(stepClass, field));
      if (value && quantityOk(key(stepClass, field), value, field.startsWith("cpu"), problems))
        resources[field] = value;
    }
    requestWithinLimit(stepClass, "cpu", resources, cpuCores, problems);
    requestWithinLimit(stepClass, "memory", resources, memoryGigabytes, problems);
    const gpu = int(key(stepClass, "gpu"));
    const gpuType = str(key(stepClass, "gpuType"));
    if (gpu < 0) problems.add(`${key(stepClass, "gpu")}: ${gpu} must be 0 (no GPU) or a positive count.`);
    if (gpu > 0 && stepClass !== "md")
      problems.add(
        `${key(stepClass, "gpu")}: ${gpu}, but no ${stepClass} step uses a GPU (only MD steps on OpenMM do). Fix: npm run config -- rm --path ${key(stepClass, "gpu")}`,
      );
    if (!EXTENDED_RESOURCE.test(gpuType))
      problems.add(
        `${key(stepClass, "gpuType")}: "${gpuType}" is not an extended resource name such as ${DEFAULT_GPU_TYPE} (domain/name).`,
      );
    if (gpu > 0) resources.accelerator = { type: gpuType, count: gpu };
    const nodeSelector = parseNodeSelector(
      key(stepClass, "nodeSelector"),
      list(key(stepClass, "nodeSelector")),
      problems,
    );
    if (Object.keys(nodeSelector).length > 0) resources.nodeSelector = nodeSelector;
    const tolerations = (list(key(stepClass, "tolerations")) ?? []).flatMap((text) => {
      const toleration = parseToleration(text);
      if (typeof toleration === "string") problems.add(`${key(stepClass, "tolerations")}: ${toleration}`);
      return typeof toleration === "string" ? [] : [toleration];
    });
    if (tolerations.length > 0) resources.tolerations = tolerations;
    parsed[stepClass] = resources;
  }
  return parsed;
}

/** A positive CPU or memory quantity that both Kubernetes and the IR builder read. */
function quantityOk(configKey: string, value: string, isCpu: boolean, problems: Problems): boolean {
  const amount = (parse: (text: string) => number) => {
    try {
      return parse(value);
    } catch {
      return NaN;
    }
  };
  const ok = isCpu ? amount(cpuCores) > 0 : parseQuantity(value) !== undefined && amount(memoryGigabytes) > 0;
  if (!ok)
    problems.add(
      isCpu
        ? `${configKey}: "${value}" is not a positive CPU quantity such as 1, 0.5 or 500m.`
        : `${configKey}: "${value}" is not a positive memory quantity such as 512Mi, 2Gi or 1G.`,
    );
  return ok;
}

function requestWithinLimit(
  stepClass: StepClass,
  what: "cpu" | "memory",
  resources: Resources,
  amount: (quantity: string) => number,
  problems: Problems,
): void {
  const request = resources[`${what}Request`];
  const limit = resources[`${what}Limit`];
  if (request && limit && amount(request) > amount(limit))
    problems.add(
      `${key(stepClass, `${what}Request`)} ${request} is above ${key(stepClass, `${what}Limit`)} ${limit}: Kubernetes refuses such a pod. Fix: raise the limit or lower the request.`,
    );
}

function parseNodeSelector(configKey: string, items: string[] | undefined, problems: Problems): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of items ?? []) {
    const eq = item.indexOf("=");
    const [label, value] = eq < 0 ? [item, undefined] : [item.slice(0, eq), item.slice(eq + 1)];
    if (value === undefined || !LABEL_KEY.test(label) || !LABEL_VALUE.test(value))
      problems.add(`${configKey}: "${item}" is not a node label key=value such as nvidia.com/gpu.present=true.`);
    else labels[label] = value;
  }
  return labels;
}

/** `key=value:Effect`, `key:Effect`, `key=value` or `key` (kubectl taint's syntax), or why not. */
export function parseToleration(text: string): Toleration | string {
  const colon = text.lastIndexOf(":");
  const effect = colon < 0 ? undefined : text.slice(colon + 1);
  const keyValue = colon < 0 ? text : text.slice(0, colon);
  const eq = keyValue.indexOf("=");
  const tolerationKey = eq < 0 ? keyValue : keyValue.slice(0, eq);
  const value = eq < 0 ? undefined : keyValue.slice(eq + 1);
  const usage = "use key=value:Effect, key:Effect or key, e.g. nvidia.com/gpu:NoSchedule";
  if (!LABEL_KEY.test(tolerationKey)) return `"${text}" has no valid taint key; ${usage}.`;
  if (value !== undefined && !LABEL_VALUE.test(value)) return `"${text}" has an invalid value "${value}"; ${usage}.`;
  if (effect !== undefined && !(TAINT_EFFECTS as readonly string[]).includes(effect))
    return `"${text}": the effect "${effect}" is not one of ${TAINT_EFFECTS.join(", ")}.`;
  return {
    key: tolerationKey,
    operator: value === undefined ? "Exists" : "Equal",
    ...(value !== undefined ? { value } : {}),
    ...(effect ? { effect: effect as Toleration["effect"] } : {}),
  };
}

/**
 * Problems only the whole config shows: a GPU for an engine that cannot use it (md_engine from the
 * preset or pipeline.parameters; sander when neither sets it), OpenMM's CUDA platform without a GPU,
 * and a GPU the stack's own minikube node would not have.
 */
export function gpuProblems(pipeline: PipelineConfig, cluster: ClusterConfig): string[] {
  const gpu = pipeline.resources.md.accelerator?.count ?? 0;
  const parameters = pipelineParameters(pipeline);
  const engine = String(parameters.md_engine ?? "sander");
  const platform = parameters.md_platform === undefined ? undefined : String(parameters.md_platform);
  const source =
    "md_engine" in pipeline.parameterOverrides ? "pipeline.parameters" : `pipeline.preset ${pipeline.preset}`;
  const problems: string[] = [];
  if (gpu > 0 && engine === "sander")
    problems.push(
      `pipeline.resources.md.gpu is ${gpu} but md_engine is sander (from ${source}), which runs on CPUs only and would leave the GPU idle. Fix: npm run config -- set --path pipeline.preset production (OpenMM), or set md_engine to openmm in pipeline.parameters, or npm run config -- set --path pipeline.resources.md.gpu 0`,
    );
  if (gpu === 0 && platform === "cuda")
    problems.push(
      'md_platform is cuda (pipeline.parameters) but pipeline.resources.md.gpu is 0, so no MD pod would get a GPU. Fix: npm run config -- set --path pipeline.resources.md.gpu 1, or set md_platform to "auto" or "cpu"',
    );
  const m = cluster.minikube;
  if (gpu > 0 && m?.manage && !m.gpus)
    problems.push(
      `pipeline.resources.md.gpu is ${gpu} but the stack's minikube profile is started without GPUs (cluster.minikube.gpus is unset), so MD pods would stay Pending. Fix: npm run config -- set --path cluster.minikube.gpus all`,
    );
  return problems;
}
