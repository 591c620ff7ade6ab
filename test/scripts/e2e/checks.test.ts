import { engineFailure, resultProblems, stepProblems } from "../../../scripts/e2e/checks";
import { compileProteinPipeline, presets } from "../../../pipelines/protein";
import { runSources } from "../../../scripts/watch/main";
import { RunView, TaskView, runView } from "../../../scripts/watch/progress";
import { RunOutcome, startFakeKfp } from "../../fakes/fake-kfp";
import { createRun } from "../../fixtures/fake-run";

const task = (name: string, state: string, more: Partial<TaskView> = {}): TaskView => ({
  id: name,
  name,
  state,
  ...more,
});
const view = (state: string, tasks: TaskView[]): RunView => ({ id: "r1", name: "run", state, tasks });

describe("stepProblems", () => {
  it("accepts a SUCCEEDED run whose every step SUCCEEDED", () => {
    expect(stepProblems(view("SUCCEEDED", [task("fetch", "SUCCEEDED"), task("npt", "SUCCEEDED")]))).toEqual([]);
  });

  it("names the run's state and each step that did not succeed, with its protein and error", () => {
    expect(
      stepProblems(
        view("FAILED", [
          task("fetch", "SUCCEEDED"),
          task("npt", "FAILED", { group: "1aki", error: "sander exited 1" }),
          task("plot-npt", "PENDING"),
          task("min", "CACHED"),
        ]),
      ),
    ).toEqual([
      "run r1 is FAILED, not SUCCEEDED",
      "step 1aki/npt is FAILED (sander exited 1)",
      "step plot-npt is PENDING",
      "step min is CACHED",
    ]);
  });

  it("does not accept a run that lists no steps", () => {
    expect(stepProblems(view("SUCCEEDED", []))).toEqual(["run r1 lists no steps"]);
  });
});

describe("resultProblems", () => {
  const files = (contents: Record<string, string>) =>
    [Object.keys(contents), (f: string) => contents[f]] as [string[], (f: string) => string];

  it("accepts a report and a step's metrics with a number", () => {
    expect(
      resultProblems(...files({ "index.html": "<html>", "plot-npt/metrics.json": '{"temperature": 300.2}' })),
    ).toEqual([]);
  });

  it("requires the report, and a non-empty one", () => {
    expect(resultProblems(...files({ "a/metrics.json": '{"x": 1}' }))).toEqual([
      "no index.html (the report) in the results",
    ]);
    expect(resultProblems(...files({ "index.html": " \n", "a/metrics.json": '{"x": 1}' }))).toEqual([
      "index.html (the report) is empty",
    ]);
  });

  it("requires metrics, and at least one file holding a number", () => {
    expect(resultProblems(...files({ "index.html": "<html>", "npt/executor.log": "" }))).toEqual([
      "no metrics.json in the results: no step's metrics were downloaded",
    ]);
    expect(
      resultProblems(
        ...files({ "index.html": "<html>", "a/metrics.json": "not json", "b/metrics.json": '{"x": "1"}' }),
      ),
    ).toEqual(["no metrics.json holds a number: a/metrics.json, b/metrics.json"]);
  });
});

describe("engineFailure", () => {
  const ESC = String.fromCharCode(27);

  it("gives the first diagnostic error, the exception's message when the program threw", () => {
    const output = [
      " +  pulumi:pulumi:Stack p-s creating (8s) error: Running program '/p/' failed with an unhandled exception:",
      "Diagnostics:",
      "  pulumi:pulumi:Stack (p-s):",
      "    error: Running program '/p/' failed with an unhandled exception:",
      "    ConfigError: Invalid stack configuration (1 problem); nothing was created:",
      `      - amber.build is true but ${ESC}[32mcluster.mode${ESC}[39m is "existing"`,
      "        at parse.ts:39:33",
    ].join("\n");
    expect(engineFailure(output)).toBe(
      "Running program '/p/' failed with an unhandled exception: ConfigError: Invalid stack configuration (1 problem); " +
        'nothing was created: - amber.build is true but cluster.mode is "existing"',
    );
  });

  it("names the resource's error before the stack's summary one", () => {
    const output = [
      "Diagnostics:",
      "  kubernetes:core/v1:Namespace (ns):",
      "    error: resource ns was not successfully created by the Kubernetes API server",
      "  pulumi:pulumi:Stack (p-s):",
      "    error: update failed",
    ].join("\n");
    expect(engineFailure(output)).toBe("resource ns was not successfully created by the Kubernetes API server");
  });

  it("gives nothing when the output has no error", () => {
    expect(engineFailure("Resources:\n    + 3 created\n")).toBeUndefined();
  });
});

describe("the check phase on a run of the protein pipeline (fake KFP 2.17.0, read as npm run e2e reads it)", () => {
  const check = async (outcome: RunOutcome) => {
    const fake = await startFakeKfp({ runOutcome: outcome, pollsToFinish: 0 });
    try {
      const ir = compileProteinPipeline({ image: `localhost:5000/amber@sha256:${"ab".repeat(32)}` });
      const runId = await createRun(fake, ir, presets.tiny);
      const sources = runSources({ access: { kind: "endpoint", baseUrl: fake.url }, namespace: "kubeflow" });
      const run = await sources.getRun(runId);
      return stepProblems(runView(run, { steps: await sources.getSteps!(run) }));
    } finally {
      await fake.close();
    }
  };

  it("finds nothing wrong with a SUCCEEDED run: every step of the pipeline is there and SUCCEEDED", async () => {
    expect(await check("SUCCEEDED")).toEqual([]);
  });

  it("names the run's state and the failed step of a FAILED run, and the steps it never reached", async () => {
    const problems = await check("FAILED");
    expect(problems[0]).toMatch(/^run \S+ is FAILED, not SUCCEEDED$/);
    expect(problems.some((p) => /^step \S+ is FAILED/.test(p))).toBe(true);
    expect(problems.some((p) => /^step \S+ is PENDING$/.test(p))).toBe(true);
  });
});
