import { execFileSync } from "child_process";

/** One command's outcome: its stdout, or why there is none (`missing`: the tool is not on PATH). */
export type RunResult = { ok: true; stdout: string } | { ok: false; missing: boolean; message: string };
export type Runner = (file: string, args: string[]) => RunResult;

/** Runs a tool synchronously (the program's preflight phase precedes every registration). */
export const execRunner: Runner = (file, args) => {
  try {
    const stdout = execFileSync(file, args, { encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] });
    return { ok: true, stdout };
  } catch (e) {
    const err = e as { code?: string; stderr?: string; message: string };
    const message = (err.stderr || err.message).trim().split("\n").slice(-2).join(" ");
    return { ok: false, missing: err.code === "ENOENT", message };
  }
};

/** What the preflight asks of the machine. The shell-out is all here; the decisions are in preflight.ts. */
export interface ToolProbe {
  /** `minikube version --short`, e.g. `v1.37.0`. */
  minikubeVersion(): RunResult;
  /** The Docker daemon's OS and version as minikube's driver reads it, e.g. `linux-28.3.2`. */
  dockerVersion(): RunResult;
  /** The Docker daemon's runtimes as JSON (`docker info`), e.g. `{"nvidia":{…},"runc":{…}}`. */
  dockerRuntimes(): RunResult;
  /** `uname -m` on the profile's node, or undefined when the profile is not running. */
  nodeArch(profile: string): string | undefined;
  /** This machine's architecture (a profile minikube creates here runs natively at it). */
  hostArch(): string;
}

export function shellProbe(run: Runner = execRunner, hostArch: string = process.arch): ToolProbe {
  return {
    minikubeVersion: () => run("minikube", ["version", "--short"]),
    dockerVersion: () => run("docker", ["version", "--format", "{{.Server.Os}}-{{.Server.Version}}"]),
    dockerRuntimes: () => run("docker", ["info", "--format", "{{json .Runtimes}}"]),
    nodeArch(profile) {
      const status = run("minikube", ["status", "--profile", profile, "--format", "{{.Host}}"]);
      if (!status.ok || status.stdout.trim() !== "Running") return undefined;
      const uname = run("minikube", ["ssh", "--profile", profile, "--", "uname", "-m"]);
      return uname.ok ? uname.stdout.trim() : undefined;
    },
    hostArch: () => hostArch,
  };
}
