/**
 * Reading a stack's exported state (`pulumi stack export`): which Kubernetes objects it made, the
 * manifests to replay with kubectl for the baseline, pending operations. Pure; see state.test.ts.
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

/** The marker Pulumi puts on secret values in exported state. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

const isPatch = (r: StateResource): boolean => r.type.endsWith("Patch");

/** Kubernetes objects (not components, providers or patches of objects owned by others). */
export function ownedKubeResources(d: Deployment): StateResource[] {
    return (d.resources ?? []).filter(
        (r) => r.custom === true && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:") && !isPatch(r),
    );
}

/** Patches of objects owned by someone else (applied by the stack with its own field manager). */
export function patchResources(d: Deployment): StateResource[] {
    return (d.resources ?? []).filter((r) => r.custom === true && r.type.startsWith("kubernetes:") && isPatch(r));
}

/** The objects destroy must remove: owned objects not marked retainOnDelete. */
export function objectsDestroyMustRemove(d: Deployment): KubeObjectRef[] {
    return ownedKubeResources(d)
        .filter((r) => !r.retainOnDelete)
        .map((r) => objectRef(r));
}

export function objectRef(r: StateResource): KubeObjectRef {
    const obj = (r.outputs ?? r.inputs ?? {}) as Record<string, unknown>;
    const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
    const apiVersion = obj.apiVersion;
    const kind = obj.kind;
    const name = metadata.name;
    if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string") {
        throw new Error(`state resource ${r.urn} has no apiVersion/kind/metadata.name in its outputs`);
    }
    const namespace = typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : undefined;
    return { apiVersion, kind, name, ...(namespace ? { namespace } : {}) };
}

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

/** A manifest to apply with kubectl: the resource's inputs without Pulumi's own annotations. */
export function manifestOf(r: StateResource): Record<string, unknown> {
    const inputs = revealSecrets(r.inputs ?? {}) as Record<string, unknown>;
    const metadata = { ...((inputs.metadata ?? {}) as Record<string, unknown>) };
    const annotations = Object.fromEntries(
        Object.entries((metadata.annotations ?? {}) as Record<string, string>).filter(([k]) => !k.startsWith(PULUMI_ANNOTATION_PREFIX)),
    );
    if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
    else delete metadata.annotations;
    const manifest: Record<string, unknown> = { ...inputs, metadata };
    delete manifest.__inputs;
    return manifest;
}

/** Apply order for the baseline: namespaces and CRDs first, other objects, then patches last. */
export function baselineManifests(d: Deployment): { objects: Record<string, unknown>[]; patches: Record<string, unknown>[] } {
    const rank = (kind: unknown): number => (kind === "Namespace" ? 0 : kind === "CustomResourceDefinition" ? 1 : 2);
    const objects = ownedKubeResources(d)
        .map(manifestOf)
        .sort((a, b) => rank(a.kind) - rank(b.kind));
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
