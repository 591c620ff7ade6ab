/**
 * `npm run e2e`, the entry a user runs, against the tier's cluster (--kubeconfig/--context) with --config pointing
 * KFP at a fake KFP 2.17.0 API of its own. The fake's run finishes once its artifacts are in a real MinIO, written
 * where the run's Workflow says KFP's launcher puts them; kwok forwards port 9000 of every pod in `kubeflow` (so the
 * stack's own MinIO pod) to that MinIO, so the results phase goes through `kubectl port-forward svc/minio-service`
 * as it does on a real cluster. Then: once to the end (PASS), and once interrupted by SIGINT to its process group
 * (as Ctrl-C in a terminal) while `up` creates resources.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ARTIFACT_BUCKET } from "../../scripts/results/download-results";
import { S3Client } from "../../scripts/results/s3";
import { outputArtifactUris } from "../fakes/argo-workflow";
import { FakeKfp, FakeRun, startFakeKfp } from "../fakes/fake-kfp";
import { workflowOf } from "../fakes/fake-kfp-store";
import { MinioServer, startMinio } from "../s3/minio-server";
import { LocalCluster } from "./cluster";
import { Logger } from "./logger";
import { CLUSTER_SCOPED_KINDS } from "./verify";

const NAMESPACE = "kubeflow";
const MINIO_PORT = 9000;

/** What a finished step of the protein pipeline leaves under an output name (a metrics file holds numbers). */
export function artifactContent(output: string, task: string): string {
  if (output === "output_metrics") return JSON.stringify({ [`${task}_value`]: 1.5 });
  if (output === "output_html") return `<html><body>${task}</body></html>`;
  return `${task} ${output}\n`;
}

/** Bucket keys of every output of a run that SUCCEEDED, from the Workflow the fake models for it. */
export function succeededRunKeys(run: FakeRun): { key: string; output: string; task: string }[] {
  const done: FakeRun = { ...run, outcome: "SUCCEEDED", polls: 1, run: { ...run.run, pollsToFinish: 0 } };
  return outputArtifactUris(workflowOf(done)).flatMap((node) =>
    Object.entries(node.uris)
      .filter(([, uri]) => uri.startsWith(`minio://${ARTIFACT_BUCKET}/`))
      .map(([output, uri]) => ({ key: uri.slice(`minio://${ARTIFACT_BUCKET}/`.length), output, task: node.task })),
  );
}

/** kwok's rule: port 9000 of any pod in `kubeflow` is the MinIO at `port` on loopback. */
export function minioForward(port: number): Record<string, unknown> {
  return {
    apiVersion: "kwok.x-k8s.io/v1alpha1",
    kind: "ClusterPortForward",
    metadata: { name: "itest-e2e-minio" },
    spec: {
      selector: { matchNamespaces: [NAMESPACE] },
      forwards: [{ ports: [MINIO_PORT], target: { address: "127.0.0.1", port } }],
    },
  };
}

export const VERDICT_PASS =
  /^e2e: PASS stack=(e2e-\S+) total=[\d.]+s stack=[\d.]+s up=[\d.]+s run=[\d.]+s results=[\d.]+s check=[\d.]+s destroy=[\d.]+s remove=[\d.]+s$/;
export const VERDICT_INTERRUPTED =
  /^e2e: INTERRUPTED stack=(e2e-\S+) total=[\d.]+s stack=[\d.]+s up=[\d.]+s\(interrupted\) run=skipped results=skipped check=skipped destroy=[\d.]+s remove=[\d.]+s — up interrupted/;

interface E2eRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  seconds: number;
}

function runE2e(
  repoRoot: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onOutput: (all: string, child: ChildProcess) => void,
): Promise<E2eRun> {
  const start = Date.now();
  // Its own process group, so a SIGINT can go to all of it, as a terminal's Ctrl-C does.
  const child = spawn("npm", ["run", "--silent", "e2e", "--", ...args], { cwd: repoRoot, env, detached: true });
  let output = "";
  const take = (chunk: Buffer) => {
    output += chunk.toString();
    onOutput(output, child);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  return new Promise((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, output, seconds: (Date.now() - start) / 1000 })),
  );
}

function lastLine(text: string): string {
  return text.trim().split("\n").pop() ?? "";
}

export interface E2eOutcome {
  passProblems: string[];
  interruptProblems: string[];
  verdicts: string[];
}

export async function runE2eChecks(
  cluster: LocalCluster,
  repoRoot: string,
  toolsBin: string,
  workDir: string,
  baseConfig: Record<string, string>,
  log: Logger,
): Promise<E2eOutcome> {
  const kubectl = cluster.kubectl;
  const outcome: E2eOutcome = { passProblems: [], interruptProblems: [], verdicts: [] };
  let minio: MinioServer | undefined;
  let fake: FakeKfp | undefined;
  const seeding: Promise<void>[] = [];
  const seedErrors: string[] = [];
  try {
    minio = await startMinio();
    const store = new S3Client(minio);
    await store.createBucket(ARTIFACT_BUCKET);
    // The run stays RUNNING until its artifacts are written, as KFP's does.
    fake = await startFakeKfp({
      host: "127.0.0.1",
      pollsToFinish: Number.MAX_SAFE_INTEGER,
      onRunCreated: (run) => {
        const written = Promise.all(
          succeededRunKeys(run).map((o) =>
            store.put(ARTIFACT_BUCKET, o.key, Buffer.from(artifactContent(o.output, o.task))),
          ),
        ).then(
          () => void (run.run.pollsToFinish = 0),
          (e: Error) => void seedErrors.push(`writing run ${String(run.run.run_id)}'s artifacts: ${e.message}`),
        );
        seeding.push(written);
      },
    });
    await kubectl.applyObjects([minioForward(Number(new URL(minio.endpoint).port))]);

    const config = Object.entries({ ...baseConfig, "kfp.apiEndpoint": fake.url })
      .filter(([key]) => !key.startsWith("cluster."))
      .flatMap(([key, value]) => ["--config", `${key}=${value}`]);
    const pulumiHome = path.join(workDir, "e2e-pulumi-home");
    fs.mkdirSync(pulumiHome, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${toolsBin}:${process.env.PATH ?? ""}`,
      PULUMI_HOME: pulumiHome,
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      KFP_PROTEIN_S3_ACCESS_KEY: minio.accessKey,
      KFP_PROTEIN_S3_SECRET_KEY: minio.secretKey,
    };
    const clusterScopedBefore = await kubectl.names(CLUSTER_SCOPED_KINDS);
    const afterwards = async (output: string): Promise<string[]> => {
      const problems: string[] = [];
      const dir = /state and passphrase in (\S+)\)/.exec(output)?.[1];
      if (!dir) problems.push("e2e did not say where its stack's state is");
      else if (fs.existsSync(dir)) problems.push(`its temp dir ${dir} (state, passphrase) is still there`);
      const now = await kubectl.names(CLUSTER_SCOPED_KINDS);
      for (const name of now.filter((n) => !clusterScopedBefore.includes(n))) problems.push(`${name} is left`);
      return problems;
    };

    // 1. To the end.
    const out = path.join(workDir, "e2e-results");
    const args = ["--kubeconfig", cluster.kubeconfig, "--context", cluster.context, "--out", out, "--poll", "1"];
    const pass = await runE2e(repoRoot, [...args, ...config], env, () => undefined);
    log.write("e2e.log", pass.output);
    outcome.verdicts.push(lastLine(pass.output));
    log.say(`npm run e2e: exit ${pass.code} after ${pass.seconds.toFixed(1)} s: ${lastLine(pass.output)}`);
    await Promise.all(seeding);
    const runDir = (/every step SUCCEEDED; report and metrics in (\S+)/.exec(pass.output) ?? [])[1];
    outcome.passProblems.push(
      ...(pass.code === 0 ? [] : [`exit ${pass.code}; its output is in ${log.dir}/e2e.log`]),
      ...(VERDICT_PASS.test(lastLine(pass.output))
        ? []
        : [`last line is not a PASS verdict: ${lastLine(pass.output)}`]),
      ...(runDir && fs.existsSync(path.join(runDir, "index.html")) ? [] : [`no report kept under ${out}`]),
      ...seedErrors,
      ...fake.state.requestViolations,
      ...fake.state.responseViolations,
      ...(await afterwards(pass.output)),
    );

    // 2. Ctrl-C while up creates resources: up is cancelled by the engine, then destroy and remove run.
    let sent = false;
    const interrupted = await runE2e(repoRoot, [...args, ...config], env, (all, child) => {
      if (!sent && /e2e: up…[\s\S]*\+\s+kubernetes:/.test(all)) {
        sent = true;
        process.kill(-child.pid!, "SIGINT");
      }
    });
    log.write("e2e-interrupted.log", interrupted.output);
    outcome.verdicts.push(lastLine(interrupted.output));
    log.say(
      `npm run e2e + SIGINT: exit ${interrupted.code ?? interrupted.signal} after ${interrupted.seconds.toFixed(1)} s: ${lastLine(interrupted.output)}`,
    );
    outcome.interruptProblems.push(
      ...(sent ? [] : ["never saw up create a resource to interrupt"]),
      // npm, interrupted too, ends itself by SIGINT once the e2e exited 130: a shell shows 130 either way.
      ...(interrupted.code === 130 || interrupted.signal === "SIGINT"
        ? []
        : [`exit ${interrupted.code ?? interrupted.signal}, not 130; output in ${log.dir}/e2e-interrupted.log`]),
      ...(VERDICT_INTERRUPTED.test(lastLine(interrupted.output))
        ? []
        : [`last line is not an INTERRUPTED verdict after up: ${lastLine(interrupted.output)}`]),
      ...(await afterwards(interrupted.output)),
    );
  } catch (e) {
    outcome.passProblems.push((e as Error).message);
  } finally {
    await kubectl
      .run(["delete", "clusterportforward", "itest-e2e-minio", "--ignore-not-found"])
      .catch((e: Error) => outcome.passProblems.push(e.message));
    await fake?.close();
    await minio?.stop();
  }
  return outcome;
}
