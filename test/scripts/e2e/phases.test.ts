import { Phase, exitCode, runPhases, verdictLine } from "../../../scripts/e2e/phases";

/** A clock that advances only when a phase says so: each phase's time is exact. */
function clock() {
  let ms = 0;
  return { now: () => ms, advance: (s: number) => void (ms += s * 1000) };
}

function phase(name: string, calls: string[], body: () => Promise<void> = async () => undefined, stops = true): Phase {
  return {
    name,
    stopsOnInterrupt: stops,
    run: async () => {
      calls.push(name);
      await body();
    },
  };
}

describe("runPhases", () => {
  it("runs work then cleanup, timing each, and passes when all succeed", async () => {
    const calls: string[] = [];
    const c = clock();
    const verdict = await runPhases(
      [phase("up", calls, async () => c.advance(12)), phase("run", calls, async () => c.advance(30))],
      [phase("destroy", calls, async () => c.advance(8)), phase("remove", calls)],
      { interrupt: new AbortController().signal, now: c.now },
    );
    expect(calls).toEqual(["up", "run", "destroy", "remove"]);
    expect(verdict.result).toBe("PASS");
    expect(exitCode(verdict)).toBe(0);
    expect(verdictLine(verdict, "e2e-x")).toBe(
      "e2e: PASS stack=e2e-x total=50.0s up=12.0s run=30.0s destroy=8.0s remove=0.0s",
    );
  });

  it("after a failed phase skips the rest of the work but still destroys and removes", async () => {
    const calls: string[] = [];
    const c = clock();
    const verdict = await runPhases(
      [
        phase("up", calls, async () => c.advance(5)),
        phase("run", calls, async () => {
          c.advance(2);
          throw new Error("run r1 ended FAILED\nmore detail");
        }),
        phase("results", calls),
      ],
      [phase("destroy", calls), phase("remove", calls)],
      { interrupt: new AbortController().signal, now: c.now },
    );
    expect(calls).toEqual(["up", "run", "destroy", "remove"]);
    expect(verdict.result).toBe("FAIL");
    expect(exitCode(verdict)).toBe(1);
    expect(verdictLine(verdict, "s")).toBe(
      "e2e: FAIL stack=s total=7.0s up=5.0s run=2.0s(failed) results=skipped destroy=0.0s remove=0.0s — run failed: run r1 ended FAILED",
    );
  });

  it("on an interrupt stops an in-process phase at once, skips the rest and cleans up", async () => {
    const calls: string[] = [];
    const interrupt = new AbortController();
    const forever = () => new Promise<void>(() => interrupt.abort());
    const verdict = await runPhases(
      [phase("up", calls), phase("run", calls, forever), phase("results", calls)],
      [phase("destroy", calls), phase("remove", calls)],
      { interrupt: interrupt.signal },
    );
    expect(calls).toEqual(["up", "run", "destroy", "remove"]);
    expect(verdict.result).toBe("INTERRUPTED");
    expect(exitCode(verdict)).toBe(130);
    expect(verdict.phases.map((p) => `${p.name}:${p.outcome}`)).toEqual([
      "up:ok",
      "run:interrupted",
      "results:skipped",
      "destroy:ok",
      "remove:ok",
    ]);
  });

  it("lets a Pulumi phase end by itself on an interrupt (the engine cancels), then cleans up", async () => {
    const calls: string[] = [];
    const interrupt = new AbortController();
    let finished = false;
    const upCancelled = async () => {
      interrupt.abort();
      await new Promise((r) => setTimeout(r, 20));
      finished = true;
      throw new Error("update canceled");
    };
    const verdict = await runPhases(
      [phase("up", calls, upCancelled, false), phase("run", calls)],
      [phase("destroy", calls, async () => expect(finished).toBe(true)), phase("remove", calls)],
      { interrupt: interrupt.signal },
    );
    expect(calls).toEqual(["up", "destroy", "remove"]);
    expect(verdict.result).toBe("INTERRUPTED");
    expect(verdictLine(verdict, "s")).toMatch(
      /up=\d+\.\ds\(interrupted\) run=skipped destroy=.* — up interrupted: update canceled$/,
    );
  });

  it("stops after a Pulumi phase that finished in spite of an interrupt", async () => {
    const calls: string[] = [];
    const interrupt = new AbortController();
    const verdict = await runPhases(
      [phase("up", calls, async () => interrupt.abort(), false), phase("run", calls)],
      [phase("destroy", calls)],
      { interrupt: interrupt.signal },
    );
    expect(calls).toEqual(["up", "destroy"]);
    expect(verdict.result).toBe("INTERRUPTED");
  });

  it("keeps the stack when destroy fails: remove is skipped and the line says what was left", async () => {
    const calls: string[] = [];
    const verdict = await runPhases(
      [phase("up", calls)],
      [
        phase("destroy", calls, async () => {
          throw new Error("destroy failed; the stack is kept: pulumi destroy --stack s");
        }),
        phase("remove", calls),
      ],
      { interrupt: new AbortController().signal },
    );
    expect(calls).toEqual(["up", "destroy"]);
    expect(verdict.result).toBe("FAIL");
    expect(verdictLine(verdict, "s")).toContain(
      "remove=skipped — destroy failed: destroy failed; the stack is kept: pulumi destroy --stack s",
    );
  });

  it("names both the failed work phase and the failed cleanup", async () => {
    const verdict = await runPhases(
      [phase("up", [], async () => Promise.reject(new Error("no cluster")))],
      [phase("destroy", [], async () => Promise.reject(new Error("kept")))],
      { interrupt: new AbortController().signal },
    );
    expect(verdictLine(verdict, "s")).toMatch(/ — up failed: no cluster — destroy failed: kept$/);
  });
});
