/** What a ManifestSet holds and what an update changes: object keys, digests and the apply/prune plan; pure. */
import { createHash } from "crypto";
import { refOf } from "../api";
import { KubeObject, ObjectRef } from "../object";

export interface AppliedObject extends ObjectRef {
  /** sha256 (16 hex) of the object's manifest as applied. */
  digest: string;
}

/** The key an object has in a set: apiVersion, kind and namespace/name, readable in a diff. */
export function objectKey(ref: ObjectRef): string {
  return `${ref.apiVersion} ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

function versionlessKey(ref: ObjectRef): string {
  return objectKey({ ...ref, apiVersion: ref.apiVersion.split("/").slice(0, -1).join("/") });
}

export function digestOf(manifest: string): string {
  return createHash("sha256").update(manifest).digest("hex").slice(0, 16);
}

/** Parses a set's manifests (key → JSON), checking each sits under its own key. */
export function parseManifestMap(
  manifests: Record<string, string>,
): { key: string; object: KubeObject; digest: string }[] {
  return Object.entries(manifests).map(([key, text]) => {
    const object = JSON.parse(text) as KubeObject;
    const actual = objectKey(refOf(object));
    if (actual !== key) throw new Error(`manifest under "${key}" is ${actual}`);
    return { key, object, digest: digestOf(text) };
  });
}

export function refOfApplied(a: AppliedObject): ObjectRef {
  return { apiVersion: a.apiVersion, kind: a.kind, name: a.name, ...(a.namespace ? { namespace: a.namespace } : {}) };
}

export function appliedOf(parsed: { object: KubeObject; digest: string }[]): AppliedObject[] {
  return parsed.map(({ object, digest }) => ({ ...refOf(object), digest }));
}

export interface SetChange {
  toApply: KubeObject[];
  toPrune: ObjectRef[];
}

/** What an update does: apply new and changed objects (all of them when `reapplyAll`), prune the ones that left. */
export function planChange(before: AppliedObject[], manifests: Record<string, string>, reapplyAll: boolean): SetChange {
  const parsed = parseManifestMap(manifests);
  const old = new Map(before.map((a) => [objectKey(a), a.digest]));
  const toApply = parsed.filter((p) => reapplyAll || old.get(p.key) !== p.digest).map((p) => p.object);
  // An object that moved to another version of its API is the same object: applying it under the
  // new version updated it, so pruning the old key would delete it.
  const keep = new Set(parsed.map((p) => versionlessKey(refOf(p.object))));
  const toPrune = before.filter((a) => !keep.has(versionlessKey(a))).map(refOfApplied);
  return { toApply, toPrune };
}
