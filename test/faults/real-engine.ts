/**
 * A few fault scenarios through the real Pulumi engine (`npm run test:faults:engine`, needs the integration
 * tier's locally built CLI and language host): the engine, the Node.js dynamic-provider host and the serialized
 * provider of test/faults/engine-project, talking through the fault proxy to the fake KFP. It checks what
 * model-engine.ts assumes: a partial failure keeps the resource in the state, the next `up` updates it, and
 * `destroy` works from the properties a partial failure recorded. Prints `faults-engine: …` last.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startFakeKfp } from "../fakes/fake-kfp";
import { createEphemeralStack } from "../integration/stack";
import { Deployment } from "../integration/state";
import { duplicates, leftovers } from "./accounting";
import { Armed, startFaultProxy } from "./fault-proxy";

interface EngineScenario {
  name: string;
  fault: Armed;
  outageSeconds: number;
  /** The faulted `up` must fail (and leave the resource recorded). */
  mustFail: boolean;
  /** After the faulted up: `up` then `destroy`, or straight to `destroy` (from the partial failure's state). */
  then: "up" | "destroy";
}

const SCENARIOS: EngineScenario[] = [
  {
    name: "502 after the run was made",
    fault: { type: "POST /apis/v2beta1/runs", kind: "http502" },
    outageSeconds: 300,
    mustFail: false,
    then: "up",
  },
  {
    name: "outage of 20 s outlasting a 3 s window while waiting, then up",
    fault: { type: "GET /apis/v2beta1/runs/{id}", kind: "outage", outageMs: 20_000 },
    outageSeconds: 3,
    mustFail: true,
    then: "up",
  },
  {
    name: "outage of 20 s outlasting a 3 s window at the run creation, then destroy",
    fault: { type: "POST /apis/v2beta1/runs", kind: "outage", outageMs: 20_000 },
    outageSeconds: 3,
    mustFail: true,
    then: "destroy",
  },
];

const PROJECT = path.join(__dirname, "engine-project");
const RUN_TYPE = "pulumi-nodejs:dynamic/kfp-protein:ProteinPipelineRun";

function runResource(d: Deployment) {
  return (d.resources ?? []).find((r) => r.type === RUN_TYPE) as
    { id?: string; outputs?: Record<string, unknown>; initErrors?: string[] } | undefined;
}

async function scenario(
  s: EngineScenario,
  toolsRoot: string,
): Promise<{ problems: string[]; dup: number; left: number }> {
  const problems: string[] = [];
  const fake = await startFakeKfp({ pollsToFinish: 2 });
  const proxy = await startFaultProxy(fake.url);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "faults-engine-"));
  const stack = await createEphemeralStack({
    toolsRoot,
    projectDir: PROJECT,
    workDir,
    namePrefix: "faults",
    config: { kfpUrl: proxy.url, outageSeconds: String(s.outageSeconds) },
  });
  const up = () =>
    stack.stack.up({ color: "never" }).then(
      (r) => `ok (${JSON.stringify(r.summary.resourceChanges)})`,
      (e: Error) =>
        `failed: ${
          e.message
            .split("\n")
            .find((l) => /KFP run/.test(l))
            ?.trim() ?? e.message.slice(0, 200)
        }`,
    );
  try {
    proxy.arm(s.fault);
    const first = await up();
    console.log(`     faulted up: ${first}`);
    if (!proxy.fired()) problems.push("the fault never fired");
    if (s.mustFail !== first.startsWith("failed"))
      problems.push(`faulted up ${first}; expected it to ${s.mustFail ? "fail" : "succeed"}`);
    const recorded = runResource((await stack.exportWithSecrets()) as Deployment);
    const kfpObjects = leftovers(fake.state);
    if (kfpObjects > 0 && !recorded)
      problems.push(`${kfpObjects} KFP object(s) exist but the state holds no run resource`);
    if (s.mustFail && recorded && !(recorded.initErrors ?? []).length)
      problems.push("the failed up left the resource without init errors");
    if (recorded && !recorded.outputs?.__provider) problems.push("the recorded outputs have no __provider");

    await proxy.outageOver();
    if (s.then === "up") {
      const second = await up();
      console.log(`     next up: ${second}`);
      if (!second.startsWith("ok")) problems.push(`the next up ${second}`);
      const outs = runResource((await stack.exportWithSecrets()) as Deployment)?.outputs ?? {};
      if (outs.state !== "SUCCEEDED" || fake.state.runs.size !== 1)
        problems.push(`after the next up: state ${String(outs.state)}, ${fake.state.runs.size} run(s) in KFP`);
      const third = await stack.stack.preview({ color: "never" });
      const changes = Object.entries(third.changeSummary ?? {}).filter(([op, n]) => op !== "same" && n > 0);
      if (changes.length > 0)
        problems.push(`a preview after converging is not a no-op: ${JSON.stringify(third.changeSummary)}`);
    }
    const destroyed = await stack.stack.destroy({ color: "never" }).then(
      () => "ok",
      (e: Error) => `failed: ${e.message.slice(0, 300)}`,
    );
    console.log(`     destroy: ${destroyed}`);
    if (destroyed !== "ok") problems.push(`destroy ${destroyed}`);
  } catch (e) {
    problems.push(`scenario error: ${(e as Error).message}`);
  }
  const dup = duplicates(fake.state);
  const left = leftovers(fake.state);
  if (left > 0) problems.push(`${left} object(s) left in KFP`);
  problems.push(...(await stack.dispose()));
  await proxy.close();
  await fake.close();
  fs.rmSync(workDir, { recursive: true, force: true });
  return { problems, dup, left };
}

async function main(): Promise<void> {
  const bin = process.env.ITEST_TOOLS_BIN;
  if (!bin) throw new Error("ITEST_TOOLS_BIN is not set: run it as `npm run test:faults:engine`");
  let converged = 0;
  let dup = 0;
  let left = 0;
  for (const s of SCENARIOS) {
    const started = Date.now();
    console.log(`-- ${s.name}`);
    const r = await scenario(s, path.dirname(bin));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`${r.problems.length === 0 ? "ok  " : "FAIL"} ${s.name} (${seconds} s)`);
    for (const p of r.problems) console.log(`     ${p}`);
    if (r.problems.length === 0) converged++;
    dup += r.dup;
    left += r.left;
  }
  console.log(
    `faults-engine: scenarios=${SCENARIOS.length} converged=${converged} duplicates=${dup} leftovers=${left}`,
  );
  if (converged !== SCENARIOS.length) process.exitCode = 1;
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exitCode = 1;
});
