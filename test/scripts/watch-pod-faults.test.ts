/** `npm run watch` on a run whose pod is stuck: exit 1 at the next poll, naming step, reason, pod and fix. */
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { requesterFor } from "../../stacks/dynamic/http";
import { KfpClient } from "../../stacks/kfp-api/client";
import { ensureExperiment, ensurePipeline, ensureVersion } from "../../stacks/kfp-api/ensure";
import { compileBatchPipeline } from "../../pipelines/protein";
import { main } from "../../scripts/watch/main";
import { argoPod } from "../fakes/argo-pods";
import { FakeKfp, FakeRun, startFakeKfp } from "../fakes/fake-kfp";
import { FAST_RETRY } from "../fixtures/provider-inputs";

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
  const dir = mkdtempSync(join(tmpdir(), "watch-pods-"));
  const kubeconfig = join(dir, "config");
  writeFileSync(
    kubeconfig,
    [
      "apiVersion: v1",
      `clusters: [{name: c, cluster: {server: '${fake.url}'}}]`,
      "users: [{name: u, user: {token: t0k}}]",
      "contexts: [{name: ctx, context: {cluster: c, user: u}}]",
      "current-context: ctx",
    ].join("\n"),
  );
  const out: string[] = [];
  const spy = jest.spyOn(process.stdout, "write").mockImplementation((text) => {
    out.push(String(text));
    return true;
  });
  try {
    const runId = await createBatchRun(fake);
    const args = ["--endpoint", fake.url, "--run", runId, "--kubeconfig", kubeconfig, "--context", "ctx"];
    const code = await main([...args, "--poll", "0.001", "--plain"]);
    const text = out.join("");
    const pod = oomPod(fake.state.runs.get(runId)!).metadata.name;
    expect(code).toBe(1);
    expect(text).toContain(`KFP run ${runId}: step "npt" cannot finish: pod ${pod} (container main) is OOMKilled`);
    expect(text).toContain("Fix: raise pipeline.resources.md.memory above 2Gi.");
    expect(text).toContain("watch only reports");
    expect(fake.state.requests.filter((r) => r.path.includes(":terminate"))).toHaveLength(0);
    expect(fake.state.runs.get(runId)!.polls).toBe(1);
  } finally {
    spy.mockRestore();
    rmSync(dir, { recursive: true, force: true });
    await fake.close();
  }
});
