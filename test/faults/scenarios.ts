/**
 * One fault scenario: a fresh fake KFP behind the fault proxy, the real run provider driven by the model engine,
 * one fault during one phase (create, update or delete), then the checks of issue 21: the faulted operation
 * succeeded or left every KFP object recorded; the next operation converges to exactly one run; destroy leaves
 * nothing.
 */
import { makeRunProvider } from "../../stacks/pipeline-run/provider";
import type { RunInputs } from "../../stacks/pipeline-run/decisions";
import { FakeKfp, startFakeKfp } from "../fakes/fake-kfp";
import { runInputs, sampleIr } from "../fixtures/provider-inputs";
import { duplicates, leftovers, unrecorded } from "./accounting";
import { Armed, DEFAULT_LIMITS, FaultProxy, startFaultProxy } from "./fault-proxy";
import { ModelEngine, Outcome } from "./model-engine";

export type Phase = "create" | "update" | "delete";

export interface Scenario {
  name: string;
  phase: Phase;
  /** The fault, given the world (a restart needs to replace its fake). */
  fault?: (w: World) => Armed;
  /** pipeline.apiOutageSeconds for the scenario; default the config default. */
  outageSeconds?: number;
  /** The faulted operation must fail (the outage outlasts the window), proving the failure path. */
  mustFail?: boolean;
}

export interface Result {
  scenario: Scenario;
  /** How the faulted operation ended. */
  faulted: string;
  converged: boolean;
  duplicates: number;
  leftovers: number;
  problems: string[];
  seconds: number;
}

/** Timings of the suite: the request timeout is short so that a held answer outlasts it quickly. */
export const REQUEST_TIMEOUT_MS = 1_000;
export const PROXY_LIMITS = { ...DEFAULT_LIMITS, delayMs: 1_500, upstreamTimeoutMs: 10_000 };
const POLL = { initialMs: 200, factor: 1.5, maxMs: 1_000 };

export interface World {
  fake: FakeKfp;
  proxy: FaultProxy;
  engine: ModelEngine;
  log: string[];
  /** Replaces the fake KFP by an empty one on a new port, as a restart that lost its database. */
  restart(): Promise<void>;
}

async function startWorld(): Promise<World> {
  const fake = await startFakeKfp({ pollsToFinish: 2 });
  const proxy = await startFaultProxy(fake.url, PROXY_LIMITS);
  const log: string[] = [];
  const provider = makeRunProvider({ poll: POLL, log: (m) => log.push(m), requestTimeoutMs: REQUEST_TIMEOUT_MS });
  const world: World = {
    fake,
    proxy,
    engine: new ModelEngine(provider),
    log,
    async restart() {
      await world.fake.close();
      await new Promise((r) => setTimeout(r, 500));
      world.fake = await startFakeKfp({ pollsToFinish: 2 });
      proxy.setUpstream(world.fake.url);
    },
  };
  return world;
}

export function inputsFor(proxyUrl: string, phase: "first" | "second", outageSeconds?: number): RunInputs {
  const base = runInputs(proxyUrl, { onDestroy: "delete", timeoutSeconds: 600, outageSeconds });
  if (phase === "first") return base;
  return { ...base, pipelineIr: sampleIr("v2"), parameters: { pdb_code: "1aki", steps: 600 } };
}

function outcomeText(o: Outcome): string {
  return o.ok ? `ok (${o.op})` : `failed (${o.op}): ${o.error.message.split("\n")[0].slice(0, 300)}`;
}

/** Runs the phase's operation: the first or second inputs' up, or destroy. */
async function phaseOp(w: World, phase: Phase, outageSeconds?: number): Promise<Outcome> {
  if (phase === "create") return w.engine.up(inputsFor(w.proxy.url, "first", outageSeconds));
  if (phase === "update") return w.engine.up(inputsFor(w.proxy.url, "second", outageSeconds));
  return w.engine.destroy();
}

/** The request types a phase makes when nothing fails (the suite spoils each of them in turn). */
export async function rehearse(phase: Phase): Promise<string[]> {
  const w = await startWorld();
  try {
    if (phase !== "create") expectOk(await w.engine.up(inputsFor(w.proxy.url, "first")), "preparing up");
    w.proxy.seen.length = 0;
    expectOk(await phaseOp(w, phase), `rehearsal of ${phase}`);
    return [...new Set(w.proxy.seen)];
  } finally {
    await w.proxy.close();
    await w.fake.close();
  }
}

function expectOk(o: Outcome, what: string): void {
  if (!o.ok) throw new Error(`${what} ${outcomeText(o)}`);
}

export async function runScenario(s: Scenario): Promise<Result> {
  const started = Date.now();
  const w = await startWorld();
  const problems: string[] = [];
  let faulted = "not run";
  let converged = false;
  try {
    if (s.phase !== "create")
      expectOk(await w.engine.up(inputsFor(w.proxy.url, "first", s.outageSeconds)), "preparing up");
    if (s.fault) w.proxy.arm(s.fault(w));
    const first = await phaseOp(w, s.phase, s.outageSeconds);
    faulted = outcomeText(first);
    if (s.fault && !w.proxy.fired()) problems.push("the fault never fired (its request type was not seen)");
    if (s.mustFail && first.ok) problems.push("the faulted operation was expected to fail, and did not");
    if (!first.ok && /removed|cleaned|deleted the/i.test(first.error.message) && s.phase !== "delete")
      problems.push(`a failure message claims a clean-up: ${first.error.message}`);
    problems.push(...unrecorded(w.fake.state, w.engine.state?.outs).map((o) => `not recorded after the fault: ${o}`));

    // The next operation, with the API healthy again.
    await w.proxy.outageOver();
    const next = await phaseOp(w, s.phase, s.outageSeconds);
    if (!next.ok) problems.push(`the next ${s.phase === "delete" ? "destroy" : "up"} ${outcomeText(next)}`);
    if (s.phase !== "delete" && next.ok) {
      const outs = w.engine.state!.outs;
      const current = [...w.fake.state.runs.values()].filter((r) => r.run.run_id === outs.runId);
      if (current.length !== 1 || outs.state !== "SUCCEEDED")
        problems.push(`the next up did not end with one SUCCEEDED run (state ${outs.state}, run ${outs.runId})`);
      const again = await phaseOp(w, s.phase, s.outageSeconds);
      if (!again.ok || again.op !== "same") problems.push(`a third up is not a no-op: ${outcomeText(again)}`);
    }
    converged = problems.length === 0;
  } catch (e) {
    problems.push(`scenario error: ${(e as Error).message}`);
  }
  const dup = duplicates(w.fake.state);
  const destroyed = await w.engine.destroy();
  if (!destroyed.ok) problems.push(`destroy ${outcomeText(destroyed)}`);
  const left = leftovers(w.fake.state);
  if (dup > 0) problems.push(`${dup} duplicate object(s) in KFP`);
  if (left > 0) problems.push(`${left} object(s) left in KFP after destroy`);
  if (w.fake.state.requestViolations.length) problems.push(...w.fake.state.requestViolations);
  await w.proxy.close();
  await w.fake.close();
  return {
    scenario: s,
    faulted,
    converged: converged && destroyed.ok,
    duplicates: dup,
    leftovers: left,
    problems,
    seconds: (Date.now() - started) / 1000,
  };
}
