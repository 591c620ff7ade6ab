/** Checks shared by the config sections: problem collection, Kubernetes names and quantities, values in messages. */
export { imageRefProblem, isDigestRef, isPinnedImage } from "./image-ref";
import { parseQuantity } from "../kube/quantity";

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

/** A DNS-1123 label (Kubernetes object names, minikube profiles): at most 63 lowercase alphanumerics and '-'. */
export function isDnsLabel(name: string): boolean {
  return name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** A Kubernetes quantity holds at most 2^63-1 (resource.Quantity caps larger values). */
const MAX_QUANTITY = 2 ** 63 - 1;

/**
 * A storage size: a positive Kubernetes quantity of bytes such as `10Gi` or `500M`, no larger than a
 * quantity holds; written plainly (no sign, exponent or milli: the form a reader expects of a volume size).
 */
export function storageQuantity(key: string, value: string, problems: Problems): void {
  const plain = /^\d{1,19}(\.\d{1,3})?([KMGTPE]i|[kMGTPE])?$/.test(value);
  const bytes = plain ? parseQuantity(value)! : NaN;
  if (!plain) problems.add(`${key}: ${shown(value)} is not a Kubernetes quantity such as 10Gi or 500Mi.`);
  else if (!(bytes >= 1)) problems.add(`${key}: ${shown(value)} is no storage: a volume needs at least 1 byte.`);
  else if (bytes > MAX_QUANTITY) problems.add(`${key}: ${shown(value)} is more than a Kubernetes quantity holds.`);
}

export type Get<T> = (key: string) => T;

export function oneOf<T extends string>(key: string, value: string, allowed: readonly T[], problems: Problems): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  problems.add(
    `${key}: ${shown(value)} is not one of ${allowed.join(", ")}. Fix: npm run config -- set --path ${key} ${allowed[0]}`,
  );
  return allowed[0];
}

const SHOWN_LENGTH = 80;

/** A value for a problem message: JSON, cut short; never throws (a deeply nested value has no JSON text). */
export function shown(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  text ??= Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : String(value);
  return text.length > SHOWN_LENGTH ? `${text.slice(0, SHOWN_LENGTH)}…` : text;
}

const PATH_MAX = 4096;

/** A file path for a problem message: whole (a user must find the file), JSON-quoted, cut only beyond PATH_MAX. */
export function shownPath(p: string): string {
  const text = JSON.stringify(p);
  return text.length > PATH_MAX ? `${text.slice(0, PATH_MAX)}…` : text;
}

/** A config key as a problem names it: as is, or quoted when it is empty or holds unusual characters. */
export function shownKey(key: string): string {
  return /^[A-Za-z0-9_.[\]-]+$/.test(key) && key.length <= SHOWN_LENGTH ? key : shown(key);
}
