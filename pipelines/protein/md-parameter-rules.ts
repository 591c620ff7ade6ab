/**
 * Value rules for the MD protocol parameters, as plain functions for the stack's config validation:
 * each returns the problems it finds (empty when the value is fine), naming the parameter and the fix.
 */
import type { FreeMdProtocol, MdEngine, MdPlatform, PipelineParameters } from "./presets";

export const FREE_MD_PROTOCOLS: readonly FreeMdProtocol[] = ["tutorial", "npt"];
export const MD_ENGINES: readonly MdEngine[] = ["sander", "openmm"];
export const MD_PLATFORMS: readonly MdPlatform[] = ["auto", "cpu", "cuda"];
const CHOICES: Record<string, readonly string[]> = {
  free_md_protocol: FREE_MD_PROTOCOLS,
  md_engine: MD_ENGINES,
  md_platform: MD_PLATFORMS,
};
/** sander reads its integers (`nstlim`, `ntwx`, `ig`) as 32-bit integers. */
export const SANDER_INT_MAX = 2 ** 31 - 1;
/** -1 asks sander for a new random seed each run. */
export const MAX_SEED = SANDER_INT_MAX;

/** A parameter value for a problem message: a list or an object is named, not printed (it may be deeply nested). */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return Array.isArray(value) ? "a list" : "an object";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

export function mdParameterProblems(name: string, value: unknown): string[] {
  const choices = CHOICES[name];
  if (choices && !choices.includes(value as string)) {
    return [`"${name}" must be one of ${choices.join(", ")}, got ${describeValue(value)}.`];
  }
  if (name === "seed" && !(Number.isInteger(value) && (value as number) >= -1 && (value as number) <= MAX_SEED)) {
    return [
      `"seed" must be a whole number from 0 to ${MAX_SEED}, or -1 for a random seed, got ${describeValue(value)}.`,
    ];
  }
  if (/_restraint_mask$/.test(name) && typeof value === "string" && value.includes('"')) {
    return [`"${name}" must not contain double quotes (the step runner quotes the mask for sander).`];
  }
  return [];
}

/**
 * The run's parameters together: the RMSD and radius-of-gyration analyses read the free MD's trajectory,
 * written every `traj_interval` steps, so it needs an interval of at least 1 step that fits in `free_steps`.
 */
export function trajectoryProblems(p: PipelineParameters): string[] {
  const interval = p.traj_interval;
  if (interval === undefined) return [];
  if (!(Number.isInteger(interval) && (interval as number) >= 1 && (interval as number) <= SANDER_INT_MAX)) {
    return [
      `"traj_interval" must be a whole number of steps from 1 to ${SANDER_INT_MAX} (the analyses need the free MD's frames), got ${describeValue(interval)}.`,
    ];
  }
  if (typeof p.free_steps === "number" && (interval as number) > p.free_steps) {
    return [
      `"traj_interval" ${interval} is more than "free_steps" ${p.free_steps}: the free MD would write no frame for the analyses. Fix: a traj_interval of at most free_steps.`,
    ];
  }
  return [];
}
