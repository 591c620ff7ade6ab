/** A `kubectl port-forward` to a service on a free local port, opened for one task and always closed. */
import { spawn } from "child_process";
import { KubeTarget, kubectlScope } from "./read-workflow";

export interface PortForwardTarget extends KubeTarget {
  service: string;
  port: number;
}

export function portForwardArgs(target: PortForwardTarget): string[] {
  return [...kubectlScope(target), "port-forward", `svc/${target.service}`, `:${target.port}`];
}

/** Runs `use(localUrl)` while the forward is up; the forward ends when `use` settles. */
export async function withPortForward<T>(
  target: PortForwardTarget,
  use: (url: string) => Promise<T>,
  kubectl = "kubectl",
  timeoutMs = 20_000,
): Promise<T> {
  const child = spawn(kubectl, portForwardArgs(target), { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let stderr = "";
      const timer = setTimeout(
        () => reject(new Error(`kubectl port-forward gave no port within ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdout.on("data", (chunk: Buffer) => {
        const match = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(chunk.toString());
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", (e) => {
        clearTimeout(timer);
        reject(new Error(`cannot run ${kubectl}: ${e.message} (is kubectl on PATH?)`));
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(
          new Error(`kubectl port-forward svc/${target.service} exited ${code}: ${stderr.trim().split("\n").pop()}`),
        );
      });
    });
    return await use(`http://127.0.0.1:${port}`);
  } finally {
    child.kill();
  }
}
