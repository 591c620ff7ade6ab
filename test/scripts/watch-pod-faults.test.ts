/** `npm run watch` on a run whose pod is stuck: exit 1 at the next poll, naming step, reason, pod and fix. */
import { requesterFor } from "../../stacks/dynamic/http";
import { KfpClient } from "../../stacks/kfp-api/client";
import { ensureExperiment, ensurePipeline, ensureVersion } from "../../stacks/kfp-api/ensure";
import { compileBatchPipeline } from "../../pipelines/protein";
import { argoPod } from "../fakes/argo-pods";
import { FakeKfp, FakeRun, startFakeKfp } from "../fakes/fake-kfp";
import { FAST_RETRY } from "../fixtures/provider-inputs";
import { watchThroughFake } from "../fixtures/fake-kubeconfig";

const IMAGE = `localhost:5000/amber@sha256:${"c".repeat(64)}`;

async function createBatchRun(fake: FakeKfp): Promise<string> {
  const client = new KfpClient(requesterFor({ baseUrl: fake.url, headers: {}, tls: { rejectUnauthorized: true } }), {
    retry: FAST_RETRY,
  });
  const log = (): void => undefined;
  const ir = compileBatchPipeline({ image: IMAGE, parallelism: 2 });
  const pipeline = await ensurePipeline(client, "protein-md-batch", log);
  const version = await ensureVersion(client, pipeline.id, { name: "ir-1", ir, description: "IR" }, log);
  const experiment = await ensureExperiment(client, "protein");
  const run = await client.createRun({
    display_name: "stuck",
    experiment_id: experiment.id,
    pipeline_version_reference: { pipeline_id: pipeline.id, pipeline_version_id: version.id },
    runtime_config: { parameters: { pdb_codes: ["1aki", "4e43"] } },
  });
  return run.run_id;
}

/** The second protein's NPT step, OOMKilled against its 2Gi limit. */
const oomPod = (r: FakeRun) => ({
  ...argoPod({
    workflowName: r.workflowName,
    task: "npt",
    iteration: 1,
    image: IMAGE,
    resources: { limits: { memory: "2Gi" } },
  }),
  status: {
    phase: "Failed",
    containerStatuses: [{ name: "main", state: { terminated: { reason: "OOMKilled", exitCode: 137 } } }],
  },
});

it("a stuck pod makes watch exit 1 naming the step, reason, pod and memory key; the run is not touched", async () => {
  const fake = await startFakeKfp({ runOutcome: "RUNNING_FOREVER", kubeApi: { pods: (r) => [oomPod(r)] } });
  try {
    const runId = await createBatchRun(fake);
    const { code, text } = await watchThroughFake(fake.url, runId);
    const pod = oomPod(fake.state.runs.get(runId)!).metadata.name;
    expect(code).toBe(1);
    expect(text).toContain(`KFP run ${runId}: step "npt" cannot finish: pod ${pod} (container main) is OOMKilled`);
    expect(text).toContain("Fix: raise pipeline.resources.md.memoryLimit above 2Gi.");
    expect(text).toContain("watch only reports");
    expect(fake.state.requests.filter((r) => r.path.includes(":terminate"))).toHaveLength(0);
    expect(fake.state.runs.get(runId)!.polls).toBe(1);
  } finally {
    await fake.close();
  }
});
