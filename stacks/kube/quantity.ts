/** Kubernetes resource quantities (`500m`, `2`, `512Mi`, `1k`) as plain numbers. Pure. */

const UNITS: Record<string, number> = {
  "": 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
};

export function quantityValue(q: string): number {
  const m = /^(\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(q);
  if (!m || !(m[2] in UNITS)) throw new Error(`not a Kubernetes quantity: ${q}`);
  return Number(m[1]) * UNITS[m[2]];
}
