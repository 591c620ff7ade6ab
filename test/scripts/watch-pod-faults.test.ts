/** `npm run watch` on a run whose pod is stuck: exit 1 at the next poll, naming step, reason, pod and fix. */
import { requesterFor } from "../../stacks/dynamic/http";
import { KfpClient } from "../../stacks/kfp-api/client";
import { ensureExperiment, ensurePipeline, ensureVersion } from "../../stacks/kfp-api/ensure";
import { compileBatchPipeline } from "../../pipelines/protein";
import { argoPod } from "../fakes/argo-pods";
import { FakeKfp, FakeRun, startFakeKfp } from "../fakes/fake-kfp";
import { FAST_RETRY } from "../fixtures/provider-inputs";
import { watchRun } from "../../scripts/watch/watch-run";
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

describe("watch's pod reading when the API server fails", () => {
  const fault = { step: "npt", reason: "OOMKilled", pod: "p", container: "main", detail: "killed", fix: "raise it" };
  const watchWith = async (errors: number[]) => {
    const out: string[] = [];
    let reads = 0;
    let polls = 0;
    const code = await watchRun("run-1", {
      getRun: async () => ({ run_id: "run-1", state: "RUNNING" }),
      getPodFault: async () => {
        const status = errors[reads++];
        if (status !== undefined)
          throw Object.assign(new Error(`the Kubernetes API answered HTTP ${status}`), { status });
        return fault;
      },
      write: (text) => out.push(text),
      tty: false,
      namespace: "kubeflow",
      // A watch that stopped reading the pods would poll this RUNNING run for ever: five polls at most.
      sleep: async () => {
        if (++polls > 5) throw new Error("still watching after 5 polls");
      },
    }).catch((e: Error) => e.message);
    return { code, text: out.join("") };
  };

  it("tries again after a 429 (the cache starting) and then finds the stuck pod", async () => {
    const { code, text } = await watchWith([429, 429]);
    expect(code).toBe(1);
    expect(text).toContain("could not read the run's pods yet: the Kubernetes API answered HTTP 429; trying again");
    expect(text.match(/trying again/g)).toHaveLength(1);
    expect(text).toContain('step "npt" cannot finish');
  });
});
