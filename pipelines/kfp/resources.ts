/**
 * Container resource requests/limits and accelerators, emitted the way the official SDK does (strings +
 * legacy numbers), and node placement (node selector, tolerations), emitted as kfp-kubernetes does in
 * the Kubernetes platform spec.
 */

/** A Kubernetes toleration, as kfp-kubernetes' add_toleration writes it. */
export interface Toleration {
  key: string;
  operator: "Equal" | "Exists";
  /** Only with operator Equal. */
  value?: string;
  /** Empty tolerates every effect of the taint. */
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface Resources {
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
  /** Accelerators the container is given, e.g. `{ type: "nvidia.com/gpu", count: 1 }` (KFP sets it as a limit). */
  accelerator?: { type: string; count: number };
  /** Node labels the pod must match (platform spec). */
  nodeSelector?: Record<string, string>;
  /** Taints the pod tolerates (platform spec). */
  tolerations?: Toleration[];
}

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEMORY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/;
const MEMORY_FACTOR: Record<string, number> = {
  "": 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** CPU quantity ("500m", "2", "1.5") as cores. */
export function cpuCores(quantity: string): number {
  const match = CPU.exec(quantity);
  if (!match) {
    throw new Error(`invalid CPU quantity "${quantity}": use cores ("2", "0.5") or millicores ("500m")`);
  }
  const value = Number(match[1]);
  return match[2] === "m" ? value / 1000 : value;
}

/** Memory quantity ("512Mi", "4Gi", "1G") in gigabytes (10^9 bytes), the SDK's legacy unit. */
export function memoryGigabytes(quantity: string): number {
  const match = MEMORY.exec(quantity);
  if (!match) {
    throw new Error(
      `invalid memory quantity "${quantity}": use a number with an optional K, M, G, T, Ki, Mi, Gi or Ti suffix`,
    );
  }
  return (Number(match[1]) * MEMORY_FACTOR[match[2] ?? ""]) / 1e9;
}

/** The IR `container.resources` object, or undefined when nothing is set. */
export function resourcesToIr(
  resources: Resources,
): Record<string, string | number | Record<string, string>> | undefined {
  const ir: Record<string, string | number> = {};
  if (resources.cpuRequest !== undefined) {
    ir.cpuRequest = cpuCores(resources.cpuRequest);
    ir.resourceCpuRequest = resources.cpuRequest;
  }
  if (resources.cpuLimit !== undefined) {
    ir.cpuLimit = cpuCores(resources.cpuLimit);
    ir.resourceCpuLimit = resources.cpuLimit;
  }
  if (resources.memoryRequest !== undefined) {
    ir.memoryRequest = memoryGigabytes(resources.memoryRequest);
    ir.resourceMemoryRequest = resources.memoryRequest;
  }
  if (resources.memoryLimit !== undefined) {
    ir.memoryLimit = memoryGigabytes(resources.memoryLimit);
    ir.resourceMemoryLimit = resources.memoryLimit;
  }
  checkRequestWithinLimit("CPU", ir.cpuRequest, ir.cpuLimit);
  checkRequestWithinLimit("memory", ir.memoryRequest, ir.memoryLimit);
  const accelerator = acceleratorToIr(resources.accelerator);
  return Object.keys(ir).length > 0 || accelerator ? { ...ir, ...(accelerator ? { accelerator } : {}) } : undefined;
}

/** The SDK writes the count as a string, under both the current and the deprecated field names. */
function acceleratorToIr(accelerator: Resources["accelerator"]): Record<string, string> | undefined {
  if (!accelerator || accelerator.count === 0) return undefined;
  if (!Number.isInteger(accelerator.count) || accelerator.count < 0) {
    throw new Error(`accelerator count ${accelerator.count} must be a whole number of devices`);
  }
  if (!accelerator.type) throw new Error("accelerator type is empty: give a resource name such as nvidia.com/gpu");
  const count = String(accelerator.count);
  return { count, resourceCount: count, resourceType: accelerator.type, type: accelerator.type };
}

/** The executor's node placement in the Kubernetes platform spec, or an empty object when there is none. */
export function placementToPlatformIr(resources: Resources): Record<string, unknown> {
  const labels = resources.nodeSelector ?? {};
  const tolerations = resources.tolerations ?? [];
  return {
    ...(Object.keys(labels).length > 0 ? { nodeSelector: { labels } } : {}),
    ...(tolerations.length > 0
      ? {
          tolerations: tolerations.map((t) => ({
            key: t.key,
            operator: t.operator,
            ...(t.value !== undefined ? { value: t.value } : {}),
            ...(t.effect ? { effect: t.effect } : {}),
          })),
        }
      : {}),
  };
}

function checkRequestWithinLimit(what: string, request: unknown, limit: unknown): void {
  if (typeof request === "number" && typeof limit === "number" && request > limit) {
    throw new Error(`${what} request exceeds its limit: raise the limit or lower the request`);
  }
}
