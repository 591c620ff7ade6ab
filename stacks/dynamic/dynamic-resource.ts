/**
 * DynamicResource: pulumi.dynamic.Resource with its serialized provider cached on disk.
 *
 * The SDK serializes a dynamic provider's closure on every program run, parsing each function the
 * closure reaches: 0.2–0.5 s of CPU per provider, on the program's only thread, ahead of the first
 * resource registration. The text depends on code alone (our providers capture functions and
 * constants, never values of the run), so it is kept under the cache dir, keyed by the provider's
 * methods as transpiled, the project's sources, the lock file, tsconfig and the Node version. A miss
 * serializes exactly as the SDK does. Registers the same type token and `__provider` input as
 * pulumi.dynamic.Resource (@pulumi/pulumi is pinned; test/stacks/dynamic/dynamic-resource.test.ts checks both).
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { cacheBase, writeAtomically } from "../util/cache-files";

export interface SerializedProvider {
  text: string;
  containsSecrets: boolean;
}

export type ProviderSerializer = (provider: pulumi.dynamic.ResourceProvider) => Promise<SerializedProvider>;

/** What pulumi.dynamic.Resource does on every run. */
export const serializeWithSdk: ProviderSerializer = async (provider) => {
  const { text, containsSecrets } = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return { text, containsSecrets };
};

const PROJECT_ROOT = path.join(__dirname, "..", "..");
/** Everything a provider's closure can reach in the project, and what decides how it is transpiled. */
const PROJECT_CODE = {
  dirs: ["stacks", "pipelines"],
  files: ["package-lock.json", "tsconfig.json", "tools/ts-transpiler.js"],
};

/** Hash of the named files and of every file under the named dirs (relative path and contents). */
export function codeFingerprint(root: string, code: { dirs: string[]; files: string[] }): string {
  const hash = createHash("sha256");
  const add = (rel: string) =>
    hash
      .update(rel)
      .update("\0")
      .update(fs.readFileSync(path.join(root, rel)))
      .update("\0");
  const walk = (rel: string): void => {
    for (const entry of fs
      .readdirSync(path.join(root, rel), { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) add(child);
    }
  };
  for (const dir of code.dirs) walk(dir);
  for (const file of code.files) if (fs.existsSync(path.join(root, file))) add(file);
  return hash.digest("hex");
}

/** The provider's methods as this process transpiled them (own and inherited), by name. */
function methodTexts(provider: object): string[] {
  const texts: string[] = [];
  for (let o: object | null = provider; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o).sort()) {
      const value = (o as Record<string, unknown>)[name];
      if (typeof value === "function" && name !== "constructor") texts.push(`${name}\0${String(value)}`);
    }
  }
  return texts;
}

export function providerCacheKey(provider: object, fingerprint: string, nodeVersion = process.version): string {
  const hash = createHash("sha256").update(fingerprint).update("\0").update(nodeVersion);
  for (const text of methodTexts(provider)) hash.update("\0").update(text);
  return hash.digest("hex").slice(0, 32);
}

function readCache(file: string): SerializedProvider | undefined {
  try {
    const cached = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<SerializedProvider>;
    if (typeof cached.text === "string" && typeof cached.containsSecrets === "boolean")
      return cached as SerializedProvider;
  } catch {
    // Missing or unreadable: serialize again.
  }
  return undefined;
}

export interface ProviderCacheOptions {
  cacheDir: string;
  fingerprint: () => string;
  serialize: ProviderSerializer;
}

let projectFingerprint: string | undefined;
const defaultCacheOptions = (): ProviderCacheOptions => ({
  cacheDir: path.join(cacheBase(), "providers"),
  fingerprint: () => (projectFingerprint ??= codeFingerprint(PROJECT_ROOT, PROJECT_CODE)),
  serialize: serializeWithSdk,
});

/**
 * The serialized provider from the cache, or serialized now and remembered, unless its closure captured
 * secrets: those are in the text in plaintext, and stay only in the (encrypted) state.
 */
export async function cachedSerialization(
  provider: pulumi.dynamic.ResourceProvider,
  o: ProviderCacheOptions,
): Promise<SerializedProvider> {
  const file = path.join(o.cacheDir, `${providerCacheKey(provider, o.fingerprint())}.json`);
  const cached = readCache(file);
  if (cached) return cached;
  const fresh = await o.serialize(provider);
  if (fresh.containsSecrets) return fresh;
  try {
    writeAtomically(file, JSON.stringify(fresh));
  } catch {
    // An unwritable cache only costs the next run the serialization again.
  }
  return fresh;
}

// One Output per provider object, shared by its resources (as the SDK caches it).
const inProcess = new WeakMap<object, pulumi.Output<string>>();

/** The `__provider` input: secret when the closure captured secrets, as the SDK marks it. */
export function providerInput(
  provider: pulumi.dynamic.ResourceProvider,
  options: ProviderCacheOptions = defaultCacheOptions(),
): pulumi.Output<string> {
  let input = inProcess.get(provider);
  if (!input) {
    input = pulumi
      .output(cachedSerialization(provider, options))
      .apply((s): pulumi.Output<string> => (s.containsSecrets ? pulumi.secret(s.text) : pulumi.output(s.text)));
    inProcess.set(provider, input);
  }
  return input;
}

export abstract class DynamicResource extends pulumi.CustomResource {
  constructor(
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
    module: string,
    type: string,
  ) {
    if ("__provider" in props) throw new Error("a dynamic resource must not define the __provider key");
    super(`pulumi-nodejs:dynamic/${module}:${type}`, name, { ...props, __provider: providerInput(provider) }, opts);
  }
}
