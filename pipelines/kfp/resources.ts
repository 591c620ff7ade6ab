/** Container resource requests/limits, emitted the way the official SDK does (strings + legacy numbers). */

export interface Resources {
  cpuRequest?: string;
  cpuLimit?: string;
  memoryRequest?: string;
  memoryLimit?: string;
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
export function resourcesToIr(resources: Resources): Record<string, string | number> | undefined {
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
  return Object.keys(ir).length > 0 ? ir : undefined;
}

function checkRequestWithinLimit(what: string, request: unknown, limit: unknown): void {
  if (typeof request === "number" && typeof limit === "number" && request > limit) {
    throw new Error(`${what} request exceeds its limit: raise the limit or lower the request`);
  }
}
