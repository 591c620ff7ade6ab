/**
 * What a Kubernetes API server checks of the values the stack's config puts into objects, written from the
 * API's own rules (k8s.io/apimachinery validation and resource.Quantity), independent of stacks/config:
 * - DNS-1123 label: at most 63 of `[a-z0-9-]`, alphanumeric at both ends (names of profiles, contexts, nodes).
 * - resource.Quantity: `<sign><digits>[.<digits>]<suffix>`, suffix a binary SI (Ki…Ei), a decimal SI (m, k…E)
 *   or an exponent (`e3`); a PVC's storage request must be greater than zero.
 * - Container and host ports: 1-65535. Container images: not empty, no leading or trailing whitespace.
 */

export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const SUFFIX: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity's value, or undefined when the API server would not parse it. */
export function quantityValue(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const suffix = m[2] ?? "";
  const scale = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : SUFFIX[suffix];
  return Number(m[1]) * scale;
}

/** A PVC's `resources.requests.storage`. */
export function storageRequestProblem(text: string): string | undefined {
  const value = quantityValue(text);
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
