/**
 * Value rules for the MD protocol parameters, as plain functions for the stack's config validation:
 * each returns the problems it finds (empty when the value is fine), naming the parameter and the fix.
 */
import type { FreeMdProtocol } from "./presets";

export const FREE_MD_PROTOCOLS: readonly FreeMdProtocol[] = ["tutorial", "npt"];
/** sander reads `ig` as a 32-bit integer; -1 asks it for a new random seed each run. */
export const MAX_SEED = 2 ** 31 - 1;

export function mdParameterProblems(name: string, value: unknown): string[] {
  if (name === "free_md_protocol" && !FREE_MD_PROTOCOLS.includes(value as FreeMdProtocol)) {
    return [`"free_md_protocol" must be one of ${FREE_MD_PROTOCOLS.join(", ")}, got ${JSON.stringify(value)}.`];
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
