/** Image reference checks: the stack never deploys a floating tag. */

const DIGEST = /@sha256:[0-9a-f]{64}$/;
const NAME = /^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;

function splitRef(ref: string): { name: string; tag?: string; digest?: string } | undefined {
  const [nameAndTag, digest, ...rest] = ref.split("@");
  if (rest.length > 0) return undefined;
  const slash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > slash;
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  if (!NAME.test(name)) return undefined;
  if (tag !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return undefined;
  return { name, tag, digest: digest === undefined ? undefined : `@${digest}` };
}

/** `repo@sha256:<64 hex>` (a tag before the digest is allowed). */
export function isDigestRef(ref: string): boolean {
  const parts = splitRef(ref);
  return parts !== undefined && parts.digest !== undefined && DIGEST.test(parts.digest);
}

/** Pinned: a digest, or an explicit tag that is not `latest`. */
export function isPinnedImage(ref: string): boolean {
  const parts = splitRef(ref);
  if (!parts) return false;
  if (parts.digest !== undefined) return DIGEST.test(parts.digest);
  return parts.tag !== undefined && parts.tag !== "latest";
}
