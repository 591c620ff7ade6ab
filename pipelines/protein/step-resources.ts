/**
 * The protein pipeline's step classes and what each asks of Kubernetes: `md` (sander or OpenMM stages),
 * `analysis` (cpptraj) and `light` (preparation, plots, report). The stack's `pipeline.resources.<class>`
 * config replaces these defaults.
 */
import type { Resources } from "../kfp";

export const STEP_CLASSES = ["md", "analysis", "light"] as const;
export type StepClass = (typeof STEP_CLASSES)[number];
export type StepResources = Record<StepClass, Resources>;

/** The class of each step runner subcommand that is not `light`. */
const NOT_LIGHT: Record<string, StepClass> = {
  "sander-mdrun": "md",
  "cpptraj-rms": "analysis",
  "cpptraj-rgyr": "analysis",
  "cpptraj-image": "analysis",
};

/** The class of a step by its step-runner subcommand (the IR's component name without `comp-`). */
export function stepClassOf(subcommand: string): StepClass {
  return Object.hasOwn(NOT_LIGHT, subcommand) ? NOT_LIGHT[subcommand] : "light";
}

/** The Kubernetes extended resource a GPU is requested as, unless the config names another. */
export const DEFAULT_GPU_TYPE = "nvidia.com/gpu";

export const DEFAULT_STEP_RESOURCES: StepResources = {
  md: { cpuRequest: "1", cpuLimit: "2", memoryRequest: "512Mi", memoryLimit: "2Gi" },
  analysis: { cpuRequest: "500m", cpuLimit: "1", memoryRequest: "512Mi", memoryLimit: "2Gi" },
  light: { cpuRequest: "250m", cpuLimit: "1", memoryRequest: "256Mi", memoryLimit: "1Gi" },
};

/** MD steps that request a GPU run the CUDA variant of the AMBER image. */
export function mdRequestsGpu(resources: StepResources): boolean {
  return (resources.md.accelerator?.count ?? 0) > 0;
}
