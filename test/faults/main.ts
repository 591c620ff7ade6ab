/**
 * The fault suite (`npm run test:faults`): every fault kind on every request type that create, update and
 * delete make, plus API outages and a restart that loses KFP's state while `up` waits for the run. Prints one
 * line per scenario and the summary line; exits 1 on any problem. See docs/fault-suite.md.
 *
 * Options: `--only <substring>` runs the scenarios whose name contains it; `--jobs <n>` (default 8).
 */
import { FAULT_KINDS, Armed } from "./fault-proxy";
import { Phase, Result, Scenario, World, rehearse, runScenario } from "./scenarios";

const WAIT = "GET /apis/v2beta1/runs/{id}";

function outage(seconds: number): (w: World) => Armed {
  return () => ({ type: WAIT, kind: "outage", outageMs: seconds * 1000 });
}

async function scenarios(): Promise<Scenario[]> {
  const list: Scenario[] = [
    // Once, not per request type: it takes a minute. Retried through the default window (300 s).
    { name: "create: API outage of 60 s while waiting", phase: "create", fault: outage(60) },
    // 20 s: past the 3 s window and the 5 attempts' 7.5 s of backoff, so a slow machine cannot make it pass.
    {
      name: "create: API outage of 20 s outlasting a 3 s window",
      phase: "create",
      fault: outage(20),
      outageSeconds: 3,
      mustFail: true,
    },
  ];
  for (const phase of ["create", "update", "delete"] as Phase[]) {
    list.push({ name: `${phase}: no fault`, phase });
    for (const type of await rehearse(phase)) {
      for (const kind of FAULT_KINDS)
        list.push({ name: `${phase}: ${kind} on ${type}`, phase, fault: () => ({ type, kind }) });
    }
    if (phase === "delete") continue;
    list.push({ name: `${phase}: API outage of 5 s while waiting`, phase, fault: outage(5) });
    list.push({
      name: `${phase}: KFP restarts and loses its state while waiting`,
      phase,
      fault: (w) => ({ type: WAIT, before: () => w.restart() }),
    });
  }
  return list;
}

async function pool<T, R>(items: T[], jobs: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function line(r: Result): string {
  const verdict = r.problems.length === 0 ? "ok  " : "FAIL";
  return `${verdict} ${r.scenario.name} (${r.seconds.toFixed(1)} s): ${r.faulted}`;
}

async function main(): Promise<void> {
  const only = option("--only");
  const jobs = Number(option("--jobs") ?? 8);
  const all = (await scenarios()).filter((s) => !only || s.name.includes(only));
  const results = await pool(all, jobs, async (s) => {
    const r = await runScenario(s);
    console.log(line(r));
    for (const p of r.problems) console.log(`     ${p}`);
    return r;
  });
  const converged = results.filter((r) => r.converged).length;
  const dup = results.reduce((n, r) => n + r.duplicates, 0);
  const left = results.reduce((n, r) => n + r.leftovers, 0);
  const failed = results.filter((r) => r.problems.length > 0);
  console.log(`faults: scenarios=${results.length} converged=${converged} duplicates=${dup} leftovers=${left}`);
  if (failed.length > 0 || results.length === 0) {
    console.log(`${failed.length} scenario(s) with problems: ${failed.map((r) => r.scenario.name).join("; ")}`);
    process.exitCode = 1;
  }
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exitCode = 1;
});
