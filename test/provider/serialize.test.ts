/**
 * The engine runs dynamic providers from their serialized text in another process. This does the
 * same: serialize the real providers, load the text in a fresh `node`, and drive create/delete
 * against the fake KFP. Catches captured values that do not survive serialization (e.g. Sets).
 */
import * as pulumi from "@pulumi/pulumi";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { makeReadyProvider } from "../../stacks/kfp-ready";
import { makeRunProvider } from "../../stacks/pipeline-run";
import { FakeKfp, startFakeKfp } from "./fake-kfp";
import { runInputs } from "./helpers";

const DRIVER = `
const [, , providerFile, inputsJson] = process.argv;
const provider = require(providerFile).handler();
(async () => {
  const inputs = JSON.parse(inputsJson);
  const created = await provider.create(inputs);
  if (provider.delete) await provider.delete(created.id, created.outs);
  process.stdout.write(JSON.stringify(created.outs));
})().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
`;

let fake: FakeKfp;
let dir: string;
beforeAll(async () => {
  fake = await startFakeKfp({ pollsToFinish: 1 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "kfp-provider-"));
  fs.writeFileSync(path.join(dir, "driver.js"), DRIVER);
});
afterAll(async () => {
  await fake.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function runSerialized(name: string, provider: pulumi.dynamic.ResourceProvider, inputs: object): Promise<Record<string, unknown>> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  const file = path.join(dir, `${name}.js`);
  fs.writeFileSync(file, sf.text);
  const nodeModules = path.resolve(__dirname, "../../node_modules");
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, [path.join(dir, "driver.js"), file, JSON.stringify(inputs)], { env: { ...process.env, NODE_PATH: nodeModules } }, (err, out, errOut) =>
      err ? reject(new Error(`serialized ${name} provider failed: ${errOut}`)) : resolve(out),
    ),
  );
  return JSON.parse(stdout.slice(stdout.indexOf("{"))) as Record<string, unknown>;
}

test("the serialized run provider creates a run, waits for it and cleans up in a fresh process", async () => {
  const outs = await runSerialized("run", makeRunProvider(), runInputs(fake.url));
  expect(outs).toMatchObject({ state: "SUCCEEDED", runIds: [outs.runId] });
  expect([...fake.state.runs.values()].map((r) => r.run.storage_state)).toEqual(["ARCHIVED"]);
  expect(fake.state.pipelines.size).toBe(0);
  expect(fake.state.requestViolations).toEqual([]);
}, 30_000);

test("the serialized readiness provider answers in a fresh process", async () => {
  const outs = await runSerialized("ready", makeReadyProvider(), { access: { kind: "endpoint", baseUrl: fake.url }, timeoutSeconds: 5, providerVersion: "t" });
  expect(JSON.parse(String(outs.healthz))).toEqual({ multi_user: false, pipeline_store: "database" });
}, 30_000);
