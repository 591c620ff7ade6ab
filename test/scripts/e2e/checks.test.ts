import { resultProblems, stepProblems } from "../../../scripts/e2e/checks";
import { RunView, TaskView } from "../../../scripts/watch/progress";

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
