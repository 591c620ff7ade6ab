/** Checks shared by the config sections: image references (never a floating tag), problem collection, quantities. */

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

/** Collects validation problems so that one error can list all of them. */
export class Problems {
  private readonly list: string[] = [];

  add(problem: string): void {
    this.list.push(problem);
  }

  throwIfAny(toError: (problems: string[]) => Error): void {
    if (this.list.length > 0) throw toError([...this.list]);
  }
}

export const QUANTITY = /^\d+(\.\d+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export type Get<T> = (key: string) => T;

export function oneOf<T extends string>(key: string, value: string, allowed: readonly T[], problems: Problems): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.add(
    `${key}: "${value}" is not one of ${allowed.join(", ")}. Fix: pulumi config set --path ${key} ${allowed[0]}`,
  );
  return allowed[0];
}

export function portIn(key: string, port: number, problems: Problems): void {
  if (port < 1 || port > 65535) problems.add(`${key}: port ${port} is out of range 1-65535.`);
}

export function quantity(key: string, value: string, problems: Problems): void {
  if (!QUANTITY.test(value)) problems.add(`${key}: "${value}" is not a Kubernetes quantity such as 10Gi or 500Mi.`);
}
