/**
 * What a Kubernetes API server checks of the values the stack's config puts into objects, written from the
 * API's own rules (k8s.io/apimachinery validation; quantities by stacks/kube/quantity.ts, the full grammar, not
 * the config's stricter checks):
 * - DNS-1123 label: at most 63 of `[a-z0-9-]`, alphanumeric at both ends (names of profiles, contexts, nodes).
 * - A PVC's storage request: a resource.Quantity greater than zero, within its int64.
 * - Container and host ports: 1-65535. Container images: not empty, no leading or trailing whitespace.
 */
import { parseQuantity } from "../../stacks/kube/quantity";

export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** A PVC's `resources.requests.storage`. */
export function storageRequestProblem(text: string): string | undefined {
  const value = parseQuantity(text);
  if (value === undefined) return `${JSON.stringify(text)} is not a quantity`;
  if (!(value > 0)) return `${JSON.stringify(text)} must be greater than zero`;
  if (value > 2 ** 63 - 1) return `${JSON.stringify(text)} is beyond a quantity's int64`;
  return undefined;
}

export function isPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

export function isContainerImage(image: string): boolean {
  return image.length > 0 && image.trim() === image;
}
