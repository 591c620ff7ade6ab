import * as http from "http";
import { AddressInfo } from "net";
import { requesterFor } from "../../stacks/dynamic/http";
import { KfpClient } from "../../stacks/kfp-api/client";
import { ensureExperiment, ensurePipeline, ensureVersion } from "../../stacks/kfp-api/ensure";
import { compileBatchPipeline } from "../../pipelines/protein";
import { main, podLogReader } from "../../scripts/watch/main";
import { RunLike, changes, renderFrame, runView } from "../../scripts/watch/progress";
import { watchRun } from "../../scripts/watch/watch-run";
import { FakeKfp, RunOutcome, startFakeKfp } from "../fakes/fake-kfp";
import { FAST_RETRY, sampleIr } from "../fixtures/provider-inputs";

const ESC = String.fromCharCode(27);
const noWait = async (): Promise<void> => undefined;

async function startedRun(
  outcome: RunOutcome,
  failingTask?: string,
  ir = sampleIr(),
  parameters: Record<string, unknown> = { pdb_code: "1aki" },
): Promise<{ fake: FakeKfp; runId: string }> {
  const fake = await startFakeKfp({ runOutcome: outcome, pollsToFinish: 3, failingTask });
  const client = new KfpClient(requesterFor({ baseUrl: fake.url, headers: {}, tls: { rejectUnauthorized: true } }), {
    retry: FAST_RETRY,
  });
  const log = (): void => undefined;
  const pipeline = await ensurePipeline(client, "protein-md", log);
  const version = await ensureVersion(
    client,
    pipeline.id,
    { name: "ir-abc123", ir, description: "IR sha256 abc123" },
    log,
  );
  const experiment = await ensureExperiment(client, "protein");
  const run = await client.createRun({
    display_name: "watch me",
    experiment_id: experiment.id,
    pipeline_version_reference: { pipeline_id: pipeline.id, pipeline_version_id: version.id },
    runtime_config: { parameters },
  });
  return { fake, runId: run.run_id };
}

function clientFor(fake: FakeKfp): KfpClient {
  return new KfpClient(requesterFor({ baseUrl: fake.url, headers: {}, tls: { rejectUnauthorized: true } }), {
    retry: FAST_RETRY,
  });
}

describe("watchRun against the swagger-validated fake KFP", () => {
  let fake: FakeKfp | undefined;
  afterEach(async () => {
    expect(fake?.state.requestViolations).toEqual([]);
    expect(fake?.state.responseViolations).toEqual([]);
    await fake?.close();
    fake = undefined;
  });

  it("prints one plain line per change and exits 0 on SUCCEEDED", async () => {
    const started = await startedRun("SUCCEEDED");
    fake = started.fake;
    const out: string[] = [];
    const code = await watchRun(started.runId, {
      getRun: (id) => clientFor(started.fake).getRun(id) as Promise<RunLike>,
      write: (text) => out.push(text),
      tty: false,
      namespace: "kubeflow",
      sleep: noWait,
    });
    expect(code).toBe(0);
    expect(out.join("").split("\n").slice(0, -2)).toEqual([
      "[0/2] fetch-pdb running",
      `run ${started.runId}: RUNNING`,
      "[1/2] fetch-pdb SUCCEEDED",
      "[2/2] leap-gen-top SUCCEEDED",
      `run ${started.runId}: SUCCEEDED`,
    ]);
    expect(out[out.length - 1]).toMatch(new RegExp(`^run ${started.runId} SUCCEEDED \\(watched for 0:0\\d\\)\\n$`));
  });

  it("names the failed task, the kubectl logs command and the tail of its log, and exits 1", async () => {
    const started = await startedRun("FAILED", "leap-gen-top");
    fake = started.fake;
    const out: string[] = [];
    const tails: string[] = [];
    const code = await watchRun(started.runId, {
      getRun: (id) => clientFor(started.fake).getRun(id) as Promise<RunLike>,
      podLogTail: async (pod) => {
        tails.push(pod);
        return "protein-step leap-gen-top: FAILED after 0:03: tleap (topology) failed\n";
      },
      write: (text) => out.push(text),
      tty: false,
      context: "kfp-protein-dev",
      namespace: "kubeflow",
      sleep: noWait,
    });
    const pod = `${started.runId.slice(0, 8)}-system-container-impl-1001`;
    expect(code).toBe(1);
    expect(tails).toEqual([pod]);
    const text = out.join("");
    expect(text).toContain(`run ${started.runId} ended FAILED`);
    expect(text).toContain("failed task: leap-gen-top (task leap-gen-top exited with code 1)");
    expect(text).toContain(`  its log: kubectl logs --context kfp-protein-dev -n kubeflow ${pod} -c main\n`);
    expect(text).toContain(
      "  --- last lines ---\n  protein-step leap-gen-top: FAILED after 0:03: tleap (topology) failed\n",
    );
  });

  it("follows a batch per protein and names the protein of the failed task", async () => {
    const ir = compileBatchPipeline({ image: `localhost:5000/amber@sha256:${"a".repeat(64)}`, parallelism: 2 });
    const started = await startedRun("FAILED", "leap-gen-top", ir, { pdb_codes: ["1aki", "4e43"] });
    fake = started.fake;
    const out: string[] = [];
    const code = await watchRun(started.runId, {
      getRun: (id) => clientFor(started.fake).getRun(id) as Promise<RunLike>,
      write: (text) => out.push(text),
      tty: false,
      namespace: "kubeflow",
      sleep: noWait,
    });
    const lines = out.join("").split("\n");
    expect(code).toBe(1);
    expect(lines).toContain("[0/46] 1aki/amber-to-pdb running");
    expect(lines).toContain("[0/46] 4e43/amber-to-pdb running");
    expect(lines.filter((l) => / 4e43\/\S+ SUCCEEDED$/.test(l))).toHaveLength(23);
    expect(lines).toContain("failed task: 1aki/leap-gen-top (task leap-gen-top exited with code 1)");
  });

  it("redraws a frame with a bar on a terminal", async () => {
    const started = await startedRun("SUCCEEDED");
    fake = started.fake;
    const out: string[] = [];
    await watchRun(started.runId, {
      getRun: (id) => clientFor(started.fake).getRun(id) as Promise<RunLike>,
      write: (text) => out.push(text),
      tty: true,
      namespace: "kubeflow",
      sleep: noWait,
    });
    expect(out[0]).toContain("[------------------------------] 0/2 tasks done");
    expect(out[1].split("\n")[0]).toMatch(new RegExp(`^${ESC}\\[\\d+A${ESC}\\[0J`)); // up over the last frame
    expect(out[1]).toContain("> fetch-pdb  running");
    expect(out[out.length - 2]).toContain("[##############################] 2/2 tasks done");
  });
});

describe("npm run watch on bad input", () => {
  let stderr: string[];
  let spy: jest.SpyInstance;
  beforeEach(() => {
    stderr = [];
    spy = jest.spyOn(process.stderr, "write").mockImplementation((text) => {
      stderr.push(String(text));
      return true;
    });
  });
  afterEach(() => spy.mockRestore());

  it("an unknown run id is a clear error, exit 2", async () => {
    const fake = await startFakeKfp();
    try {
      const code = await main(["--endpoint", fake.url, "--run", "no-such-run", "--kubeconfig", "/nonexistent"]);
      expect(code).toBe(2);
      expect(stderr.join("")).toContain(`watch: run no-such-run not found at ${fake.url}: check --run`);
    } finally {
      await fake.close();
    }
  });

  it("an unreachable endpoint is a clear error, exit 2", async () => {
    const server = http.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    await new Promise((r) => server.close(r)); // nothing listens there now
    const code = await main(["--endpoint", `http://127.0.0.1:${port}`, "--run", "r1", "--kubeconfig", "/nonexistent"]);
    expect(code).toBe(2);
    expect(stderr.join("")).toMatch(
      /^watch: cannot reach KFP at http:\/\/127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\): is the cluster up/,
    );
  });

  it("an unknown flag is a clear error, exit 2", async () => {
    expect(await main(["--rnu", "x"])).toBe(2);
    expect(stderr.join("")).toContain('watch: unknown argument "--rnu"; flags: --run --endpoint');
  });
});

describe("podLogReader", () => {
  it("reads the main container's last 40 lines through the API server", async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization}`);
      res.end("line 1\nline 2\n");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const kubeconfig = [
      "apiVersion: v1",
      "clusters: [{name: c, cluster: {server: '" + url + "'}}]",
      "users: [{name: u, user: {token: t0k}}]",
      "contexts: [{name: ctx, context: {cluster: c, user: u}}]",
      "current-context: ctx",
    ].join("\n");
    try {
      const read = podLogReader({ kubeconfig, context: "ctx" }, "kubeflow");
      await expect(read("pod-1")).resolves.toBe("line 1\nline 2\n");
      expect(seen).toEqual(["/api/v1/namespaces/kubeflow/pods/pod-1/log?container=main&tailLines=40 Bearer t0k"]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("progress of a batch run", () => {
  const at = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const batch: RunLike = {
    run_id: "r1",
    state: "RUNNING",
    runtime_config: { parameters: { pdb_codes: ["1aki", "4e43"] } },
    run_details: {
      task_details: [
        { task_id: "root", display_name: "root", state: "RUNNING" },
        { task_id: "loop", display_name: "for-loop-2", parent_task_id: "root", state: "RUNNING" },
        { task_id: "i0", display_name: "for-loop-2-iteration-0", parent_task_id: "loop", state: "RUNNING" },
        { task_id: "i1", display_name: "for-loop-2-iteration-1", parent_task_id: "loop", state: "RUNNING" },
        {
          task_id: "a",
          display_name: "fetch-pdb",
          parent_task_id: "i0",
          state: "SUCCEEDED",
          start_time: at(0),
          end_time: at(12),
          child_tasks: [{ pod_name: "driver-pod" }, { pod_name: "exec-pod-a" }],
        },
        { task_id: "b", display_name: "fetch-pdb", parent_task_id: "i1", state: "RUNNING", start_time: at(5) },
      ],
    },
  };

  it("groups tasks per protein and keeps KFP's bookkeeping out", () => {
    const view = runView(batch);
    expect(view.tasks.map((t) => [t.group, t.name, t.state, t.pod])).toEqual([
      ["1aki", "fetch-pdb", "SUCCEEDED", "exec-pod-a"],
      ["4e43", "fetch-pdb", "RUNNING", undefined],
    ]);
    expect(renderFrame(view, Date.parse(at(65)))).toEqual([
      "run r1 (r1): RUNNING",
      "[###############---------------] 1/2 tasks done",
      "1aki: 1/1 done",
      "    ✓ fetch-pdb  SUCCEEDED (0:12)",
      "4e43: 0/1 done",
      "    > fetch-pdb  running 1:00",
    ]);
    expect(changes(undefined, view)).toEqual([
      "[1/2] 1aki/fetch-pdb SUCCEEDED in 0:12",
      "[1/2] 4e43/fetch-pdb running",
      "run r1: RUNNING",
    ]);
  });
});
