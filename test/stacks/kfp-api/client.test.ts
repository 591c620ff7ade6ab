import * as net from "net";
import { requesterForAccess } from "../../../stacks/kfp-api/access";
import { KFP_PATHS, KfpClient } from "../../../stacks/kfp-api/client";
import { KfpApiError, isApiError } from "../../../stacks/kfp-api/errors";
import { FakeKfp, startFakeKfp } from "../../fakes/fake-kfp";
import { FAST_RETRY, endpointAccess, sampleIr } from "../../fixtures/provider-inputs";
import { loadSwagger, matchOperation } from "../../fakes/swagger-validator";

let fake: FakeKfp;
let retries: string[];

function client(url = fake.url, requestTimeoutMs?: number): KfpClient {
  return new KfpClient(requesterForAccess(endpointAccess(url)), {
    retry: FAST_RETRY,
    log: (m) => retries.push(m),
    requestTimeoutMs,
  });
}

beforeEach(async () => {
  fake = await startFakeKfp();
  retries = [];
});
afterEach(async () => {
  expect(fake.state.requestViolations).toEqual([]);
  expect(fake.state.responseViolations).toEqual([]);
  await fake.close();
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("KfpClient against the swagger-validating fake", () => {
  test("pipelines, versions (multipart upload), experiments and runs round-trip; every call is in KFP_PATHS", async () => {
    const c = client();
    expect(await c.healthz()).toEqual({ multi_user: false, pipeline_store: "database" });
    expect(await c.findPipelineByName("protein-md")).toBeUndefined();
    const p = await c.createPipeline("protein-md", "d");
    expect((await c.findPipelineByName("protein-md"))?.pipeline_id).toBe(p.pipeline_id);
    const v = await c.uploadPipelineVersion(p.pipeline_id, "ir-abc", sampleIr(), "d");
    expect(fake.state.versions.get(v.pipeline_version_id)?.ir).toBe(sampleIr());
    expect((await c.findPipelineVersionByName(p.pipeline_id, "ir-abc"))?.pipeline_version_id).toBe(
      v.pipeline_version_id,
    );
    expect(await c.findPipelineVersionByName(p.pipeline_id, "ir-other")).toBeUndefined();
    const spec = (await c.getPipelineVersion(p.pipeline_id, v.pipeline_version_id)).pipeline_spec;
    expect(spec).toMatchObject({ pipelineInfo: { name: "protein-md" } });
    const e = await c.createExperiment("protein", "d");
    expect((await c.findExperimentByName("protein"))?.experiment_id).toBe(e.experiment_id);
    const run = await c.createRun({
      display_name: "r",
      experiment_id: e.experiment_id,
      pipeline_version_reference: { pipeline_id: p.pipeline_id, pipeline_version_id: v.pipeline_version_id },
      runtime_config: { parameters: { pdb_code: "1aki", list: [1, 2] } },
    });
    expect((await c.getRun(run.run_id)).state).toBe("RUNNING");
    expect((await c.findRunByDisplayName(e.experiment_id, "r"))?.run_id).toBe(run.run_id);
    expect(await c.findRunByDisplayName(e.experiment_id, "other")).toBeUndefined();
    await c.archiveRun(run.run_id);
    expect(fake.state.runs.get(run.run_id)?.run.storage_state).toBe("ARCHIVED");
    expect(await c.listRunIds(e.experiment_id)).toEqual({ ids: [run.run_id], more: false });
    await c.deleteRun(run.run_id);
    expect(await c.listRunIds(e.experiment_id)).toEqual({ ids: [], more: false });
    await c.archiveExperiment(e.experiment_id);
    expect(fake.state.experiments.get(e.experiment_id)?.storage_state).toBe("ARCHIVED");
    await c.deleteExperiment(e.experiment_id);
    expect(fake.state.experiments.size).toBe(0);
    await c.deletePipelineVersion(p.pipeline_id, v.pipeline_version_id);
    await c.deletePipeline(p.pipeline_id);
    expect(fake.state.pipelines.size).toBe(0);

    const swagger = loadSwagger();
    const called = new Set(
      fake.state.requests.map((r) => `${r.method} ${matchOperation(swagger, r.method, r.path)?.template}`),
    );
    expect([...called].sort()).toEqual(KFP_PATHS.map(([m, p]) => `${m} ${p}`).sort());
  });

  test("409 on a duplicate name is an error naming the conflict, with KFP's message", async () => {
    const c = client();
    await c.createPipeline("dup", "d");
    const err = await c.createPipeline("dup", "d").catch((e: unknown) => e);
    expect(isApiError(err)).toBe(true);
    expect((err as KfpApiError).status).toBe(409);
    expect((err as Error).message).toContain("pipeline with name dup already exists");
  });

  test("503 and 502 are retried with backoff, then succeed", async () => {
    fake.injectFault({ path: "/healthz", status: 503, message: "no endpoints available for service" });
    fake.injectFault({ path: "/healthz", status: 502, message: "bad gateway" });
    await expect(client().healthz()).resolves.toEqual({ multi_user: false, pipeline_store: "database" });
    expect(fake.state.requests.map((r) => r.status)).toEqual([503, 502, 200]);
    expect(retries).toHaveLength(2);
    expect(retries[0]).toContain("no endpoints available for service");
  });

  test("run creation is never retried blindly by the client, even on 503", async () => {
    fake.injectFault({ method: "POST", path: "/runs", status: 503 });
    const req = {
      display_name: "r",
      pipeline_version_reference: { pipeline_id: "p", pipeline_version_id: "v" },
      runtime_config: { parameters: {} },
    };
    await expect(client().createRun(req)).rejects.toThrow(/HTTP 503/);
    expect(fake.state.requests).toHaveLength(1);
  });

  test("4xx and 500 are never retried and carry KFP's own message", async () => {
    fake.injectFault({ path: "/experiments", status: 500, message: "database is locked" });
    const err = await client()
      .createExperiment("x", "d")
      .catch((e: Error) => e);
    expect((err as Error).message).toBe("KFP POST /apis/v2beta1/experiments answered HTTP 500: database is locked");
    fake.injectFault({ path: "/experiments", status: 403, message: "forbidden: user cannot create" });
    await expect(client().createExperiment("x", "d")).rejects.toThrow(
      /HTTP 403: forbidden: user cannot create \(check/,
    );
    expect(fake.state.requests.map((r) => r.status)).toEqual([500, 403]);
    expect(retries).toEqual([]);
  });

  test("errors of the upload endpoints (their own error_message shape) carry KFP's message too", async () => {
    await expect(client().uploadPipelineVersion("no-such-pipeline", "v", sampleIr(), "d")).rejects.toThrow(
      "KFP POST /apis/v2beta1/pipelines/upload_version answered HTTP 404: Failed to upload a pipeline version: pipeline no-such-pipeline not found",
    );
  });

  test("a persistent 503 fails after the configured attempts, saying so", async () => {
    fake.injectFault({ path: "/healthz", status: 503, times: 10 });
    await expect(client().healthz()).rejects.toThrow(
      /still failing after 3 attempts: KFP GET \/apis\/v2beta1\/healthz answered HTTP 503/,
    );
  });

  test("an unreachable API is a clear connection error, retried", async () => {
    const port = await closedPort();
    await expect(client(`http://127.0.0.1:${port}`).healthz()).rejects.toThrow(
      new RegExp(`still failing after 3 attempts: .*127\\.0\\.0\\.1:${port}.*ECONNREFUSED`),
    );
    expect(retries).toHaveLength(2);
  });

  test("a slow answer times out and is retried; a reset connection too", async () => {
    fake.injectFault({ path: "/healthz", delayMs: 400 });
    fake.injectFault({ path: "/healthz", reset: true });
    await expect(client(fake.url, 100).healthz()).resolves.toBeDefined();
    expect(retries[0]).toMatch(/no answer within 100 ms/);
    expect(retries[1]).toMatch(/socket hang up|ECONNRESET/);
  });

  test("the fake rejects what the real server rejects: unknown fields get 400 with the reason", async () => {
    const req = requesterForAccess(endpointAccess(fake.url));
    const res = await req({
      method: "POST",
      path: "/apis/v2beta1/experiments",
      headers: { "content-type": "application/json" },
      body: Buffer.from(JSON.stringify({ displayName: "camel" })),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString()).message).toContain('unknown field "displayName"');
    expect(fake.state.requestViolations).toEqual([expect.stringContaining('unknown field "displayName"')]);
    fake.state.requestViolations.length = 0; // checked above; the afterEach guard is for the client's calls
  });
});
