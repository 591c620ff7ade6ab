/** A real MinIO server (the binary from test/fakes/minio/build-minio.sh, in $MINIO_BIN) on a free port. */
import { ChildProcess, spawn } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import * as http from "http";
import { AddressInfo, createServer } from "net";
import { tmpdir } from "os";
import { join } from "path";

export interface MinioServer {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function ready(endpoint: string): Promise<boolean> {
  return new Promise((resolve) => {
    http
      .get(`${endpoint}/minio/health/ready`, (res) => {
        res.resume();
        // MinIO answers 200 before its object layer is up, marking that with this header
        // (cmd/healthcheck-handler.go ReadinessCheckHandler); requests then fail with XMinioServerNotInitialized.
        resolve(res.statusCode === 200 && res.headers["x-minio-server-status"] === undefined);
      })
      .on("error", () => resolve(false));
  });
}

export async function startMinio(): Promise<MinioServer> {
  const bin = process.env.MINIO_BIN;
  if (!bin) {
    throw new Error(
      "MINIO_BIN is not set: run through `npm run test:results` or `npm run test:integration` (both build it with test/fakes/minio/build-minio.sh)",
    );
  }
  const data = mkdtempSync(join(tmpdir(), "minio-data-"));
  const [port, consolePort] = [await freePort(), await freePort()];
  const accessKey = "results-test";
  const secretKey = "results-test-secret";
  const child: ChildProcess = spawn(
    bin,
    ["server", data, "--address", `127.0.0.1:${port}`, "--console-address", `127.0.0.1:${consolePort}`, "--quiet"],
    { env: { ...process.env, MINIO_ROOT_USER: accessKey, MINIO_ROOT_PASSWORD: secretKey }, stdio: "ignore" },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (!(await ready(endpoint))) {
    if (child.exitCode !== null) throw new Error(`minio exited ${child.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error("minio was not ready within 30 s");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    accessKey,
    secretKey,
    stop: async () => {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill();
      await exited;
      rmSync(data, { recursive: true, force: true });
    },
  };
}
