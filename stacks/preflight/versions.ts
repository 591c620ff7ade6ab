/** Pure version logic for the preflight checks: parsing, comparing, and which tool version a setting needs. */

export type Version = [number, number, number];

/** `v1.37.0`, `1.37`, `linux-28.3.2`, `27.5.1-ce` → [major, minor, patch]; undefined when there is none. */
export function parseVersion(text: string): Version | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

export function formatVersion(v: Version): string {
  return v.join(".");
}

/**
 * The newest Kubernetes each minikube release supports (minikube's pkg/minikube/constants
 * NewestKubernetesVersion per release tag). Older minikube only warns on a newer Kubernetes and then
 * often fails inside kubeadm, so the stack treats this as the requirement.
 */
export const MINIKUBE_NEWEST_KUBERNETES: readonly { minikube: Version; kubernetes: Version }[] = [
  { minikube: [1, 33, 0], kubernetes: [1, 30, 0] },
  { minikube: [1, 34, 0], kubernetes: [1, 31, 0] },
  { minikube: [1, 35, 0], kubernetes: [1, 32, 0] },
  { minikube: [1, 36, 0], kubernetes: [1, 33, 1] },
  { minikube: [1, 37, 0], kubernetes: [1, 34, 0] },
];

/**
 * The oldest minikube whose newest supported Kubernetes is at least `kubernetes`, or `newerThan` the
 * last known release when none in the table is (a Kubernetes newer than the table knows).
 */
export function minikubeNeededFor(kubernetes: Version): { atLeast: Version } | { newerThan: Version } {
  const fit = MINIKUBE_NEWEST_KUBERNETES.find((row) => compareVersions(row.kubernetes, kubernetes) >= 0);
  if (fit) return { atLeast: fit.minikube };
  return { newerThan: MINIKUBE_NEWEST_KUBERNETES[MINIKUBE_NEWEST_KUBERNETES.length - 1].minikube };
}

/** minikube's Docker driver asks for Docker 18.09.0 or newer (pkg/minikube/registry/drvs/docker, minDockerVersion). */
export const MIN_DOCKER: Version = [18, 9, 0];

/** `minikube start --gpus` came with minikube 1.32.0 (its release notes: NVIDIA GPU support, docker driver). */
export const MIN_MINIKUBE_GPUS: Version = [1, 32, 0];

/** The stricter of a requirement and a minimum version. */
export function atLeastAlso(
  needed: { atLeast: Version } | { newerThan: Version },
  minimum: Version,
): { atLeast: Version } | { newerThan: Version } {
  if ("atLeast" in needed) return compareVersions(minimum, needed.atLeast) > 0 ? { atLeast: minimum } : needed;
  return compareVersions(minimum, needed.newerThan) > 0 ? { atLeast: minimum } : needed;
}
