/**
 * `npm run results` through its own `kubectl port-forward svc/minio-service`, with no --s3-endpoint:
 *   kubectl → kube-apiserver (pods/portforward) → the fake node's kubelet endpoint, which kwokctl points at kwok
 *   (node-initialize stage: daemonEndpoints.kubeletEndpoint = kwok's --node-port) → kwok's PortForward rule for the
 *   pod (pkg/kwok/server/debugging_port_forword.go) → a real MinIO on 127.0.0.1 holding a seeded run.
 * The stand-in MinIO pod is what the stack deploys as far as kubectl can tell: Service minio-service:9000 in
 * kubeflow selecting a Running pod; kwok only ever dials the rule's target.
 */
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { ARTIFACT_BUCKET, planDownloads } from "../../scripts/results/download-results";
import { main as results } from "../../scripts/results/main";
import { withPortForward } from "../../scripts/results/port-forward";
import { S3Client } from "../../scripts/results/s3";
import { MINIO_IMAGE } from "../../stacks/config/schema";
import { startMinio } from "../s3/minio-server";
import { RUN, RUN_FILES, SEEDED, seedRun } from "../s3/seeded-run";
import { LocalCluster } from "./cluster";
import { Logger } from "./logger";
import { ProcEntry, processTable, processTree } from "./procs";

const NAMESPACE = "kubeflow";
const POD = "minio-0";
const SERVICE = "minio-service";
const PORT = 9000;

/** The namespace, a pod on a fake node, the Service selecting it, and kwok's rule sending its :9000 to MinIO. */
export function minioStandIn(minioPort: number): Record<string, unknown>[] {
  const labels = { app: "minio", "kfp-protein-stack/itest": "results-port-forward" };
  return [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } },
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: POD, namespace: NAMESPACE, labels },
      spec: { containers: [{ name: "minio", image: MINIO_IMAGE, ports: [{ name: "api", containerPort: PORT }] }] },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: SERVICE, namespace: NAMESPACE, labels },
      spec: { selector: labels, ports: [{ name: "api", port: PORT, targetPort: PORT }] },
    },
    {
      // kwok matches a PortForward to a pod by name and namespace (getPodsForward).
      apiVersion: "kwok.x-k8s.io/v1alpha1",
      kind: "PortForward",
      metadata: { name: POD, namespace: NAMESPACE },
      spec: { forwards: [{ ports: [PORT], target: { address: "127.0.0.1", port: minioPort } }] },
    },
  ];
}

/** Processes (with their descendants) whose command line holds every one of `parts`, among `parent`'s children. */
export function forwardProcesses(
  parent: number,
  table: ProcEntry[],
  commandLine: (pid: number) => string,
  parts: string[],
): number[] {
  return table
    .filter((p) => p.ppid === parent && parts.every((part) => commandLine(p.pid).includes(part)))
    .flatMap((p) => processTree(p.pid, table));
}

function commandLine(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
  } catch {
    return "";
  }
}

function describe(pid: number): string {
  return `${pid} (${commandLine(pid)})`;
}

/** Alive: in /proc and not a zombie waiting for its parent. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on("error", () => resolve(0));
  });
}

async function poll(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface PortForwardOutcome {
  problems: string[];
  downloaded: number;
  seconds: number;
}

export async function runResultsThroughPortForward(cluster: LocalCluster, log: Logger): Promise<PortForwardOutcome> {
  const kubectl = cluster.kubectl;
  const target = { kubeconfigPath: cluster.kubeconfig, context: cluster.context, namespace: NAMESPACE };
  const namespaceGone = async () =>
    (await kubectl.run(["get", "namespace", NAMESPACE, "--ignore-not-found", "-o", "name"])).trim() === "";
  const minio = await startMinio();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "itest-results-"));
  const problems: string[] = [];
  let downloaded = 0;
  let seconds = NaN;
  try {
    await seedRun(new S3Client(minio));
    // The stacks' destroy may still be finishing kubeflow's deletion.
    await poll(`namespace ${NAMESPACE} left by the stacks to be gone`, 120_000, namespaceGone);
    await kubectl.applyObjects(minioStandIn(Number(new URL(minio.endpoint).port)));
    await kubectl.run(["-n", NAMESPACE, "wait", "--for=condition=Ready", `pod/${POD}`, "--timeout=120s"]);
    const forwardsNow = () =>
      forwardProcesses(process.pid, processTable(), commandLine, ["port-forward", cluster.kubeconfig]);
    // kwok learns the rule through a watch: wait until a forward reaches MinIO before the real run.
    const probes = new Set<number>();
    await poll("a port-forward to reach MinIO through kwok", 60_000, () =>
      withPortForward({ ...target, service: SERVICE, port: PORT }, async (url) => {
        forwardsNow().forEach((pid) => probes.add(pid));
        return (await httpStatus(`${url}/minio/health/live`)) === 200;
      }).catch(() => false),
    );
    log.say(`MinIO at ${minio.endpoint} answers through kubectl port-forward svc/${SERVICE}`);
    await poll("the probes' port-forwards to end", 10_000, async () => ![...probes].some(alive)).catch(() =>
      problems.push(`a probe's port-forward outlived it: ${[...probes].filter(alive).map(describe)}`),
    );

    const printed: string[] = [];
    const stderr: string[] = [];
    let forward: number[] = [];
    const env = { access: process.env.KFP_PROTEIN_S3_ACCESS_KEY, secret: process.env.KFP_PROTEIN_S3_SECRET_KEY };
    const stderrWrite = process.stderr.write;
    process.env.KFP_PROTEIN_S3_ACCESS_KEY = minio.accessKey;
    process.env.KFP_PROTEIN_S3_SECRET_KEY = minio.secretKey;
    process.stderr.write = ((text: string) => stderr.push(String(text)) > 0) as typeof process.stderr.write;
    const start = process.hrtime.bigint();
    let code: number;
    try {
      const argv = ["--run", RUN, "--out", out, "--context", cluster.context, "--kubeconfig", cluster.kubeconfig];
      code = await results(
        argv,
        (text) => {
          // The first line is written inside the forward: note its kubectl (and anything it started) then.
          if (printed.length === 0) {
            forward = forwardsNow();
          }
          printed.push(text);
        },
        "kubectl",
      );
    } finally {
      seconds = Number(process.hrtime.bigint() - start) / 1e9;
      process.stderr.write = stderrWrite;
      restoreEnv("KFP_PROTEIN_S3_ACCESS_KEY", env.access);
      restoreEnv("KFP_PROTEIN_S3_SECRET_KEY", env.secret);
    }
    log.write("results-port-forward.log", printed.join("") + stderr.join(""));
    if (code !== 0) problems.push(`results exited ${code}: ${stderr.join("").trim()}`);

    const runDir = path.join(out, RUN);
    const files = fs.existsSync(runDir)
      ? fs
          .readdirSync(runDir, { recursive: true, encoding: "utf8" })
          .filter((f) => fs.statSync(path.join(runDir, f)).isFile())
          .sort()
      : [];
    if (JSON.stringify(files) !== JSON.stringify(RUN_FILES)) {
      problems.push(`files under ${runDir}: ${JSON.stringify(files)}, expected ${JSON.stringify(RUN_FILES)}`);
    }
    const objects = Object.entries(SEEDED).map(([key, content]) => ({ key, size: Buffer.from(content).length }));
    for (const planned of planDownloads(objects, RUN, false)) {
      const file = path.join(runDir, planned.path);
      const want = Buffer.from(SEEDED[planned.key]);
      if (!fs.existsSync(file) || !fs.readFileSync(file).equals(want)) {
        problems.push(`${planned.path} does not hold s3://${ARTIFACT_BUCKET}/${planned.key}`);
      } else downloaded++;
    }
    if (!printed.join("").includes(`${downloaded} downloaded, 0 already complete`)) {
      problems.push(`results did not report ${downloaded} downloads: ${printed.join("").trim().split("\n").pop()}`);
    }

    if (forward.length === 0) problems.push("no kubectl port-forward child of this process while results ran");
    await poll("the port-forward to end", 10_000, async () => !forward.some(alive)).catch(() =>
      problems.push(`the port-forward outlived results: ${forward.filter(alive).map(describe)}`),
    );
    log.say(
      `results through the port-forward: ${downloaded} files in ${seconds.toFixed(1)} s; ` +
        `forward pids ${forward.join(",") || "none"}, alive after: ${forward.filter(alive).length}`,
    );
  } catch (e) {
    problems.push((e as Error).message);
  } finally {
    await kubectl
      .run(["delete", "namespace", NAMESPACE, "--ignore-not-found", "--wait=true", "--timeout=120s"])
      .catch((e: Error) => problems.push(`deleting namespace ${NAMESPACE}: ${e.message}`));
    await minio.stop();
    fs.rmSync(out, { recursive: true, force: true });
  }
  return { problems, downloaded, seconds };
}

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
