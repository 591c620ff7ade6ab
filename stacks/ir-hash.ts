/** Content identity of a compiled pipeline IR: names the KFP pipeline version, drives re-runs. */
import { createHash } from "crypto";

/** sha256 of the IR text with line endings normalised (a CRLF checkout must not make a new version). */
export function irHash(pipelineIr: string): string {
  return createHash("sha256").update(pipelineIr.replace(/\r\n/g, "\n")).digest("hex");
}

/** KFP version name for an IR: unique per content, short enough for the UI. */
export function versionNameFor(hash: string): string {
  return `ir-${hash.slice(0, 20)}`;
}

/** Stable hash of run parameters, independent of key order. */
export function parametersHash(parameters: Record<string, unknown>): string {
  return createHash("sha256").update(canonicalJson(parameters)).digest("hex");
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
