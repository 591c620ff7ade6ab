import { compileProteinPipeline, presets } from "../../../pipelines/protein";
import { planDownloads } from "../../../scripts/results/download-results";
import { PhaseResult, verdictLine } from "../../../scripts/e2e/phases";
import { FakeRun } from "../../fakes/fake-kfp";
import { workflowPipelineFromIr } from "../../fakes/ir-pipeline";
import { VERDICT_INTERRUPTED, VERDICT_PASS, artifactContent, minioForward, succeededRunKeys } from "../e2e";

const RUN_ID = "0b7c3f7e-0000-4000-8000-00000000e2e0";

function fakeRun(): FakeRun {
  const ir = compileProteinPipeline({ image: "localhost:5000/amber@sha256:" + "ab".repeat(32) });
  const pipeline = workflowPipelineFromIr(ir, presets.tiny);
  return {
    run: { run_id: RUN_ID, created_at: "2026-01-01T00:00:00Z", pollsToFinish: Number.MAX_SAFE_INTEGER },
    polls: 0,
    outcome: "SUCCEEDED",
    pipeline,
    workflowName: `${pipeline.name}-abcde`,
  };
}

describe("succeededRunKeys", () => {
  it("lists every step's outputs where KFP's launcher writes them, whatever the run's progress", () => {
    const run = fakeRun();
    const keys = succeededRunKeys(run);
    expect(run.polls).toBe(0);
    expect(keys.length).toBeGreaterThan(run.pipeline.tasks.length);
    for (const k of keys) expect(k.key.startsWith(`v2/artifacts/${run.pipeline.name}/${RUN_ID}/${k.task}/`)).toBe(true);
    // npm run results turns them into the report and at least one step's metrics.
    const planned = planDownloads(
      keys.map((k) => ({ key: k.key, size: artifactContent(k.output, k.task).length })),
      RUN_ID,
      false,
    );
    expect(planned.some((p) => p.path.endsWith("/metrics.json"))).toBe(true);
  });

  it("writes metrics as a JSON object with a number", () => {
    expect(Object.values(JSON.parse(artifactContent("output_metrics", "plot-npt")))).toEqual([1.5]);
  });
});

describe("minioForward", () => {
  it("forwards port 9000 of every pod in kubeflow to the local MinIO", () => {
    expect(minioForward(4242)).toMatchObject({
      kind: "ClusterPortForward",
      spec: { selector: { matchNamespaces: ["kubeflow"] }, forwards: [{ ports: [9000], target: { port: 4242 } }] },
    });
  });
});

describe("the verdicts the tier expects", () => {
  const phases = (outcomes: Record<string, "ok" | "interrupted" | "skipped">): PhaseResult[] =>
    Object.entries(outcomes).map(([name, outcome]) => ({ name, outcome, seconds: outcome === "skipped" ? 0 : 1.25 }));

  it("match the lines npm run e2e prints", () => {
    const ok = { stack: "ok", up: "ok", run: "ok", results: "ok", check: "ok", destroy: "ok", remove: "ok" } as const;
    expect(verdictLine({ result: "PASS", phases: phases(ok), seconds: 9 }, "e2e-a-1")).toMatch(VERDICT_PASS);
    const stopped = phases({ ...ok, up: "interrupted", run: "skipped", results: "skipped", check: "skipped" });
    stopped[1].error = "update canceled";
    const line = verdictLine({ result: "INTERRUPTED", phases: stopped, seconds: 9 }, "e2e-a-1");
    expect(line).toMatch(VERDICT_INTERRUPTED);
    expect(line).not.toMatch(VERDICT_PASS);
  });
});
