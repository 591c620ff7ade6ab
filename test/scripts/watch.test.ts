import * as http from "http";
import { AddressInfo } from "net";
import { compileBatchPipeline } from "../../pipelines/protein";
import { cli, main, podLogReader } from "../../scripts/watch/main";
import { pipelineSteps, pipelineStepsFromIr } from "../../stacks/kfp-api/task-details";
import { RunLike, changes, renderFrame, runView } from "../../scripts/watch/progress";
import { WatchRunOptions, watchRun } from "../../scripts/watch/watch-run";
import { argoWorkflow, podName, taskDetailsFromWorkflow } from "../fakes/argo-workflow";
import { FakeKfp, RunOutcome, startFakeKfp } from "../fakes/fake-kfp";
import { workflowOf } from "../fakes/fake-kfp-store";
import { workflowPipelineFromIr } from "../fakes/ir-pipeline";
import { sampleIr } from "../fixtures/provider-inputs";
import { clientFor, createRun } from "../fixtures/fake-run";
import { watchThroughFake } from "../fixtures/fake-kubeconfig";

const ESC = String.fromCharCode(27);
const noWait = async (): Promise<void> => undefined;

async function startedRun(
  outcome: RunOutcome,
  failingTask?: string,
  ir = sampleIr(),
  parameters: Record<string, unknown> = { pdb_code: "1aki" },
): Promise<{ fake: FakeKfp; runId: string }> {
  const fake = await startFakeKfp({ runOutcome: outcome, pollsToFinish: 3, failingTask });
  return { fake, runId: await createRun(fake, ir, parameters) };
}

function watchOptions(fake: FakeKfp, out: string[], more: Partial<WatchRunOptions> = {}): WatchRunOptions {
  const client = clientFor(fake);
  return {
    getRun: (id) => client.getRun(id) as Promise<RunLike>,
    getSteps: async (run) => {
      const ref = run.pipeline_version_reference!;
      return pipelineSteps((await client.getPipelineVersion(ref.pipeline_id!, ref.pipeline_version_id!)).pipeline_spec);
    },
    write: (text) => out.push(text),
    tty: false,
    namespace: "kubeflow",
    sleep: noWait,
    ...more,
  };
}

/** The fake's Workflow for a run, as `npm run watch` reads it through the API server. */
const workflowOfFake = (fake: FakeKfp) => async (runId: string) => workflowOf(fake.state.runs.get(runId)!);

const batchIr = (): string =>
  compileBatchPipeline({ image: `localhost:5000/amber@sha256:${"a".repeat(64)}`, parallelism: 2 });

describe("watchRun against the swagger-validated fake KFP (task_details as KFP 2.17.0 derives them)", () => {
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
    const code = await watchRun(started.runId, watchOptions(started.fake, out));
    expect(code).toBe(0);
    expect(out.join("").split("\n").slice(0, -2)).toEqual([
      "(no Kubernetes API access: batch steps are counted, not labelled per protein; pod names are inferred)",
      "[0/2] fetch-pdb running",
      `run ${started.runId}: RUNNING`,
      "[1/2] fetch-pdb SUCCEEDED in 0:01",
      "[2/2] leap-gen-top SUCCEEDED in 0:01",
      `run ${started.runId}: SUCCEEDED`,
    ]);
    expect(out[out.length - 1]).toMatch(new RegExp(`^run ${started.runId} SUCCEEDED \\(watched for 0:0\\d\\)\\n$`));
  });

  it("without the Workflow: names the failed step and an inferred kubectl logs command, exit 1", async () => {
    const started = await startedRun("FAILED", "leap-gen-top");
    fake = started.fake;
    const out: string[] = [];
    const tails: string[] = [];
    const podLogTail = async (pod: string): Promise<string> => {
      tails.push(pod);
      return "protein-step leap-gen-top: FAILED after 0:03: tleap (topology) failed\n";
    };
    const code = await watchRun(
      started.runId,
      watchOptions(started.fake, out, { podLogTail, context: "kfp-protein-dev" }),
    );
    const run = started.fake.state.runs.get(started.runId)!;
    const wf = run.workflowName;
    const pod = podName(wf, `${wf}.root.leap-gen-top.executor`, "system-container-impl");
    expect(code).toBe(1);
    expect(tails).toEqual([pod]);
    const text = out.join("");
    expect(text).toContain(`run ${started.runId} ended FAILED`);
    expect(text).toContain("failed task: leap-gen-top\n");
    expect(text).toContain(
      `  its log: kubectl logs --context kfp-protein-dev -n kubeflow ${pod} -c main (pod name inferred from the step's node id: a best guess)\n`,
    );
    expect(text).toContain(
      "  --- last lines ---\n  protein-step leap-gen-top: FAILED after 0:03: tleap (topology) failed\n",
    );
  });

  it("with the Workflow: follows a batch per protein, names the failed step's protein and exact pod", async () => {
    const started = await startedRun("FAILED", "leap-gen-top", batchIr(), { pdb_codes: ["1aki", "4e43"] });
    fake = started.fake;
    const out: string[] = [];
    const code = await watchRun(
      started.runId,
      watchOptions(started.fake, out, { getWorkflow: workflowOfFake(started.fake) }),
    );
    const lines = out.join("").split("\n");
    const wf = started.fake.state.runs.get(started.runId)!.workflowName;
    const step = `${wf}.root.for-loop-1.iteration-iterations(0:0).iteration-item.leap-gen-top`;
    expect(code).toBe(1);
    expect(lines).toContain("[0/48] 1aki/fetch-pdb running");
    expect(lines).toContain("[0/48] 4e43/fetch-pdb running");
    expect(lines.filter((l) => / 4e43\/\S+ SUCCEEDED in 0:01$/.test(l))).toHaveLength(24);
    // leap-gen-top failed for 1aki: the steps downstream of it never ran.
    expect(lines.filter((l) => / 1aki\/\S+ SUCCEEDED/.test(l)).map((l) => l.split(" ")[1])).toEqual([
      "1aki/fetch-pdb",
      "1aki/pdb4amber",
    ]);
    expect(lines).toContain("failed task: 1aki/leap-gen-top");
    expect(lines).toContain(
      `  its log: kubectl logs -n kubeflow ${podName(wf, `${step}.executor`, "system-container-impl")} -c main`,
    );
  });

  it("without the Workflow: counts a batch's copies of each step instead of labelling them", async () => {
    const started = await startedRun("SUCCEEDED", undefined, batchIr(), { pdb_codes: ["1aki", "4e43"] });
    fake = started.fake;
    const out: string[] = [];
    const frames: string[] = [];
    expect(await watchRun(started.runId, watchOptions(started.fake, out))).toBe(0);
    const lines = out.join("").split("\n");
    expect(lines).toContain("[0/48] fetch-pdb running");
    expect(lines.filter((l) => / leap-solvate SUCCEEDED in 0:01 \(\d\/2 done\)$/.test(l))).toHaveLength(2);
    expect(lines.some((l) => l.includes("leap-solvate SUCCEEDED in 0:01 (2/2 done)"))).toBe(true);
    await watchRun(started.runId, watchOptions(started.fake, frames, { tty: true }));
    expect(frames[frames.length - 2]).toContain("  ✓ leap-solvate  2/2 done\n");
  });

  it("says so when the Workflow is gone, and counts a batch's copies instead", async () => {
    const started = await startedRun("SUCCEEDED", undefined, batchIr(), { pdb_codes: ["1aki", "4e43"] });
    fake = started.fake;
    const out: string[] = [];
    const getWorkflow = async (): Promise<undefined> => undefined;
    expect(await watchRun(started.runId, watchOptions(started.fake, out, { getWorkflow }))).toBe(0);
    const text = out.join("");
    expect(text).toContain(`(no Argo Workflow labelled pipeline/runid=${started.runId} in namespace kubeflow`);
    expect(text).toContain("leap-solvate SUCCEEDED in 0:01 (2/2 done)");
  });

  it("picks the same steps by name when the pipeline spec cannot be read", async () => {
    const started = await startedRun("SUCCEEDED");
    fake = started.fake;
    const out: string[] = [];
    const getSteps = async (): Promise<undefined> => {
      throw new Error("KFP GET /apis/v2beta1/pipelines/p/versions/v answered HTTP 403: forbidden");
    };
    expect(await watchRun(started.runId, watchOptions(started.fake, out, { getSteps }))).toBe(0);
    const text = out.join("");
    expect(text).toContain("(could not read the pipeline spec, so steps are picked by name: KFP GET");
    expect(text).toContain("[2/2] leap-gen-top SUCCEEDED");
  });

  it("redraws a frame with a bar on a terminal", async () => {
    const started = await startedRun("SUCCEEDED");
    fake = started.fake;
    const out: string[] = [];
    await watchRun(started.runId, watchOptions(started.fake, out, { tty: true }));
    expect(out[0]).toContain("[------------------------------] 0/2 tasks done");
    expect(out[1].split("\n")[0]).toMatch(new RegExp(`^${ESC}\\[\\d+A${ESC}\\[0J`)); // up over the last frame
    expect(out[1]).toContain("> fetch-pdb  running");
    expect(out[out.length - 2]).toContain("[##############################] 2/2 tasks done");
  });
});

describe("npm run watch through the API server (the fake KFP behind its service proxy)", () => {
  it("reads the Workflow for exact pod names and the log tail of the failed step", async () => {
    const fake = await startFakeKfp({
      runOutcome: "FAILED",
      pollsToFinish: 2,
      failingTask: "leap-gen-top",
      kubeApi: { podLog: (pod, step) => `protein-step ${step}: tleap failed in ${pod}\n` },
    });
    try {
      const runId = await createRun(fake, sampleIr(), { pdb_code: "1aki" });
      const { code, text } = await watchThroughFake(fake.url, runId);
      const wf = fake.state.runs.get(runId)!.workflowName;
      const pod = podName(wf, `${wf}.root.leap-gen-top.executor`, "system-container-impl");
      expect(code).toBe(1);
      expect(text).not.toContain("no Kubernetes API access");
      expect(text).toContain(`  its log: kubectl logs --context ctx -n kubeflow ${pod} -c main\n`);
      expect(text).toContain(`  --- last lines ---\n  protein-step leap-gen-top: tleap failed in ${pod}\n`);
      const paths = fake.state.requests.map((r) => `${r.method} ${r.path}`);
      expect(paths).toContain("GET /apis/argoproj.io/v1alpha1/namespaces/kubeflow/workflows");
      expect(fake.state.requests.find((r) => r.path.endsWith("/workflows"))?.query).toEqual({
        labelSelector: `pipeline/runid=${runId}`,
      });
      expect(fake.state.requestViolations).toEqual([]);
      expect(fake.state.responseViolations).toEqual([]);
    } finally {
      await fake.close();
    }
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

  it("an unknown flag is a clear error with the usage line, exit 2", async () => {
    expect(await cli(["--rnu", "x"])).toBe(2);
    expect(stderr.join("")).toContain('watch: unknown argument "--rnu"; flags: --stack --run --endpoint');
    expect(stderr.join("")).toContain("\nusage: npm run watch [-- --stack NAME] [--run ID]");
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
  const pipeline = workflowPipelineFromIr(batchIr(), { pdb_codes: ["1aki", "4e43"] });
  const workflow = argoWorkflow({
    workflowName: "protein-md-batch-x7k2p",
    runId: "r1",
    createdAt: at(0),
    pipeline,
    phaseOf: (task, i) => (task !== "fetch-pdb" ? undefined : i === 0 ? "Succeeded" : "Running"),
  });
  const run: RunLike = {
    run_id: "r1",
    state: "RUNNING",
    runtime_config: { parameters: { pdb_codes: ["1aki", "4e43"] } },
    run_details: { task_details: taskDetailsFromWorkflow(workflow) },
  };
  const steps = pipelineStepsFromIr(batchIr());

  it("KFP 2.17.0's task_details have no parents and no pods: the flat list cannot say which protein", () => {
    const details = run.run_details!.task_details!;
    expect(details.map((t) => t.display_name).filter((n) => n === "fetch-pdb")).toHaveLength(2);
    expect(details.every((t) => !("parent_task_id" in t) && !("pod_name" in t))).toBe(true);
    expect(
      runView(run, { steps })
        .tasks.filter((t) => t.state !== "PENDING")
        .map((t) => [t.group, t.name, t.state]),
    ).toEqual([
      [undefined, "fetch-pdb", "SUCCEEDED"],
      [undefined, "fetch-pdb", "RUNNING"],
    ]);
  });

  it("with the Workflow: groups steps per protein (from the executor input), exact pods, bookkeeping left out", () => {
    const view = runView(run, { steps, workflow });
    expect(view.tasks).toHaveLength(48);
    const started = view.tasks.filter((t) => t.state !== "PENDING");
    const wf = workflow.metadata.name;
    const executor = (i: number): string =>
      podName(
        wf,
        `${wf}.root.for-loop-1.iteration-iterations(${i}:${i}).iteration-item.fetch-pdb.executor`,
        "system-container-impl",
      );
    expect(started.map((t) => [t.group, t.name, t.state, t.pod])).toEqual([
      ["1aki", "fetch-pdb", "SUCCEEDED", executor(0)],
      ["4e43", "fetch-pdb", "RUNNING", executor(1)],
    ]);
    const frame = renderFrame(view, Date.parse(workflow.status.nodes[workflow.metadata.name].startedAt!) + 65_000);
    expect(frame.slice(0, 3)).toEqual([
      "run r1 (r1): RUNNING",
      "[#-----------------------------] 1/48 tasks done",
      "1aki: 1/24 done",
    ]);
    expect(frame).toContain("    ✓ fetch-pdb  SUCCEEDED (0:01)");
    expect(frame).toContain("4e43: 0/24 done");
    expect(changes(undefined, view)).toEqual([
      "[1/48] 1aki/fetch-pdb SUCCEEDED in 0:01",
      "[1/48] 4e43/fetch-pdb running",
      "run r1: RUNNING",
    ]);
  });
});
