import { RunResult, ToolProbe } from "../../stacks/preflight/probe";

export interface FakeMachine {
  minikube?: RunResult;
  docker?: RunResult;
  dockerRuntimes?: RunResult;
  /** `uname -m` of a running profile's node; undefined: the profile is not running. */
  nodeArch?: string;
  hostArch?: string;
}

/**
 * A machine with minikube 1.37, Docker 28 (no nvidia runtime) and an x86_64 node unless told otherwise;
 * records what was asked.
 */
export function fakeProbe(machine: FakeMachine = {}, asked: string[] = []): ToolProbe {
  const m = {
    minikube: { ok: true, stdout: "v1.37.0\n" } as RunResult,
    docker: { ok: true, stdout: "linux-28.3.2\n" } as RunResult,
    dockerRuntimes: {
      ok: true,
      stdout: '{"io.containerd.runc.v2":{"path":"runc"},"runc":{"path":"runc"}}\n',
    } as RunResult,
    nodeArch: "x86_64",
    hostArch: "x64",
    ...machine,
  };
  return {
    minikubeVersion: () => (asked.push("minikube"), m.minikube),
    dockerVersion: () => (asked.push("docker"), m.docker),
    dockerRuntimes: () => (asked.push("docker-runtimes"), m.dockerRuntimes),
    nodeArch: (profile) => (asked.push(`node:${profile}`), m.nodeArch),
    hostArch: () => (asked.push("host"), m.hostArch),
  };
}
