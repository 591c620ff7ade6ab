/**
 * Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity): `<sign><number><suffix>`, the number
 * `digits[.digits]`, `digits.` or `.digits`, the suffix a binary SI (Ki…Ei), a decimal SI (m, "", k…E) or a
 * decimal exponent (`e3`, `E-2`).
 */

const MULTIPLIERS: Record<string, number> = {
  m: 1e-3,
  "": 1,
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
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** The quantity's value as a number, or undefined when it is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const suffix = m[2] ?? "";
  return Number(m[1]) * (Object.hasOwn(MULTIPLIERS, suffix) ? MULTIPLIERS[suffix] : 10 ** Number(suffix.slice(1)));
}

/** The quantity's value; throws when it is not a quantity. */
export function quantityValue(q: string): number {
  const value = parseQuantity(q);
  if (value === undefined) throw new Error(`not a Kubernetes quantity: ${q}`);
  return value;
}
