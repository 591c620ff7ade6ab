/**
 * Reading a stack's exported state (`pulumi stack export --show-secrets`): which Kubernetes objects it
 * made, the manifests to replay with kubectl for the baseline, pending operations. Pure; see state.test.ts.
 *
 * The stack holds Kubernetes objects two ways: pulumi-kubernetes resources (one object each: its
 * inputs are the manifest, its outputs the live object) and ManifestSets (many objects each: their
 * `inputs.manifests` maps a key to each object's JSON, their `outputs.applied` lists the objects applied,
 * which destroy deletes). `stackObjects` is the one view of both that the checks use.
 */

/** The parts of an exported deployment (apitype.DeploymentV3) read here. */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  custom?: boolean;
  retainOnDelete?: boolean;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

export interface Deployment {
  resources?: StateResource[];
  pending_operations?: unknown[];
}

export interface KubeObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export type Manifest = Record<string, unknown>;

/** One Kubernetes object the stack owns, whichever kind of resource holds it. */
export interface StackObject {
  /** The resource holding it: a pulumi-kubernetes object, or the ManifestSet that applied it. */
  urn: string;
  ref: KubeObjectRef;
  /** What the stack applies for it: its recorded inputs, secrets revealed, Pulumi's own annotations dropped. */
  manifest: Manifest;
  /** Destroy leaves it in the cluster (its resource has retainOnDelete). */
  retained: boolean;
}

/** The type token of the stack's dynamic resource holding a set of KFP's objects (stacks/kube/manifest-set/manifest-set.ts). */
export const MANIFEST_SET_TYPE = "pulumi-nodejs:dynamic/kfp-protein:ManifestSet";
export const PIPELINE_RUN_TYPE = "pulumi-nodejs:dynamic/kfp-protein:ProteinPipelineRun";

/** The stack holds one pipeline-run resource, and its run SUCCEEDED. */
export function pipelineRunProblems(d: Deployment, pdbCodes?: string[]): string[] {
  const runs = (d.resources ?? []).filter((r) => r.type === PIPELINE_RUN_TYPE);
  if (runs.length !== 1) return [`expected one ${PIPELINE_RUN_TYPE} in the state, found ${runs.length}`];
  const problems: string[] = [];
  const state = runs[0].outputs?.state;
  if (state !== "SUCCEEDED") problems.push(`the pipeline run's state is ${JSON.stringify(state)}, not SUCCEEDED`);
  const parameters = runs[0].inputs?.parameters as Record<string, unknown> | undefined;
  if (pdbCodes && JSON.stringify(parameters?.pdb_codes) !== JSON.stringify(pdbCodes)) {
    problems.push(
      `the run's pdb_codes are ${JSON.stringify(parameters?.pdb_codes)}, not the batch ${JSON.stringify(pdbCodes)}`,
    );
  }
  return problems;
}

/** The marker Pulumi puts on secret values in exported state. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

const isPatch = (r: StateResource): boolean => r.type.endsWith("Patch");

/** pulumi-kubernetes objects (not components, providers or patches of objects owned by others). */
export function ownedKubeResources(d: Deployment): StateResource[] {
  return (d.resources ?? []).filter(
    (r) =>
      r.custom === true && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:") && !isPatch(r),
  );
}

/** The ManifestSet resources, each holding many objects. */
export function manifestSets(d: Deployment): StateResource[] {
  return (d.resources ?? []).filter((r) => r.custom === true && r.type === MANIFEST_SET_TYPE);
}

/** Patches of objects owned by someone else (applied by the stack with its own field manager). */
export function patchResources(d: Deployment): StateResource[] {
  return (d.resources ?? []).filter((r) => r.custom === true && r.type.startsWith("kubernetes:") && isPatch(r));
}

/** Every Kubernetes object the stack owns: pulumi-kubernetes objects, then each ManifestSet's applied objects. */
export function stackObjects(d: Deployment): StackObject[] {
  const single = ownedKubeResources(d).map((r) => ({
    urn: r.urn,
    ref: objectRef(r),
    manifest: manifestOf(r),
    retained: r.retainOnDelete === true,
  }));
  return [...single, ...manifestSets(d).flatMap(appliedObjects)];
}

/** The objects destroy must remove: owned objects not marked retainOnDelete. */
export function objectsDestroyMustRemove(d: Deployment): KubeObjectRef[] {
  return stackObjects(d)
    .filter((o) => !o.retained)
    .map((o) => o.ref);
}

/** apiVersion, kind, name and namespace of an object (a manifest or a live object). */
function refOfObject(obj: Record<string, unknown>, where: string): KubeObjectRef {
  const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
  const apiVersion = obj.apiVersion;
  const kind = obj.kind;
  const name = metadata.name;
  if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string") {
    throw new Error(`${where} has no apiVersion/kind/metadata.name`);
  }
  const namespace =
    typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : undefined;
  return { apiVersion, kind, name, ...(namespace ? { namespace } : {}) };
}

/** The object a pulumi-kubernetes resource stands for, read off its outputs (else its inputs). */
export function objectRef(r: StateResource): KubeObjectRef {
  return refOfObject((r.outputs ?? r.inputs ?? {}) as Record<string, unknown>, `state resource ${r.urn}`);
}

const refKey = (ref: KubeObjectRef): string => `${ref.apiVersion} ${ref.kind} ${ref.namespace ?? ""}/${ref.name}`;

/** Replaces secret envelopes (exported with --show-secrets) by their plaintext values. */
export function revealSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revealSecrets);
  if (value !== null && typeof value === "object") {
    const rec = value as Record<string, unknown>;
    if (SECRET_SIG_KEY in rec) {
      if (typeof rec.plaintext !== "string") {
        throw new Error("state holds an encrypted secret: export it with --show-secrets");
      }
      return revealSecrets(JSON.parse(rec.plaintext));
    }
    return Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, revealSecrets(v)]));
  }
  return value;
}

/** Annotations the Pulumi provider adds for itself; kubectl must not send them. */
const PULUMI_ANNOTATION_PREFIX = "pulumi.com/";

/** A manifest as kubectl should apply it: without Pulumi's own annotations and input bookkeeping. */
function cleanManifest(obj: Manifest): Manifest {
  const metadata = { ...((obj.metadata ?? {}) as Record<string, unknown>) };
  const annotations = Object.fromEntries(
    Object.entries((metadata.annotations ?? {}) as Record<string, string>).filter(
      ([k]) => !k.startsWith(PULUMI_ANNOTATION_PREFIX),
    ),
  );
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  const manifest: Manifest = { ...obj, metadata };
  delete manifest.__inputs;
  return manifest;
}

/** A pulumi-kubernetes resource's manifest to apply with kubectl: its inputs, secrets revealed. */
export function manifestOf(r: StateResource): Manifest {
  return cleanManifest(revealSecrets(r.inputs ?? {}) as Manifest);
}

/**
 * A ManifestSet's manifests (`inputs.manifests`: key → the object's JSON; a Secret's JSON is a secret),
 * parsed, secrets revealed, in recorded order.
 */
export function setManifests(r: StateResource): Manifest[] {
  const manifests = revealSecrets(r.inputs?.manifests);
  if (manifests === null || typeof manifests !== "object" || Array.isArray(manifests)) {
    throw new Error(`ManifestSet ${r.urn} has no inputs.manifests object`);
  }
  return Object.entries(manifests as Record<string, unknown>).map(([key, json]) => {
    if (typeof json !== "string")
      throw new Error(`ManifestSet ${r.urn}: the manifest under "${key}" is not a JSON string`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new Error(`ManifestSet ${r.urn}: the manifest under "${key}" is not JSON: ${(e as Error).message}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new Error(`ManifestSet ${r.urn}: the manifest under "${key}" is not an object`);
    }
    return cleanManifest(parsed as Manifest);
  });
}

/** The objects a ManifestSet applied (`outputs.applied`, what its delete removes), each with its manifest. */
function appliedObjects(r: StateResource): StackObject[] {
  const applied = revealSecrets(r.outputs?.applied ?? []);
  if (!Array.isArray(applied)) throw new Error(`ManifestSet ${r.urn} has an outputs.applied that is not a list`);
  const manifests = new Map(
    setManifests(r).map((m) => [refKey(refOfObject(m, `a manifest of ManifestSet ${r.urn}`)), m]),
  );
  return applied.map((a: unknown, i) => {
    const ref = refOfObject(recordOf(a), `ManifestSet ${r.urn} outputs.applied[${i}]`);
    const manifest = manifests.get(refKey(ref));
    if (!manifest)
      throw new Error(`ManifestSet ${r.urn} applied ${refKey(ref)}, but its inputs.manifests has no such object`);
    return { urn: r.urn, ref, manifest, retained: r.retainOnDelete === true };
  });
}

/** An applied entry ({apiVersion, kind, namespace?, name, digest}) in the shape refOfObject reads. */
function recordOf(a: unknown): Record<string, unknown> {
  const e = (a ?? {}) as Record<string, unknown>;
  return { apiVersion: e.apiVersion, kind: e.kind, metadata: { name: e.name, namespace: e.namespace } };
}

/**
 * What the kubectl baseline applies: every object the stack declares (pulumi-kubernetes objects' inputs
 * and every ManifestSet's manifests), namespaces and CRDs first; then the patches, last.
 */
export function baselineManifests(d: Deployment): { objects: Manifest[]; patches: Manifest[] } {
  const rank = (kind: unknown): number => (kind === "Namespace" ? 0 : kind === "CustomResourceDefinition" ? 1 : 2);
  const objects = [...ownedKubeResources(d).map(manifestOf), ...manifestSets(d).flatMap(setManifests)].sort(
    (a, b) => rank(a.kind) - rank(b.kind),
  );
  return { objects, patches: patchResources(d).map(manifestOf) };
}

/** `kind/name` strings present after that were not present before (objects left behind). */
export function appeared(before: string[], after: string[]): string[] {
  const seen = new Set(before);
  return after.filter((n) => !seen.has(n));
}

/** URNs that occur more than once in the state (must never happen after a recovered update). */
export function duplicateUrns(d: Deployment): string[] {
  const counts = new Map<string, number>();
  for (const r of d.resources ?? []) counts.set(r.urn, (counts.get(r.urn) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1).map(([urn]) => urn);
}
