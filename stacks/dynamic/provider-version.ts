/**
 * A dynamic provider's version = hash of its source files, so any change to the provider code
 * changes an input and Pulumi runs `update` (which re-serializes the new code into state).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export function sourceVersion(dir: string, moduleNames: string[], ext: string): string {
  const hash = createHash("sha256");
  for (const name of moduleNames) {
    const file = path.join(dir, name + ext);
    if (!fs.existsSync(file))
      throw new Error(`provider source ${file} not found; update the module list in the provider`);
    hash.update(name).update("\0").update(fs.readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** Version of provider modules living beside `fromFile` (works for .ts under ts-node and compiled .js). */
export function providerVersionOf(fromFile: string, moduleNames: string[]): string {
  return sourceVersion(path.dirname(fromFile), moduleNames, path.extname(fromFile));
}
