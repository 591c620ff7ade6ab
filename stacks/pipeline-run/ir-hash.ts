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
