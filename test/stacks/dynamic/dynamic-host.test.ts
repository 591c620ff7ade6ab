/**
 * The providers as the engine runs them: serialized, loaded by Pulumi's own dynamic-provider host in
 * a separate process, and driven over its gRPC interface (Check/Diff/Create/Update/Delete) against
 * the fake KFP. Catches what direct method calls cannot: captured values that do not survive
 * serialization, outputs the host cannot encode, and how errors reach the engine.
 */
import * as pulumi from "@pulumi/pulumi";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cachedSerialization, serializeWithSdk } from "../../../stacks/dynamic/dynamic-resource";
import { makeReadyProvider } from "../../../stacks/kfp-api/ready-provider";
import { makeRunProvider } from "../../../stacks/pipeline-run/provider";
import { FakeKfp, startFakeKfp } from "../../fakes/fake-kfp";
import { runInputs } from "../../fixtures/provider-inputs";

// The host's own transport libraries, resolved through @pulumi/pulumi (they are its dependencies).
const fromPulumi = (m: string): string =>
  require.resolve(m, { paths: [path.dirname(require.resolve("@pulumi/pulumi"))] });
/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require(fromPulumi("@grpc/grpc-js"));
const structproto = require(fromPulumi("google-protobuf/google/protobuf/struct_pb"));
const provproto = require("@pulumi/pulumi/proto/provider_pb");
const statusproto = require("@pulumi/pulumi/proto/status_pb");
const provrpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const REPO = path.resolve(__dirname, "../../..");
const URN_RUN = "urn:pulumi:test::kfp-protein-stack::pulumi-nodejs:dynamic/kfp-protein:ProteinPipelineRun::run";
const URN_READY = "urn:pulumi:test::kfp-protein-stack::pulumi-nodejs:dynamic/kfp-protein:KfpApiReady::ready";

type Props = Record<string, unknown>;
interface GrpcError extends Error {
  metadata?: { get(key: string): unknown[] };
}

let fake: FakeKfp;
let host: ChildProcess;
let hostAddress: string;
const trailerLog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dynamic-host-trailers-")), "trailers.jsonl");
let client: {
  [method: string]: (req: unknown, cb: (err: GrpcError | null, res: unknown) => void) => void;
  close(): void;
};

function call<T>(method: string, req: unknown): Promise<T> {
  return new Promise((resolve, reject) => client[method](req, (err, res) => (err ? reject(err) : resolve(res as T))));
}
const struct = (v: Props): unknown => structproto.Struct.fromJavaScript(v);

// As the stack hands providers to the engine: serialized once, then read back from the cache.
const providerCache = fs.mkdtempSync(path.join(os.tmpdir(), "dynamic-host-cache-"));
async function serialized(provider: pulumi.dynamic.ResourceProvider): Promise<string> {
  const options = { cacheDir: providerCache, fingerprint: () => "dynamic-host-test", serialize: serializeWithSdk };
  await cachedSerialization(provider, options);
  return (
    await cachedSerialization(provider, {
      ...options,
      serialize: () => Promise.reject(new Error("expected a cache hit")),
    })
  ).text;
}

async function create(urn: string, props: Props): Promise<{ id: string; props: Props }> {
  const req = new provproto.CreateRequest();
  req.setUrn(urn);
  req.setProperties(struct(props));
  const res = await call<{ getId(): string; getProperties(): { toJavaScript(): Props } }>("create", req);
  return { id: res.getId(), props: res.getProperties().toJavaScript() };
}

async function diff(urn: string, id: string, olds: Props, news: Props): Promise<number> {
  const req = new provproto.DiffRequest();
  req.setUrn(urn);
  req.setId(id);
  req.setOlds(struct(olds));
  req.setNews(struct(news));
  return (await call<{ getChanges(): number }>("diff", req)).getChanges();
}

async function update(urn: string, id: string, olds: Props, news: Props): Promise<Props> {
  const req = new provproto.UpdateRequest();
  req.setUrn(urn);
  req.setId(id);
  req.setOlds(struct(olds));
  req.setNews(struct(news));
  return (await call<{ getProperties(): { toJavaScript(): Props } }>("update", req)).getProperties().toJavaScript();
}

async function destroy(urn: string, id: string, props: Props): Promise<void> {
  const req = new provproto.DeleteRequest();
  req.setUrn(urn);
  req.setId(id);
  req.setProperties(struct(props));
  await call("delete", req);
}

beforeAll(async () => {
  fake = await startFakeKfp({ pollsToFinish: 1 });
  const hostMain = path.join(path.dirname(require.resolve("@pulumi/pulumi")), "cmd", "dynamic-provider", "index.js");
  host = spawn(process.execPath, ["-r", path.join(REPO, "test/fakes/trailer-recorder.js"), hostMain, "127.0.0.1:1"], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TRAILER_LOG: trailerLog },
  });
  const port = await new Promise<string>((resolve, reject) => {
    host.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim().split("\n")[0]));
    host.once("exit", (code) => reject(new Error(`dynamic-provider host exited with ${code}`)));
  });
  hostAddress = `127.0.0.1:${port}`;
  client = new provrpc.ResourceProviderClient(hostAddress, grpc.credentials.createInsecure());
}, 30_000);

afterAll(async () => {
  client?.close();
  host?.kill();
  await fake.close();
  fs.rmSync(providerCache, { recursive: true, force: true });
});

test("run: create waits for SUCCEEDED, diff is stable, update starts a new run, delete cleans up", async () => {
  const inputs: Props = { ...runInputs(fake.url), __provider: await serialized(makeRunProvider()) };
  const created = await create(URN_RUN, inputs);
  expect(created.props).toMatchObject({ state: "SUCCEEDED", runId: created.id, runIds: [created.id] });
  expect(created.props).not.toHaveProperty("pipelineIr");

  expect(await diff(URN_RUN, created.id, created.props, inputs)).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
  const news = { ...inputs, parameters: { pdb_code: "2lzm", steps: 500 } };
  expect(await diff(URN_RUN, created.id, created.props, news)).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);

  const updated = await update(URN_RUN, created.id, created.props, news);
  expect(updated.runIds).toEqual([created.id, updated.runId]);

  // A second resource that finds the pipeline existing owns no pipeline (no undefined reaches the host).
  const guest = await create(URN_RUN, { ...inputs, experimentName: "guest", owner: "kfp-protein-stack/test/guest" });
  expect(guest.props).not.toHaveProperty("createdPipelineId");
  await destroy(URN_RUN, guest.id, guest.props);

  await destroy(URN_RUN, created.id, updated);
  expect([...fake.state.runs.values()].map((r) => r.run.storage_state)).toEqual(["ARCHIVED", "ARCHIVED", "ARCHIVED"]);
  expect(fake.state.pipelines.size).toBe(0);
  expect(fake.state.requestViolations).toEqual([]);
}, 30_000);

test("run: a FAILED run reaches the engine as an error naming the task and the logs command", async () => {
  fake.state.options.runOutcome = "FAILED";
  fake.state.options.failingTask = "leap-gen-top";
  try {
    const inputs: Props = { ...runInputs(fake.url), __provider: await serialized(makeRunProvider()) };
    fs.writeFileSync(trailerLog, "");
    // A client of its own, given up on after a while: the status block is larger than this Node client
    // accepts (see test/fakes/trailer-recorder.js), so the block is read as the host sent it.
    const own = new provrpc.ResourceProviderClient(hostAddress, grpc.credentials.createInsecure(), {
      "grpc.use_local_subchannel_pool": 1, // a connection of its own: the oversize block breaks it
    });
    const req = new provproto.CreateRequest();
    req.setUrn(URN_RUN);
    req.setProperties(struct(inputs));
    own.create(req, () => undefined);
    for (let waited = 0; !fs.readFileSync(trailerLog, "utf8") && waited < 20_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    own.close();
    const sent = fs
      .readFileSync(trailerLog, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    // The Go engine reads the status from this trailer: its message, and the partial state.
    const bin = Buffer.from(String(sent[sent.length - 1]["grpc-status-details-bin"]), "base64");
    const status = statusproto.Status.deserializeBinary(new Uint8Array(bin));
    expect(status.getMessage()).toMatch(
      /task "leap-gen-top" failed\. .*kubectl --context kfp-protein-dev logs -n kubeflow \S+-system-container-impl-\d+ -c main/,
    );
    const initFailed = provproto.ErrorResourceInitFailed.deserializeBinary(status.getDetailsList()[0].getValue());
    const partial = initFailed.getProperties().toJavaScript();
    expect(partial).toMatchObject({ state: "FAILED", runIds: [initFailed.getId()] });
    // The engine records these properties as the outputs that a later destroy hands back to the host.
    expect(partial.__provider).toBe(inputs.__provider);
  } finally {
    fake.state.options.runOutcome = "SUCCEEDED";
  }
}, 30_000);

test("ready: create answers with the healthz body", async () => {
  const inputs: Props = {
    access: { kind: "endpoint", baseUrl: fake.url },
    timeoutSeconds: 5,
    providerVersion: "t",
    __provider: await serialized(makeReadyProvider()),
  };
  const created = await create(URN_READY, inputs);
  expect(JSON.parse(String(created.props.healthz))).toEqual({ multi_user: false, pipeline_store: "database" });
}, 30_000);
