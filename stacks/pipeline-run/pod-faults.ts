/**
 * Why a run's pod will never finish, read from the pods' status (and the nodes' allocatable), as a named fault:
 * the step, the reason, the pod and the fix. Pure. Argo names a pod's workflow node in its annotation
 * `workflows.argoproj.io/node-name` (`<wf>.root….<task>.executor` for a step's executor pod, `….<task>-driver`
 * for its KFP driver pod); kube-scheduler sets condition PodScheduled=False/Unschedulable with a message
 * listing `Insufficient <resource>` per node; kubelet sets the containers' waiting/terminated reasons.
 */
import { parse as parseYaml } from "yaml";
import { quantityValue } from "../kube/quantity";
import { shellQuote } from "../util/shell";
import { StepClass, stepClassOf } from "../../pipelines/protein/step-resources";

/* eslint-disable @typescript-eslint/no-explicit-any -- pod and node status are schemaless JSON here */
export type PodLike = Record<string, any>;
export type NodeLike = Record<string, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface PodFault {
  step: string;
  /** Kubernetes' own word for it: ImagePullBackOff, Unschedulable, OOMKilled, CrashLoopBackOff, … */
  reason: string;
  pod: string;
  container?: string;
  /** What Kubernetes says about it. */
  detail: string;
  fix: string;
}

export type ResourceClass = StepClass;

/** The resource class of a step by its IR component (`comp-sander-mdrun`), as the pipeline assigns it. */
export function resourceClassOf(component: string | undefined): ResourceClass | undefined {
  return component ? stepClassOf(component.replace(/^comp-/, "")) : undefined;
}

type ResourceField = "cpuRequest" | "memoryRequest" | "memoryLimit" | "gpu" | "gpuType";

/** The config key a user changes for one resource of a step's class; the whole section when the class is unknown. */
export function resourceKey(cls: ResourceClass | undefined, field: ResourceField): string {
  return cls ? `pipeline.resources.${cls}.${field}` : "pipeline.resources";
}

interface SpecTask {
  componentRef?: { name?: string };
}
interface Spec {
  root?: { dag?: { tasks?: Record<string, SpecTask> } };
  components?: Record<string, { dag?: { tasks?: Record<string, SpecTask> } }>;
}

/** Each task of a pipeline spec (root DAG and nested DAGs such as a ParallelFor body) → its component name. */
export function stepComponents(spec: unknown): Record<string, string> {
  const s = spec as Spec | undefined;
  const dags = [s?.root?.dag, ...Object.values(s?.components ?? {}).map((c) => c.dag)];
  const out: Record<string, string> = {};
  for (const dag of dags) {
    for (const [task, t] of Object.entries(dag?.tasks ?? {})) {
      if (t.componentRef?.name) out[task] = t.componentRef.name;
    }
  }
  return out;
}

/** stepComponents of a compiled IR (YAML text); empty when it cannot be read. */
export function stepComponentsFromIr(ir: string): Record<string, string> {
  try {
    return stepComponents(parseYaml(ir.split(/^---\s*$/m)[0]));
  } catch {
    return {};
  }
}

export const NODE_NAME_ANNOTATION = "workflows.argoproj.io/node-name";

/** The pipeline task a pod runs (its executor or its KFP driver), from the Argo node name; else the pod's name. */
export function stepOfPod(pod: PodLike): string {
  const node: string | undefined = pod.metadata?.annotations?.[NODE_NAME_ANNOTATION];
  const name: string = pod.metadata?.name ?? "?";
  if (!node) return name;
  const parts = node.split(".");
  const last = parts[parts.length - 1];
  if (/^executor(\(\d+\))?$/.test(last) && parts.length > 1) return parts[parts.length - 2];
  return last.replace(/-driver$/, "");
}

const IMAGE_REASONS = ["ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull"];

export interface DiagnosisContext {
  /** Task name → component name (stepComponents), to name the step's resource class. */
  components?: Record<string, string>;
  /** The cluster's nodes; without them an Unschedulable pod is not judged (it may only be waiting its turn). */
  nodes?: NodeLike[];
  /** For the commands a fix names. */
  namespace: string;
  kubeContext?: string;
}

/** The first pod (oldest first) that cannot finish, or undefined when every pod may still get there. */
export function diagnosePods(pods: PodLike[], ctx: DiagnosisContext): PodFault | undefined {
  const created = (p: PodLike): number => Date.parse(p.metadata?.creationTimestamp ?? "") || 0;
  for (const pod of [...pods].sort((a, b) => created(a) - created(b))) {
    const fault = diagnosePod(pod, ctx);
    if (fault) return fault;
  }
  return undefined;
}

export function diagnosePod(pod: PodLike, ctx: DiagnosisContext): PodFault | undefined {
  if (pod.metadata?.deletionTimestamp || pod.status?.phase === "Succeeded") return undefined;
  const step = stepOfPod(pod);
  const cls = resourceClassOf(ctx.components?.[step]);
  const base = { step, pod: pod.metadata?.name ?? "?" };
  const kubectl = `kubectl${ctx.kubeContext ? ` --context ${shellQuote(ctx.kubeContext)}` : ""} -n ${shellQuote(ctx.namespace)}`;
  const statuses: PodLike[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses) {
    const waiting = s.state?.waiting;
    const container = String(s.name ?? "?");
    if (waiting && IMAGE_REASONS.includes(waiting.reason)) {
      const image = s.image ?? containerSpec(pod, container)?.image ?? "?";
      const driver = /-driver$/.test(pod.metadata?.annotations?.[NODE_NAME_ANNOTATION] ?? "");
      const which =
        container === "main" && !driver
          ? "the step image (amber.image, or the in-cluster registry with amber.build=true)"
          : "KFP's or Argo's image";
      return {
        ...base,
        container,
        reason: waiting.reason,
        detail: waiting.message || `cannot pull ${image}`,
        fix: `make ${image} pullable from the cluster's nodes: check that the reference exists and that the nodes can reach its registry; it is ${which}`,
      };
    }
    if (waiting?.reason === "CreateContainerConfigError") {
      return {
        ...base,
        container,
        reason: waiting.reason,
        detail: waiting.message || "the container's configuration cannot be built",
        fix: `create what the message names (a Secret or ConfigMap) in namespace ${ctx.namespace}, or correct the reference; see ${kubectl} describe pod ${base.pod}`,
      };
    }
    if (waiting?.reason === "CrashLoopBackOff") {
      return {
        ...base,
        container,
        reason: waiting.reason,
        detail: `${waiting.message || "back-off restarting the failed container"} (restarted ${s.restartCount ?? 0} times)`,
        fix: `read why it exits: ${kubectl} logs --previous ${base.pod} -c ${container}`,
      };
    }
    const oom = [s.state?.terminated, s.lastState?.terminated].find((t) => t?.reason === "OOMKilled");
    if (oom) {
      const limit = containerSpec(pod, container)?.resources?.limits?.memory;
      return {
        ...base,
        container,
        reason: "OOMKilled",
        detail: `container ${container} was killed for exceeding its memory limit${limit ? ` of ${limit}` : ""} (exit code ${oom.exitCode ?? 137})`,
        fix: `raise ${resourceKey(cls, "memoryLimit")}${limit ? ` above ${limit}` : ""}`,
      };
    }
  }
  return unschedulable(pod, base, cls, ctx.nodes);
}

function containerSpec(pod: PodLike, name: string): PodLike | undefined {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c: PodLike) => c.name === name);
}

/** What the pod asks of a resource: its containers' requests summed (a limit alone counts as the request). */
function requested(pod: PodLike, resource: string): number {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    const q = c.resources?.requests?.[resource] ?? c.resources?.limits?.[resource];
    if (q !== undefined) total += quantityOr0(String(q));
  }
  return total;
}

function quantityOr0(q: string | undefined): number {
  try {
    return q === undefined ? 0 : quantityValue(q);
  } catch {
    return 0;
  }
}

/** The key that sets what the scheduler compares with a node: the request (a GPU count is request and limit). */
function fieldOf(resource: string): ResourceField | undefined {
  if (resource === "cpu") return "cpuRequest";
  if (resource === "memory") return "memoryRequest";
  return /gpu/.test(resource) ? "gpu" : undefined;
}

function shown(resource: string, value: number): string {
  if (resource === "memory") return `${+(value / 1024 ** 3).toFixed(2)}Gi`;
  return String(+value.toFixed(3));
}

/**
 * Unschedulable for good: a CPU, memory or GPU request larger than every node's allocatable, or a node selector no
 * node matches. A pod that would fit an idle node is only waiting for others to finish, and is not a fault.
 */
function unschedulable(
  pod: PodLike,
  base: { step: string; pod: string },
  cls: ResourceClass | undefined,
  nodes: NodeLike[] | undefined,
): PodFault | undefined {
  const condition = (pod.status?.conditions ?? []).find((c: PodLike) => c.type === "PodScheduled");
  if (!nodes || condition?.status !== "False" || condition.reason !== "Unschedulable") return undefined;
  const detail = String(condition.message ?? "no node can take it");
  const insufficient = [...detail.matchAll(/Insufficient ([A-Za-z0-9./_-]+)/g)].map((m) => m[1].replace(/\.+$/, ""));
  for (const resource of [...new Set(insufficient)]) {
    const field = fieldOf(resource);
    if (!field) continue;
    const wanted = requested(pod, resource);
    const largest = Math.max(0, ...nodes.map((n) => quantityOr0(n.status?.allocatable?.[resource])));
    if (wanted <= largest) continue;
    return {
      ...base,
      reason: "Unschedulable",
      detail,
      fix:
        `the step requests ${resource} ${shown(resource, wanted)} but the largest node has ${shown(resource, largest)}: ` +
        `lower ${resourceKey(cls, field)} or add a node with more ${resource}`,
    };
  }
  const selector: Record<string, string> = pod.spec?.nodeSelector ?? {};
  const matches = (n: NodeLike) => Object.entries(selector).every(([k, v]) => n.metadata?.labels?.[k] === v);
  if (Object.keys(selector).length > 0 && !nodes.some(matches)) {
    const wanted = Object.entries(selector)
      .map(([k, v]) => `${k}=${v}`)
      .join(", ");
    const gpu = Object.keys(selector).some((k) => /gpu|accelerator/i.test(k));
    return {
      ...base,
      reason: "Unschedulable",
      detail,
      fix: `no node carries the label(s) ${wanted}: ${gpu ? `set ${resourceKey(cls, "gpuType")} to a type the nodes have` : "change pipeline.resources"}, or label a node`,
    };
  }
  return undefined;
}

/** The error text: the run, the step, the reason, the pod, the fix, and what became of the run. */
export function podFaultMessage(runId: string, fault: PodFault, outcome: string): string {
  const container = fault.container ? ` (container ${fault.container})` : "";
  return (
    `KFP run ${runId}: step "${fault.step}" cannot finish: pod ${fault.pod}${container} is ${fault.reason}: ` +
    `${fault.detail.trim().replace(/\.$/, "")}. Fix: ${fault.fix}. ${outcome}`
  );
}
