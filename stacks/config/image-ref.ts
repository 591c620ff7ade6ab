/**
 * Image references by the distribution reference grammar (distribution/reference's regexp.go, the grammar
 * container runtimes parse `image:` with): `[host[:port]/]path[:tag][@digest]`.
 */

const ALNUM = "[a-z0-9]+";
/** `.`, `_`, `__` or any run of `-` between lowercase alphanumerics (`my--image`, `a__b` are valid). */
const PATH_COMPONENT = `${ALNUM}(?:(?:[._]|__|-+)${ALNUM})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(
  `^(?:(${HOST})(?::([0-9]+))?/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
/** distribution's NameTotalLengthMax: host, port and path together. */
export const MAX_NAME_LENGTH = 255;
/** Longer input is refused before the regular expression sees it. */
const MAX_REFERENCE_LENGTH = MAX_NAME_LENGTH + 1 + 128 + 1 + 7 + 128;
const SHA256_DIGEST = /^sha256:[0-9a-f]{64}$/;

export interface ImageRef {
  /** `[host[:port]/]path`. */
  name: string;
  port?: number;
  tag?: string;
  digest?: string;
}

/** The reference's parts, or why it is not a reference. */
export function parseImageRef(ref: string): ImageRef | { invalid: string } {
  if (ref.length > MAX_REFERENCE_LENGTH) return { invalid: `longer than ${MAX_REFERENCE_LENGTH} characters` };
  const m = REFERENCE.exec(ref);
  if (!m) return { invalid: "not [host[:port]/]path[:tag][@digest] with a lowercase path" };
  const [, host, port, path, tag, digest] = m;
  if (port !== undefined && !(Number(port) >= 1 && Number(port) <= 65535))
    return { invalid: `port ${port} is outside 1-65535` };
  const name = host === undefined ? path : `${host}${port === undefined ? "" : `:${port}`}/${path}`;
  if (name.length > MAX_NAME_LENGTH) return { invalid: `its name is longer than ${MAX_NAME_LENGTH} characters` };
  return {
    name,
    ...(port === undefined ? {} : { port: Number(port) }),
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

const valid = (ref: string): ImageRef | undefined => {
  const parts = parseImageRef(ref);
  return "invalid" in parts ? undefined : parts;
};

/** `repo@sha256:<64 lowercase hex>` (a tag before the digest is allowed). */
export function isDigestRef(ref: string): boolean {
  const digest = valid(ref)?.digest;
  return digest !== undefined && SHA256_DIGEST.test(digest);
}

/** Pinned: a sha256 digest, or an explicit tag that is not `latest`. */
export function isPinnedImage(ref: string): boolean {
  const parts = valid(ref);
  if (!parts) return false;
  if (parts.digest !== undefined) return SHA256_DIGEST.test(parts.digest);
  return parts.tag !== undefined && parts.tag !== "latest";
}

/** Why `ref` is no valid reference, for a config problem; undefined when it is one. */
export function imageRefProblem(ref: string): string | undefined {
  const parts = parseImageRef(ref);
  return "invalid" in parts ? parts.invalid : undefined;
}
