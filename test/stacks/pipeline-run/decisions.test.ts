import { irHash, versionNameFor } from "../../../stacks/pipeline-run/ir-hash";
import { KfpRun } from "../../../stacks/kfp-api/client";
import { providerVersionOf } from "../../../stacks/dynamic/provider-version";
import {
  artifactRoot,
  experimentOnDestroy,
  failureMessage,
  irPipelineName,
  pollDelayMs,
  progressLine,
  runUrl,
} from "../../../stacks/pipeline-run/decisions";
import { sampleIr } from "../../fixtures/provider-inputs";

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

test("the failing executor task is named, not the DAG that failed because of it", () => {
  const run: KfpRun = {
    run_id: "r1",
    state: "FAILED",
    run_details: {
      task_details: [
        { display_name: "root", state: "FAILED", pod_name: "p-system-dag-driver-11" },
        { display_name: "sander-heat", state: "FAILED", pod_name: "p-system-container-driver-76" },
        {
          display_name: "sander-heat",
          state: "FAILED",
          pod_name: "p-system-container-impl-77",
          error: { message: "exit 1" },
        },
        { display_name: "leap", state: "SUCCEEDED", pod_name: "p-x" },
      ],
    },
  };
  expect(failureMessage(run, "kubeflow", "http://ui/#/runs/details/r1")).toBe(
    'KFP run r1 ended FAILED: task "sander-heat" failed (exit 1). Read its log: kubectl logs -n kubeflow p-system-container-impl-77 -c main. ' +
      "Run: http://ui/#/runs/details/r1. To run again after fixing it, change pipeline.rerunToken.",
  );
  expect(failureMessage(run, "kubeflow", "U", "kfp-protein-dev")).toContain(
    "kubectl --context kfp-protein-dev logs -n kubeflow p-system-container-impl-77 -c main",
  );
  expect(failureMessage(run, "kubeflow", "U", "arn:aws:eks:x/y z")).toContain(
    "kubectl --context 'arn:aws:eks:x/y z' logs",
  );
  expect(
    failureMessage({ run_id: "r2", state: "CANCELED", error: { message: "terminated by user" } }, "kubeflow", "U"),
  ).toBe("KFP run r2 ended CANCELED: terminated by user. See U");
});

test("progress names running tasks; poll delay grows and is capped", () => {
  const run: KfpRun = {
    run_id: "r",
    state: "RUNNING",
    run_details: {
      task_details: [
        { display_name: "a", state: "RUNNING" },
        { display_name: "b", state: "PENDING" },
      ],
    },
  };
  expect(progressLine(run, 61.4)).toBe("KFP run r: RUNNING after 61 s, 0/2 steps done; running: a");
  const batch: KfpRun = {
    run_id: "b",
    state: "RUNNING",
    run_details: {
      task_details: [
        { display_name: "root", state: "RUNNING" },
        { display_name: "for-loop-1", state: "RUNNING" },
        { display_name: "for-loop-1-iteration-0", state: "RUNNING" },
        { display_name: "fetch-pdb-driver", state: "SUCCEEDED" },
        { display_name: "fetch-pdb", state: "SUCCEEDED" },
        { display_name: "heat", state: "RUNNING" },
      ],
    },
  };
  expect(progressLine(batch, 5)).toBe("KFP run b: RUNNING after 5 s, 1/2 steps done; running: heat");
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
