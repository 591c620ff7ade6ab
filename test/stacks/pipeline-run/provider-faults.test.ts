/**
 * The run resource against a KFP API that fails part-way (issue 21): it owns everything it makes whatever
 * fails, finds again what a lost answer hid, retries through an outage, and never claims a clean-up it did not do.
 * The state a partial failure records is handed to the next update as the engine does (olds = its properties).
 */
import { PartialFailure } from "../../../stacks/dynamic/errors";
import { makeRunProvider } from "../../../stacks/pipeline-run/provider";
import { RunInputs, RunOutputs } from "../../../stacks/pipeline-run/decisions";
import { FakeKfp, Fault, startFakeKfp } from "../../fakes/fake-kfp";
import { FAST_POLL, runInputs } from "../../fixtures/provider-inputs";

let fake: FakeKfp;
let logs: string[];
/** A clock that only the provider's waits advance, so outage windows are exact. */
let clock: number;

function provider() {
  return makeRunProvider({
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 },
    poll: FAST_POLL,
    log: (m) => logs.push(m),
    wait: async (ms) => {
      clock += ms;
    },
    now: () => clock,
  });
}

beforeEach(async () => {
  logs = [];
  clock = 0;
  fake = await startFakeKfp();
});
afterEach(async () => {
  expect(fake.state.requestViolations).toEqual([]);
  await fake.close();
});

const RUNS = /^\/apis\/v2beta1\/runs$/;
const PIPELINES = /^\/apis\/v2beta1\/pipelines$/;
const EXPERIMENTS = /^\/apis\/v2beta1\/experiments$/;

async function createFailing(inputs: RunInputs): Promise<PartialFailure<RunOutputs>> {
  const error = await provider()
    .create(inputs)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  if (!(error instanceof Error)) throw new Error("create was expected to fail");
  return error as PartialFailure<RunOutputs>;
}

function counts() {
  const s = fake.state;
  return { pipelines: s.pipelines.size, versions: s.versions.size, experiments: s.experiments.size, runs: s.runs.size };
}

describe("a failed answer on the way is retried, and what it hid is found and owned", () => {
  const lost: [string, Fault][] = [
    ["a single HTTP 500 on the run creation", { method: "POST", path: RUNS, status: 500 }],
    ["an HTTP 500 after the run was made", { method: "POST", path: RUNS, status: 500, afterHandling: true }],
    ["a 200 with an HTML body while waiting", { method: "GET", path: "/runs/", body: "<html>502 Bad Gateway</html>" }],
    ["a JSON body cut in half while waiting", { method: "GET", path: "/runs/", truncate: true, afterHandling: true }],
    ["a reset after the pipeline was made", { method: "POST", path: PIPELINES, reset: true, afterHandling: true }],
    ["a reset after the experiment was made", { method: "POST", path: EXPERIMENTS, reset: true, afterHandling: true }],
    ["a cut JSON body for the version upload", { path: "/upload_version", truncate: true, afterHandling: true }],
  ];
  test.each(lost)("%s: up succeeds with one run and owns everything it made", async (_what, fault) => {
    fake.injectFault(fault);
    const { outs } = await provider().create(runInputs(fake.url));
    expect(counts()).toEqual({ pipelines: 1, versions: 1, experiments: 1, runs: 1 });
    expect(outs).toMatchObject({
      state: "SUCCEEDED",
      createdPipelineId: [...fake.state.pipelines.keys()][0],
      createdVersionIds: [...fake.state.versions.keys()],
      createdExperimentId: [...fake.state.experiments.keys()][0],
      runIds: [...fake.state.runs.keys()],
    });
    await provider().delete(outs.runId, { ...outs, onDestroy: "delete" });
    expect(counts()).toEqual({ pipelines: 0, versions: 0, experiments: 0, runs: 0 });
  });

  test("a pipeline found by name without this stack's mark is still not owned", async () => {
    fake.injectFault({ method: "POST", path: PIPELINES, reset: true, afterHandling: true });
    const { outs } = await provider().create(runInputs(fake.url, { owner: undefined }));
    expect(outs.createdPipelineId).toBeUndefined();
  });
});

describe("an API outage", () => {
  test("while waiting, shorter than the outage window: retried until the API is back, up succeeds", async () => {
    fake.injectFault({ method: "GET", path: "/runs/", status: 503, times: 12 });
    const { outs } = await provider().create(runInputs(fake.url));
    expect(outs.state).toBe("SUCCEEDED");
    expect(logs.some((l) => l.includes("within the outage window"))).toBe(true);
    expect(clock).toBeGreaterThan(5_000);
  });

  test("while waiting, longer than the window: a partial failure recording the run; the next up waits for it", async () => {
    fake.injectFault({ method: "GET", path: "/runs/", reset: true, times: 12 });
    const inputs = runInputs(fake.url, { outageSeconds: 1 });
    const err = await createFailing(inputs);
    expect(err.message).toMatch(/waiting for KFP run \S+ failed: .*The run is recorded in the stack/);
    const [runId] = fake.state.runs.keys();
    expect(err.id).toBe(runId);
    expect(err.properties).toMatchObject({ runId, runIds: [runId], createdPipelineId: expect.any(String) });
    fake.state.faults.length = 0; // the API is back for the next up

    const { outs } = await provider().update(err.id, err.properties, inputs);
    expect(outs).toMatchObject({ runId, state: "SUCCEEDED", runIds: [runId] });
    expect(counts().runs).toBe(1);
  });

  test("KFP lost the run (its database was reset): the next up starts a new one", async () => {
    const inputs = runInputs(fake.url);
    fake.injectFault({ method: "GET", path: "/runs/", before: (state) => state.runs.clear() });
    const err = await createFailing(inputs);
    expect(err.message).toMatch(/KFP no longer knows the run; the next `pulumi up` starts a new one/);
    const { outs } = await provider().update(err.id, err.properties, inputs);
    expect(counts().runs).toBe(1);
    expect(outs.runIds).toContain([...fake.state.runs.keys()][0]);
  });
});

describe("a start that fails for good after the first create", () => {
  test("records what it made as a partial failure, claims no clean-up; the next up continues, destroy removes all", async () => {
    fake.injectFault({ method: "POST", path: RUNS, status: 400, message: "invalid runtime parameter" });
    const inputs = runInputs(fake.url);
    const err = await createFailing(inputs);
    expect(err.message).toMatch(
      /starting the KFP run failed: .*invalid runtime parameter\. Recorded in the stack: pipeline \S+, version \S+, experiment \S+, run ".*" if KFP made it/,
    );
    expect(err.message).not.toMatch(/removed/);
    expect(err.id).toMatch(/^unstarted-/);
    const [pipelineId] = fake.state.pipelines.keys();
    expect(err.properties).toMatchObject({
      runId: "",
      createdPipelineId: pipelineId,
      createdVersionIds: [...fake.state.versions.keys()],
      createdExperimentId: [...fake.state.experiments.keys()][0],
      runIds: [],
    });

    const next = provider();
    expect((await next.diff(err.id, err.properties, inputs)).changes).toBe(true);
    const { outs } = await next.update(err.id, err.properties, inputs);
    expect(counts()).toEqual({ pipelines: 1, versions: 1, experiments: 1, runs: 1 });
    expect(outs).toMatchObject({ createdPipelineId: pipelineId, runIds: [...fake.state.runs.keys()] });
    expect(outs).not.toHaveProperty("pendingRun");
    await next.delete(err.id, { ...outs, onDestroy: "delete" });
    expect(counts()).toEqual({ pipelines: 0, versions: 0, experiments: 0, runs: 0 });
  });

  test("a run made behind a lost answer that could not be looked up is adopted by the next up, not duplicated", async () => {
    fake.injectFault({ method: "POST", path: RUNS, status: 503, afterHandling: true });
    fake.injectFault({ method: "GET", path: RUNS, status: 403, message: "list denied" });
    const inputs = runInputs(fake.url);
    const err = await createFailing(inputs);
    expect(err.properties.pendingRun).toMatchObject({ displayName: expect.stringContaining("protein-md") });
    const { outs } = await provider().update(err.id, err.properties, inputs);
    expect(counts().runs).toBe(1);
    expect(outs.runIds).toEqual([...fake.state.runs.keys()]);
    expect(logs.some((l) => l.includes("started by an earlier attempt whose answer was lost"))).toBe(true);
  });

  test("destroy straight after such a failure removes the run KFP made too", async () => {
    fake.injectFault({ method: "POST", path: RUNS, status: 503, afterHandling: true });
    fake.injectFault({ method: "GET", path: RUNS, status: 403, message: "list denied" });
    const err = await createFailing(runInputs(fake.url, { onDestroy: "delete" }));
    expect(err.properties.runIds).toEqual([]);
    expect(counts().runs).toBe(1);
    await provider().delete(err.id, err.properties);
    expect(counts()).toEqual({ pipelines: 0, versions: 0, experiments: 0, runs: 0 });
  });

  test("a failed new run in an update keeps the old run's fields, so the next up still starts the new run", async () => {
    const inputs = runInputs(fake.url);
    const { id, outs: first } = await provider().create(inputs);
    const news = { ...inputs, rerunToken: "again" };
    fake.injectFault({ method: "POST", path: RUNS, status: 400, message: "quota exceeded" });
    const err = await provider()
      .update(id, first, news)
      .then(
        () => undefined,
        (e: PartialFailure<RunOutputs>) => e,
      );
    expect(err?.id).toBe(id);
    expect(err?.properties).toMatchObject({ runId: first.runId, runIds: [first.runId] });
    expect(err?.properties.rerunToken).toBeUndefined();
    const { outs } = await provider().update(id, err!.properties, news);
    expect(outs.runIds).toHaveLength(2);
    expect(counts().runs).toBe(2);
  });

  test("a lost run attempt of abandoned inputs is still owned when the inputs go back to the current run", async () => {
    const inputs = runInputs(fake.url, { onDestroy: "delete" });
    const { id, outs: first } = await provider().create(inputs);
    fake.injectFault({ method: "POST", path: RUNS, status: 503, afterHandling: true });
    fake.injectFault({ method: "GET", path: RUNS, status: 403, message: "list denied" });
    const err = await provider()
      .update(id, first, { ...inputs, rerunToken: "abandoned" })
      .then(
        () => undefined,
        (e: PartialFailure<RunOutputs>) => e,
      );
    expect(err?.properties.pendingRun).toBeDefined();
    const { outs } = await provider().update(id, err!.properties, inputs);
    expect(outs.runId).toBe(first.runId);
    expect(outs.runIds).toEqual([...fake.state.runs.keys()]);
    expect(outs).not.toHaveProperty("pendingRun");
    await provider().delete(id, outs);
    expect(counts()).toEqual({ pipelines: 0, versions: 0, experiments: 0, runs: 0 });
  });
});
