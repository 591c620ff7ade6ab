import { podName } from "../../fakes/argo-workflow";
import { randomUUID } from "crypto";
import { RunNotSucceededError, makeRunProvider } from "../../../stacks/pipeline-run/provider";
import { irHash, versionNameFor } from "../../../stacks/pipeline-run/ir-hash";
import { RunInputs, RunOutputs, UNKNOWN } from "../../../stacks/pipeline-run/decisions";
import { FakeKfp, FakeKfpOptions, startFakeKfp } from "../../fakes/fake-kfp";
import { FAST_POLL, FAST_RETRY, runInputs, sampleIr } from "../../fixtures/provider-inputs";

let fake: FakeKfp;
let logs: string[];

async function start(opts: FakeKfpOptions = {}): Promise<void> {
  fake = await startFakeKfp(opts);
}

function provider() {
  return makeRunProvider({ retry: FAST_RETRY, poll: FAST_POLL, log: (m) => logs.push(m) });
}

beforeEach(() => {
  logs = [];
});
afterEach(async () => {
  expect(fake.state.requestViolations).toEqual([]);
  expect(fake.state.responseViolations).toEqual([]);
  await fake.close();
});

function countCalls(method: string, pathPart: string): number {
  return fake.state.requests.filter((r) => r.method === method && r.path.includes(pathPart)).length;
}

describe("ProteinPipelineRun provider: create", () => {
  test("creates pipeline, hash-named version, experiment and run; waits until SUCCEEDED; outputs everything", async () => {
    await start({ pollsToFinish: 3 });
    const inputs = runInputs(fake.url);
    const { id, outs } = await provider().create(inputs);
    const [pipeline] = fake.state.pipelines.values();
    const [version] = fake.state.versions.values();
    const [experiment] = fake.state.experiments.values();
    const [run] = fake.state.runs.values();
    expect(id).toBe(run.run.run_id);
    expect(version.name).toBe(versionNameFor(irHash(sampleIr())));
    expect(run.run.runtime_config).toEqual({ parameters: { pdb_code: "1aki", steps: 500 } });
    expect(run.run.experiment_id).toBe(experiment.experiment_id);
    expect(outs).toMatchObject({
      pipelineId: pipeline.pipeline_id,
      versionId: version.pipeline_version_id,
      experimentId: experiment.experiment_id,
      runId: id,
      state: "SUCCEEDED",
      runUrl: `http://ui.example:8080/#/runs/details/${id}`,
      artifactRoot: `minio://mlpipeline/v2/artifacts/protein-md/${id}`,
      createdPipelineId: pipeline.pipeline_id,
      createdVersionIds: [version.pipeline_version_id],
      runIds: [id],
      irHash: irHash(sampleIr()),
    });
    expect(outs).not.toHaveProperty("pipelineIr");
    expect(logs.some((l) => /RUNNING after \d+ s, 0\/2 steps done; running: fetch-pdb$/.test(l))).toBe(true);
    expect(logs.some((l) => l.includes("SUCCEEDED"))).toBe(true);
  });

  test("reuses an existing pipeline and version with the same IR hash, and does not claim them", async () => {
    await start();
    const first = await provider().create(runInputs(fake.url));
    const second = await provider().create(
      runInputs(fake.url, { experimentName: "other", owner: "project/dev/other" }),
    );
    expect(fake.state.versions.size).toBe(1);
    expect(second.outs.versionId).toBe(first.outs.versionId);
    expect(second.outs).not.toHaveProperty("createdPipelineId"); // no undefined keys: the host cannot encode them
    expect(second.outs.createdVersionIds).toEqual([]);
    expect(countCalls("POST", "/upload_version")).toBe(1);
  });

  test("through the kube proxy: the kubeconfig's token appears in no output but `access` (marked secret by the resource)", async () => {
    const prefix = "/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy";
    await start({ pathPrefix: prefix, bearerToken: "tok-SECRET-123" });
    const server = fake.url.slice(0, -prefix.length);
    const kubeconfig = [
      "current-context: c",
      `clusters: [{name: k, cluster: {server: "${server}"}}]`,
      "contexts: [{name: c, context: {cluster: k, user: u}}]",
      "users: [{name: u, user: {token: tok-SECRET-123}}]",
    ].join("\n");
    const access = {
      kind: "kubeProxy" as const,
      kubeconfig,
      namespace: "kubeflow",
      service: "ml-pipeline",
      port: 8888,
    };
    const { outs } = await provider().create(runInputs(fake.url, { access, uiBaseUrl: undefined }));
    expect(outs.state).toBe("SUCCEEDED");
    expect(outs.runUrl).toBe(
      `${server}/api/v1/namespaces/kubeflow/services/ml-pipeline-ui:80/proxy/#/runs/details/${outs.runId}`,
    );
    const withoutAccess: Partial<typeof outs> = { ...outs };
    delete withoutAccess.access;
    expect(JSON.stringify(withoutAccess)).not.toContain("tok-SECRET-123");
    expect(logs.join("\n")).not.toContain("tok-SECRET-123");
  });

  test("wait=false returns right after the run is created", async () => {
    await start({ runOutcome: "RUNNING_FOREVER" });
    const { outs } = await provider().create(runInputs(fake.url, { wait: false }));
    expect(outs.state).toBe("PENDING");
    expect(countCalls("GET", "/runs/")).toBe(0);
  });

  test("a FAILED run fails with the failing task and the kubectl logs command; the resource is still recorded", async () => {
    await start({ runOutcome: "FAILED", failingTask: "leap-gen-top" });
    const err = (await provider()
      .create(runInputs(fake.url))
      .catch((e: unknown) => e)) as RunNotSucceededError;
    expect(err.name).toBe("RunNotSucceededError");
    const [run] = fake.state.runs.values();
    const runId = String(run.run.run_id);
    // The executor pod Argo would name for the failed step (the fake's Workflow, real fnv32a hashes).
    const pod = podName(run.workflowName, `${run.workflowName}.root.leap-gen-top.executor`, "system-container-impl");
    expect(err.message).toContain(`KFP run ${runId} ended FAILED: task "leap-gen-top" failed.`);
    expect(err.message).toContain(`kubectl --context kfp-protein-dev logs -n kubeflow ${pod} -c main`);
    expect(err.message).toContain("change pipeline.rerunToken");
    expect(err.id).toBe(runId);
    expect(err.properties).toMatchObject({ runId, state: "FAILED", runIds: [runId] });
  });

  test("a run still going at the timeout fails clearly and is recorded for cleanup", async () => {
    await start({ runOutcome: "RUNNING_FOREVER" });
    const err = (await provider()
      .create(runInputs(fake.url, { timeoutSeconds: 0.05 }))
      .catch((e: unknown) => e)) as RunNotSucceededError;
    expect(err.name).toBe("RunNotSucceededError");
    expect(err.message).toMatch(
      /is still RUNNING after 0.05 s \(pipeline.timeoutSeconds\); it keeps running in KFP: http:\/\/ui.example:8080\/#\/runs\/details\//,
    );
    expect(err.properties.state).toBe("RUNNING");
  });

  test("409 when another client creates the same pipeline first: the existing one is used", async () => {
    await start();
    fake.injectFault({
      method: "POST",
      path: /^\/apis\/v2beta1\/pipelines$/,
      before: (state) => {
        const id = randomUUID();
        state.pipelines.set(id, {
          pipeline_id: id,
          name: "protein-md",
          display_name: "protein-md",
          created_at: new Date().toISOString(),
        });
      },
    });
    const { outs } = await provider().create(runInputs(fake.url));
    const creates = fake.state.requests.filter((r) => r.method === "POST" && r.path === "/apis/v2beta1/pipelines");
    expect(creates.map((r) => r.status)).toEqual([409]);
    expect(outs.createdPipelineId).toBeUndefined();
  });

  test("a version uploaded concurrently with the same IR hash is found and reused, not owned", async () => {
    await start();
    fake.injectFault({
      path: "/upload_version",
      before: (state) => {
        const [pipeline] = state.pipelines.values();
        const id = randomUUID();
        const name = versionNameFor(irHash(sampleIr()));
        state.versions.set(id, {
          pipeline_id: String(pipeline.pipeline_id),
          pipeline_version_id: id,
          name,
          display_name: name,
          ir: sampleIr(),
        });
      },
    });
    const { outs } = await provider().create(runInputs(fake.url));
    expect(fake.state.versions.size).toBe(1);
    expect(outs.createdVersionIds).toEqual([]);
    expect(fake.state.requests.find((r) => r.path.includes("/upload_version"))?.status).toBe(409);
  });

  test("transient 503s on the way are retried and the create succeeds", async () => {
    await start();
    fake.injectFault({ path: "/upload_version", status: 503 });
    fake.injectFault({ method: "GET", path: "/runs/", status: 504 });
    const { outs } = await provider().create(runInputs(fake.url));
    expect(outs.state).toBe("SUCCEEDED");
    expect(logs.filter((l) => /retry 1\/2/.test(l))).toHaveLength(2);
  });
});

describe("ProteinPipelineRun provider: run creation behind gateway errors", () => {
  test("a 504 that hid a successful creation does not start a second run", async () => {
    await start();
    fake.injectFault({ method: "POST", path: /^\/apis\/v2beta1\/runs$/, status: 504, afterHandling: true });
    const { outs } = await provider().create(runInputs(fake.url));
    expect(fake.state.runs.size).toBe(1);
    expect(outs.runId).toBe([...fake.state.runs.keys()][0]);
    expect(logs.some((l) => l.includes("but the run exists"))).toBe(true);
  });

  test("a 503 before anything was created is retried and creates exactly one run", async () => {
    await start();
    fake.injectFault({ method: "POST", path: /^\/apis\/v2beta1\/runs$/, status: 503 });
    await provider().create(runInputs(fake.url));
    expect(fake.state.runs.size).toBe(1);
    expect(
      fake.state.requests.filter((r) => r.method === "POST" && r.path === "/apis/v2beta1/runs").map((r) => r.status),
    ).toEqual([503, 200]);
  });
});

describe("ProteinPipelineRun provider: check, diff, update", () => {
  let olds: RunOutputs;
  let inputs: RunInputs;
  beforeEach(async () => {
    await start();
    inputs = runInputs(fake.url);
    olds = (await provider().create(inputs)).outs;
  });

  test("check reports bad inputs by property", async () => {
    const res = await provider().check(inputs, {
      ...inputs,
      pipelineName: "",
      timeoutSeconds: 0,
      onDestroy: "keep" as "archive",
      pipelineIr: "a: [",
    });
    expect(res.failures?.map((f) => f.property)).toEqual(["pipelineName", "timeoutSeconds", "onDestroy", "pipelineIr"]);
    expect((await provider().check(inputs, inputs)).failures).toEqual([]);
  });

  test("same inputs: no changes (re-up is a no-op)", async () => {
    expect(
      await provider().diff(olds.runId, olds, { ...inputs, parameters: { steps: 500, pdb_code: "1aki" } }),
    ).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  test("IR, parameters, rerun token, pipeline root and provider version are updates; renames replace, deleting first", async () => {
    const diff = (n: Partial<RunInputs>) => provider().diff(olds.runId, olds, { ...inputs, ...n });
    expect(await diff({ pipelineIr: sampleIr("v2") })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff({ parameters: { pdb_code: "2lzm", steps: 500 } })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff({ rerunToken: "again" })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff({ pipelineRoot: "s3://other/root" })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff({ providerVersion: "next" })).toMatchObject({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect(await diff({ kfpNamespace: "kfp" })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff({ pipelineName: "other" })).toEqual({
      changes: true,
      replaces: ["pipelineName"],
      deleteBeforeReplace: true,
    });
    expect(await diff({ experimentName: "other" })).toEqual({
      changes: true,
      replaces: ["experimentName"],
      deleteBeforeReplace: true,
    });
  });

  test("values unknown during preview count as changes", async () => {
    expect(await provider().diff(olds.runId, olds, { ...inputs, pipelineIr: UNKNOWN })).toMatchObject({
      changes: true,
    });
    expect(await provider().diff(olds.runId, olds, { ...inputs, parameters: { pdb_code: UNKNOWN } })).toMatchObject({
      changes: true,
    });
  });

  test("a parameter change starts a new run on the same version and keeps track of both runs", async () => {
    const { outs } = await provider().update(olds.runId, olds, {
      ...inputs,
      parameters: { pdb_code: "2lzm", steps: 500 },
    });
    expect(outs.runId).not.toBe(olds.runId);
    expect(outs.versionId).toBe(olds.versionId);
    expect(outs.runIds).toEqual([olds.runId, outs.runId]);
    expect(outs.createdPipelineId).toBe(olds.createdPipelineId);
    expect(fake.state.runs.size).toBe(2);
  });

  test("a new IR uploads a new version; a rerun token alone reuses the version", async () => {
    const v2 = (await provider().update(olds.runId, olds, { ...inputs, pipelineIr: sampleIr("v2") })).outs;
    expect(v2.versionId).not.toBe(olds.versionId);
    expect(v2.createdVersionIds).toEqual([olds.versionId, v2.versionId]);
    const rerun = (
      await provider().update(olds.runId, v2, { ...inputs, pipelineIr: sampleIr("v2"), rerunToken: "again" })
    ).outs;
    expect(rerun.versionId).toBe(v2.versionId);
    expect(rerun.runIds).toHaveLength(3);
    expect(fake.state.runs.get(rerun.runId)?.run.display_name).toMatch(
      /^protein-md [0-9a-f]{12} [0-9a-f]{6} \(again\)$/,
    );
  });

  test("a provider-version change updates without a new run", async () => {
    const { outs } = await provider().update(olds.runId, olds, { ...inputs, providerVersion: "next" });
    expect(outs.runId).toBe(olds.runId);
    expect(outs.providerVersion).toBe("next");
    expect(fake.state.runs.size).toBe(1);
  });
});

describe("ProteinPipelineRun provider: delete", () => {
  test("archives every run it made and removes the versions and the pipeline it created", async () => {
    await start();
    const inputs = runInputs(fake.url);
    const first = (await provider().create(inputs)).outs;
    const second = (await provider().update(first.runId, first, { ...inputs, pipelineIr: sampleIr("v2") })).outs;
    await provider().delete(first.runId, second);
    expect([...fake.state.runs.values()].map((r) => r.run.storage_state)).toEqual(["ARCHIVED", "ARCHIVED"]);
    expect(fake.state.versions.size).toBe(0);
    expect(fake.state.pipelines.size).toBe(0);
    const [experiment] = fake.state.experiments.values();
    expect(experiment.storage_state).toBe("ARCHIVED");
    expect(logs).toContain(`archived experiment ${experiment.experiment_id}`);
  });

  test("onDestroy=delete removes the experiment it created once empty, and leaves one it found", async () => {
    await start();
    const found = { experiment_id: randomUUID(), display_name: "shared", storage_state: "AVAILABLE" };
    fake.state.experiments.set(found.experiment_id, found);
    const own = (await provider().create(runInputs(fake.url, { onDestroy: "delete" }))).outs;
    const guest = (
      await provider().create(runInputs(fake.url, { experimentName: "shared", onDestroy: "delete", rerunToken: "g" }))
    ).outs;
    expect(own.createdExperimentId).toBe(own.experimentId);
    expect(guest.createdExperimentId).toBeUndefined();
    await provider().delete(guest.runId, guest);
    await provider().delete(own.runId, own);
    expect([...fake.state.experiments.keys()]).toEqual([found.experiment_id]);
    expect(fake.state.runs.size).toBe(0);
  });

  test("an experiment it created that now holds someone else's run is kept", async () => {
    await start();
    const own = (await provider().create(runInputs(fake.url))).outs;
    const other = (await provider().create(runInputs(fake.url, { rerunToken: "someone" }))).outs;
    await provider().delete(own.runId, own);
    expect(fake.state.experiments.get(own.experimentId)!.storage_state).toBe("AVAILABLE");
    expect(fake.state.runs.get(other.runId)!.run.storage_state).not.toBe("ARCHIVED");
    expect(logs).toContain(`kept experiment ${own.experimentId}: it holds runs this stack did not start`);
  });

  test("onDestroy=delete deletes the runs; a pipeline it did not create survives", async () => {
    await start();
    const owner = (await provider().create(runInputs(fake.url))).outs;
    const guest = (
      await provider().create(
        runInputs(fake.url, { experimentName: "x", onDestroy: "delete", rerunToken: "g", owner: "project/dev/guest" }),
      )
    ).outs;
    await provider().delete(guest.runId, guest);
    expect(fake.state.runs.has(guest.runId)).toBe(false);
    expect(fake.state.runs.has(owner.runId)).toBe(true);
    expect(fake.state.pipelines.size).toBe(1);
    expect(fake.state.versions.size).toBe(1);
  });

  test("things already gone (404) do not fail the destroy; other errors do", async () => {
    await start();
    const outs = (await provider().create(runInputs(fake.url))).outs;
    fake.state.runs.clear();
    fake.injectFault({ method: "DELETE", path: "/versions/", status: 403, message: "permission denied" });
    await expect(provider().delete(outs.runId, outs)).rejects.toThrow(/HTTP 403: permission denied/);
    await provider().delete(outs.runId, outs);
    expect(fake.state.pipelines.size).toBe(0);
  });
});
