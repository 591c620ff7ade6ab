import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { cacheBase, writeAtomically } from "../util/cache-files";
import { KubeObject } from "../kube/object";
import { KfpSource } from "../config";

/** KFP's manifests could not be read or rendered: the message names the config key and the fix. */
export class KfpSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KfpSourceError";
  }
}

/** The two kustomize targets of a standalone KFP install, applied in this order (kubeflow/pipelines manifests/kustomize). */
export const KFP_TARGETS = ["cluster-scoped-resources", "env/platform-agnostic"] as const;

export function remoteKustomizeRef(target: string, version: string): string {
  return `https://github.com/kubeflow/pipelines//manifests/kustomize/${target}?ref=${version}`;
}

export function parseManifests(text: string, origin: string): KubeObject[] {
  const objs: KubeObject[] = [];
  for (const doc of YAML.parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new KfpSourceError(`${origin}: invalid YAML: ${doc.errors[0].message}`);
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    if (value.kind === "List" && Array.isArray(value.items)) {
      objs.push(...value.items);
      continue;
    }
    if (typeof value.kind !== "string" || typeof value.metadata?.name !== "string") {
      throw new KfpSourceError(`${origin}: a document without kind or metadata.name is not a Kubernetes object`);
    }
    objs.push(value);
  }
  return objs;
}

/**
 * parseManifests, remembered as JSON under the cache dir by the text's hash: YAML parsing of KFP's
 * ~1 MB of manifests costs every `pulumi up` ~0.4 s, reading the JSON a few ms.
 */
export function parseManifestsCached(text: string, origin: string, cacheRoot = cacheBase()): KubeObject[] {
  const file = path.join(cacheRoot, "parsed", `${createHash("sha256").update(text).digest("hex")}.json`);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as KubeObject[];
  const objs = parseManifests(text, origin);
  try {
    writeAtomically(file, JSON.stringify(objs));
  } catch {
    // An unwritable cache only costs the next run the parse again.
  }
  return objs;
}

/** Reads rendered manifests from one YAML file or every *.yaml/*.yml file of a directory (sorted by name). */
export function readManifestPath(p: string): KubeObject[] {
  if (!fs.existsSync(p))
    throw new KfpSourceError(
      `kfp.path: ${p} does not exist. Fix: npm run config -- set --path kfp.path <dir or file of rendered KFP YAML>`,
    );
  const files = fs.statSync(p).isDirectory()
    ? fs
        .readdirSync(p)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => path.join(p, f))
    : [p];
  const objs = files.flatMap((f) => parseManifestsCached(fs.readFileSync(f, "utf8"), f));
  if (objs.length === 0) throw new KfpSourceError(`kfp.path: no Kubernetes objects found in ${p}`);
  return objs;
}

export type Renderer = (ref: string) => string;

/** Renders a remote kustomization with `kubectl kustomize` (needs git and network). */
export const kubectlKustomize: Renderer = (ref) => {
  try {
    return execFileSync("kubectl", ["kustomize", ref], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    const why =
      err.code === "ENOENT"
        ? "kubectl is not installed"
        : (err.stderr || err.message).trim().split("\n").slice(-3).join(" ");
    throw new KfpSourceError(
      `could not render ${ref}: ${why}. Fix: install kubectl and git and check network access, or render KFP once and use kfp.source=path with kfp.path=<dir>`,
    );
  }
};

export function kfpCacheDir(version: string, env: Record<string, string | undefined> = process.env): string {
  return path.join(cacheBase(env), "kfp", version);
}

/**
 * KFP's objects for a source. A remote release is rendered once and cached per version: a pinned ref
 * renders the same objects every time, and previews then need no network.
 */
export function loadKfpManifests(
  source: KfpSource,
  render: Renderer = kubectlKustomize,
  cacheDir?: string,
): KubeObject[] {
  if (source.kind === "path") return readManifestPath(source.path);
  const dir = cacheDir ?? kfpCacheDir(source.version);
  const objs: KubeObject[] = [];
  KFP_TARGETS.forEach((target, i) => {
    const file = path.join(dir, `${i}-${target.replace(/\//g, "-")}.yaml`);
    if (!fs.existsSync(file)) {
      const text = render(remoteKustomizeRef(target, source.version));
      parseManifests(text, remoteKustomizeRef(target, source.version));
      writeAtomically(file, text);
    }
    objs.push(...parseManifestsCached(fs.readFileSync(file, "utf8"), file, dir));
  });
  return objs;
}
