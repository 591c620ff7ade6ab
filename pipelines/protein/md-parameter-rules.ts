/**
 * Value rules for the MD protocol parameters, as plain functions for the stack's config validation:
 * each returns the problems it finds (empty when the value is fine), naming the parameter and the fix.
 */
import type { FreeMdProtocol, MdEngine, MdPlatform } from "./presets";

export const FREE_MD_PROTOCOLS: readonly FreeMdProtocol[] = ["tutorial", "npt"];
export const MD_ENGINES: readonly MdEngine[] = ["sander", "openmm"];
export const MD_PLATFORMS: readonly MdPlatform[] = ["auto", "cpu", "cuda"];
const CHOICES: Record<string, readonly string[]> = {
  free_md_protocol: FREE_MD_PROTOCOLS,
  md_engine: MD_ENGINES,
  md_platform: MD_PLATFORMS,
};
/** sander reads `ig` as a 32-bit integer; -1 asks it for a new random seed each run. */
export const MAX_SEED = 2 ** 31 - 1;

export function mdParameterProblems(name: string, value: unknown): string[] {
  const choices = CHOICES[name];
  if (choices && !choices.includes(value as string)) {
    return [`"${name}" must be one of ${choices.join(", ")}, got ${JSON.stringify(value)}.`];
  }
  if (name === "seed" && !(Number.isInteger(value) && (value as number) >= -1 && (value as number) <= MAX_SEED)) {
    return [
      `"seed" must be a whole number from 0 to ${MAX_SEED}, or -1 for a random seed, got ${JSON.stringify(value)}.`,
    ];
  }
  if (/_restraint_mask$/.test(name) && typeof value === "string" && value.includes('"')) {
    return [`"${name}" must not contain double quotes (the step runner quotes the mask for sander).`];
  }
  return [];
}
