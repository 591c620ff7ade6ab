/**
 * The `npm run e2e` sequence as plain logic: work phases in order until one fails or an interrupt arrives, then
 * the cleanup phases, always, each timed; and the one verdict line that says how it went.
 */

export interface Phase {
  name: string;
  run: (signal: AbortSignal) => Promise<void>;
  /**
   * Work done in this process (polling, downloads) stops as soon as an interrupt arrives. A Pulumi operation does
   * not: Ctrl-C reaches the engine itself, which cancels cleanly and ends the phase; a second SIGINT from here would
   * make it terminate without recording what it created.
   */
  stopsOnInterrupt: boolean;
}

export type Outcome = "ok" | "failed" | "interrupted" | "skipped";

export interface PhaseResult {
  name: string;
  outcome: Outcome;
  seconds: number;
  error?: string;
}

export interface Verdict {
  result: "PASS" | "FAIL" | "INTERRUPTED";
  phases: PhaseResult[];
  seconds: number;
}

export interface RunPhasesOptions {
  /** Aborted on the first interrupt (SIGINT/SIGTERM). */
  interrupt: AbortSignal;
  /** Milliseconds; Date.now by default. */
  now?: () => number;
  say?: (line: string) => void;
}

class Interrupted extends Error {
  constructor() {
    super("interrupted");
  }
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new Interrupted());
    else signal.addEventListener("abort", () => reject(new Interrupted()), { once: true });
  });
}

function firstLine(error: unknown): string {
  return ((error as Error)?.message ?? String(error)).trim().split("\n")[0];
}

/**
 * Runs `work` in order, skipping the rest after a failure or an interrupt, then every `cleanup` phase (a failed
 * cleanup phase skips the later ones: a stack whose destroy failed is kept so it can still be destroyed).
 */
export async function runPhases(work: Phase[], cleanup: Phase[], options: RunPhasesOptions): Promise<Verdict> {
  const now = options.now ?? Date.now;
  const say = options.say ?? (() => undefined);
  const started = now();
  const results: PhaseResult[] = [];
  let stopped = false;
  let interrupted = false;

  const runOne = async (phase: Phase, signal: AbortSignal, stopsOnInterrupt: boolean): Promise<PhaseResult> => {
    const start = now();
    say(`e2e: ${phase.name}…`);
    try {
      const running = phase.run(signal);
      // A phase that finishes in spite of an interrupt is done; the sequence stops after it.
      await (stopsOnInterrupt ? Promise.race([running, untilAborted(signal)]) : running);
      return { name: phase.name, outcome: "ok", seconds: (now() - start) / 1000 };
    } catch (error) {
      const outcome: Outcome = signal.aborted ? "interrupted" : "failed";
      return { name: phase.name, outcome, seconds: (now() - start) / 1000, error: firstLine(error) };
    }
  };

  for (const phase of work) {
    if (stopped || options.interrupt.aborted) {
      interrupted ||= options.interrupt.aborted;
      results.push({ name: phase.name, outcome: "skipped", seconds: 0 });
      continue;
    }
    const result = await runOne(phase, options.interrupt, phase.stopsOnInterrupt);
    results.push(result);
    if (result.outcome !== "ok") stopped = true;
    if (result.outcome === "interrupted") interrupted = true;
    if (result.error) say(`e2e: ${phase.name} ${result.outcome}: ${result.error}`);
  }
  interrupted ||= options.interrupt.aborted;

  // Cleanup is not interrupted from here: it is what an interrupt asks for.
  const never = new AbortController().signal;
  let cleanupFailed = false;
  for (const phase of cleanup) {
    if (cleanupFailed) {
      results.push({ name: phase.name, outcome: "skipped", seconds: 0 });
      continue;
    }
    const result = await runOne(phase, never, false);
    results.push(result);
    if (result.outcome !== "ok") {
      cleanupFailed = true;
      say(`e2e: ${phase.name} failed: ${result.error}`);
    }
  }

  const failed = results.some((r) => r.outcome === "failed" || r.outcome === "interrupted");
  return {
    result: interrupted ? "INTERRUPTED" : failed ? "FAIL" : "PASS",
    phases: results,
    seconds: (now() - started) / 1000,
  };
}

/** Exit code of a verdict: 0 passed, 1 failed, 130 interrupted (as a shell reports Ctrl-C). */
export function exitCode(verdict: Verdict): number {
  return verdict.result === "PASS" ? 0 : verdict.result === "INTERRUPTED" ? 130 : 1;
}

/**
 * One line: `e2e: PASS stack=… total=…s up=…s …`, each phase with its time (or `skipped`), and on a failure the
 * first failed phase with its reason.
 */
export function verdictLine(verdict: Verdict, stack: string): string {
  const times = verdict.phases.map((p) => {
    if (p.outcome === "skipped") return `${p.name}=skipped`;
    const mark = p.outcome === "ok" ? "" : `(${p.outcome})`;
    return `${p.name}=${p.seconds.toFixed(1)}s${mark}`;
  });
  // The first failure says why; a failed cleanup phase also says what was left behind.
  const failures = verdict.phases.filter((p) => p.outcome === "failed" || p.outcome === "interrupted");
  const named = [...new Set([failures[0], failures.find((p) => p !== failures[0] && p.error)])].filter(
    (p): p is PhaseResult => p !== undefined,
  );
  const why = named.map((p) => ` — ${p.name} ${p.outcome}${p.error ? `: ${p.error}` : ""}`).join("");
  return `e2e: ${verdict.result} stack=${stack} total=${verdict.seconds.toFixed(1)}s ${times.join(" ")}${why}`;
}
