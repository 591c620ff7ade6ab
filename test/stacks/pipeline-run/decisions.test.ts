import { irHash, versionNameFor } from "../../../stacks/pipeline-run/ir-hash";
import { KfpRun } from "../../../stacks/kfp-api/client";
import { providerVersionOf } from "../../../stacks/dynamic/provider-version";
import {
  RunOutputs,
  artifactRoot,
  diffRun,
  experimentOnDestroy,
  failureMessage,
  irPipelineName,
  keepingRunFields,
  pollDelayMs,
  progressLine,
  runKey,
  runUrl,
} from "../../../stacks/pipeline-run/decisions";
import { pipelineStepsFromIr } from "../../../stacks/kfp-api/task-details";
import { compileBatchPipeline } from "../../../pipelines/protein";
import { WorkflowRequest, argoWorkflow, podName, taskDetailsFromWorkflow } from "../../fakes/argo-workflow";
import { workflowPipelineFromIr } from "../../fakes/ir-pipeline";
import { runInputs, sampleIr } from "../../fixtures/provider-inputs";

test("IR hash ignores CRLF line endings but not content; version names are short and stable", () => {
  const ir = sampleIr();
  expect(irHash(ir.replace(/\n/g, "\r\n"))).toBe(irHash(ir));
  expect(irHash(sampleIr("v2"))).not.toBe(irHash(ir));
  expect(versionNameFor(irHash(ir))).toMatch(/^ir-[0-9a-f]{20}$/);
});

test("pipeline name comes from the IR; a non-pipeline IR is a clear error", () => {
  expect(irPipelineName(sampleIr() + "---\nplatforms: {}\n")).toBe("protein-md");
  expect(() => irPipelineName("root: {}")).toThrow(
    "pipelineIr has no pipelineInfo.name; pass a compiled KFP v2 pipeline spec",
  );
});

test("URLs and artifact root follow KFP's layout", () => {
  expect(runUrl("http://ui/", "r1")).toBe("http://ui/#/runs/details/r1");
  expect(artifactRoot(undefined, "protein-md", "r1")).toBe("minio://mlpipeline/v2/artifacts/protein-md/r1");
  expect(artifactRoot("s3://bucket/root/", "p", "r")).toBe("s3://bucket/root/p/r");
});

/** A run as KFP 2.17.0 reports it, task_details derived from the Workflow it would run (test/fakes/argo-workflow.ts). */
function realShapeRun(ir: string, parameters: Record<string, unknown>, phaseOf: WorkflowRequest["phaseOf"]) {
  const workflow = argoWorkflow({
    workflowName: "protein-md-x7k2p",
    runId: "r1",
    pipeline: workflowPipelineFromIr(ir, parameters),
    phaseOf,
  });
  const run: KfpRun = {
    run_id: "r1",
    state: workflow.status.phase === "Failed" ? "FAILED" : "RUNNING",
    run_details: { task_details: taskDetailsFromWorkflow(workflow) },
  };
  return { workflow, run };
}

const batchIr = compileBatchPipeline({ image: `localhost:5000/amber@sha256:${"a".repeat(64)}`, parallelism: 2 });

test("a failed run names the failed step, not KFP's executor/driver/DAG entries, and the pod Argo ran it in", () => {
  const { workflow, run } = realShapeRun(sampleIr(), {}, (task) => (task === "leap-gen-top" ? "Failed" : "Succeeded"));
  const wf = workflow.metadata.name;
  const pod = podName(wf, `${wf}.root.leap-gen-top.executor`, "system-container-impl");
  const failed = run.run_details!.task_details!.filter((t) => t.state === "FAILED").map((t) => t.display_name);
  expect(failed.sort()).toEqual(["executor", "leap-gen-top", "protein-md-x7k2p", "root"]);
  const steps = pipelineStepsFromIr(sampleIr());
  for (const withSpec of [steps, undefined]) {
    expect(failureMessage(run, "kubeflow", "http://ui/#/runs/details/r1", undefined, withSpec)).toBe(
      `KFP run r1 ended FAILED: task "leap-gen-top" failed. Read its log: kubectl logs -n kubeflow ${pod} -c main ` +
        "(pod name inferred from the task's node id). " +
        "Run: http://ui/#/runs/details/r1. To run again after fixing it, change pipeline.rerunToken.",
    );
  }
  expect(failureMessage(run, "kubeflow", "U", "kfp-protein-dev", steps)).toContain(
    `kubectl --context kfp-protein-dev logs -n kubeflow ${pod} -c main`,
  );
  expect(failureMessage(run, "kubeflow", "U", "arn:aws:eks:x/y z", steps)).toContain(
    "kubectl --context 'arn:aws:eks:x/y z' logs",
  );
  expect(failureMessage(run, "kube flow;x", "U", "it's", steps)).toContain(
    `kubectl --context 'it'\\''s' logs -n 'kube flow;x' ${pod} -c main`,
  );
  expect(
    failureMessage({ run_id: "r2", state: "CANCELED", error: { message: "terminated by user" } }, "kubeflow", "U"),
  ).toBe("KFP run r2 ended CANCELED: terminated by user. See U");
});

test("in a batch the failed step of one protein is named with its pod; a driver failure says so", () => {
  const { workflow, run } = realShapeRun(batchIr, { pdb_codes: ["1aki", "4e43"] }, (task, i) =>
    task === "leap-solvate" && i === 1 ? "Failed" : "Succeeded",
  );
  const wf = workflow.metadata.name;
  const step = `${wf}.root.for-loop-1.iteration-iterations(1:1).iteration-item.leap-solvate`;
  const message = failureMessage(run, "kubeflow", "U", undefined, pipelineStepsFromIr(batchIr));
  expect(message).toContain('task "leap-solvate" failed.');
  expect(message).toContain(`logs -n kubeflow ${podName(wf, `${step}.executor`, "system-container-impl")} -c main`);
  const driverFailed: KfpRun = {
    run_id: "r3",
    state: "FAILED",
    run_details: {
      task_details: [
        { display_name: "root", state: "FAILED" },
        { display_name: "heat-driver", state: "FAILED" },
      ],
    },
  };
  expect(failureMessage(driverFailed, "kubeflow", "U", undefined, { root: ["heat"] })).toContain(
    'task "heat" failed in its KFP driver, before its step started',
  );
});

test("progress counts the pipeline's steps, not KFP's entries; poll delay grows and is capped", () => {
  const { run } = realShapeRun(batchIr, { pdb_codes: ["1aki", "4e43"] }, (task) =>
    task === "fetch-pdb" ? "Succeeded" : task === "pdb4amber" ? "Running" : undefined,
  );
  // With the spec, steps not reached yet count too (24 per protein); the name rule sees only those with entries.
  expect(progressLine(run, 61.4, pipelineStepsFromIr(batchIr))).toBe(
    "KFP run r1: RUNNING after 61 s, 2/48 steps done; running: pdb4amber",
  );
  expect(progressLine(run, 61.4)).toBe("KFP run r1: RUNNING after 61 s, 2/4 steps done; running: pdb4amber");
  const policy = { initialMs: 1000, factor: 2, maxMs: 5000 };
  expect([0, 1, 2, 3, 4].map((n) => pollDelayMs(n, policy))).toEqual([1000, 2000, 4000, 5000, 5000]);
});

test("provider version changes when a provider source file changes", () => {
  const v = providerVersionOf(require.resolve("../../../stacks/pipeline-run/protein-pipeline-run"), [
    "ir-hash",
    "../dynamic/retry",
  ]);
  expect(v).toMatch(/^[0-9a-f]{16}$/);
  expect(
    providerVersionOf(require.resolve("../../../stacks/pipeline-run/protein-pipeline-run"), [
      "ir-hash",
      "../kfp-api/multipart",
    ]),
  ).not.toBe(v);
  expect(() =>
    providerVersionOf(require.resolve("../../../stacks/pipeline-run/protein-pipeline-run"), ["missing-module"]),
  ).toThrow(/provider source .*missing-module.ts not found/);
});

test.each([
  ["delete", [], false, [], "delete"],
  ["archive", [], false, [], "delete"],
  ["archive", ["a", "b"], false, ["a", "b"], "archive"],
  ["archive", ["a", "x"], false, ["a", "b"], "keep"],
  ["delete", ["x"], false, ["a"], "keep"],
  ["archive", ["a"], true, ["a"], "keep"],
] as const)("experiment on destroy (%s, remaining %j, more %s, own %j): %s", (mode, ids, more, own, expected) => {
  expect(experimentOnDestroy(mode, { ids: [...ids], more }, own)).toBe(expected);
});

describe("a start that failed part-way (issue 21)", () => {
  const inputs = runInputs("http://kfp");
  const { pipelineIr, ...rest } = inputs;
  const hash = irHash(pipelineIr);
  const recorded = {
    ...rest,
    irHash: hash,
    runId: "r1",
    runIds: ["r1"],
    createdVersionIds: [],
  } as unknown as RunOutputs;

  test("a state without a run id (nothing started yet) needs a new run even with unchanged inputs", () => {
    expect(diffRun(recorded, inputs, hash)).toMatchObject({ changes: false, newRun: false });
    expect(diffRun({ ...recorded, runId: "" }, inputs, hash)).toEqual({
      changes: true,
      newRun: true,
      replaces: [],
      changed: ["runId"],
    });
  });

  test("a failed update keeps the old run's new-run fields, so the next diff still asks for the new run", () => {
    const news = { ...rest, parameters: { pdb_code: "2lzm", steps: 9 }, rerunToken: "t", timeoutSeconds: 99 };
    const kept = keepingRunFields(recorded, news);
    expect(kept).toMatchObject({
      parameters: inputs.parameters,
      rerunToken: undefined,
      timeoutSeconds: 99,
      runId: "r1",
    });
    expect(diffRun(kept, { ...news, pipelineIr }, hash).newRun).toBe(true);
  });

  test("run keys tell runs of other parameters, tokens or roots apart, not key order", () => {
    const key = runKey(hash, { parameters: { a: 1, b: 2 } as never });
    expect(runKey(hash, { parameters: { b: 2, a: 1 } as never })).toBe(key);
    expect(runKey(hash, { parameters: { a: 1, b: 2 } as never, rerunToken: "x" })).not.toBe(key);
    expect(runKey(hash, { parameters: { a: 1, b: 2 } as never, pipelineRoot: "s3://b" })).not.toBe(key);
    expect(runKey("other", { parameters: { a: 1, b: 2 } as never })).not.toBe(key);
  });
});
