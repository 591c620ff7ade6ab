/** Where an operation's wall-clock time went, from engine events: startup, resource work, wind-down. */
import { EngineEvent, Stack, UpResult } from "@pulumi/pulumi/automation";
import { timed } from "./exec";

export interface PhaseMarks {
  start: number;
  firstResource?: number;
  lastResource?: number;
  /** When the CLI printed its closing `Duration:` line: `pulumi up` itself is done. */
  cliDone?: number;
  end?: number;
}

/** Seconds from the start until the CLI's own end (its `Duration:` line), or NaN when it printed none. */
export function cliSeconds(m: PhaseMarks): number {
  return m.cliDone === undefined ? NaN : (m.cliDone - m.start) / 1000;
}

/** Pure: a one-line account of the marks (milliseconds since epoch). */
export function describePhases(m: PhaseMarks): string {
  if (m.firstResource === undefined || m.lastResource === undefined || m.end === undefined)
    return "no resource events seen";
  const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  const afterCli =
    m.cliDone === undefined
      ? ""
      : ` (${s(m.end - m.cliDone)} of it after the CLI ended: the Automation API's stack output and history calls)`;
  return (
    `engine+program startup ${s(m.firstResource - m.start)}, resource operations ${s(m.lastResource - m.firstResource)}, ` +
    `wind-down ${s(m.end - m.lastResource)}${afterCli}`
  );
}

/** Collects marks from an operation's events (the Stack resource itself is not counted). */
export function phaseRecorder(): {
  marks: PhaseMarks;
  onEvent: (e: EngineEvent) => void;
  /** Wraps an onOutput callback, marking the CLI's end at its `Duration:` line. */
  onOutput: (next: (text: string) => void) => (text: string) => void;
  finish: () => PhaseMarks;
  /** `seconds-since-start  start|done  op  type  name`, one line per resource event. */
  timeline: () => string;
} {
  const marks: PhaseMarks = { start: Date.now() };
  const lines: string[] = [];
  const onEvent = (e: EngineEvent) => {
    const meta = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata;
    if (!meta || meta.type === "pulumi:pulumi:Stack") return;
    const now = Date.now();
    marks.firstResource ??= now;
    marks.lastResource = now;
    const phase = e.resourcePreEvent ? "start" : "done";
    lines.push(
      [((now - marks.start) / 1000).toFixed(2), phase, meta.op, meta.type, meta.urn.split("::").pop()].join("\t"),
    );
  };
  const onOutput = (next: (text: string) => void) => (text: string) => {
    if (/^\s*Duration: /m.test(text)) marks.cliDone ??= Date.now();
    next(text);
  };
  return {
    marks,
    onEvent,
    onOutput,
    finish: () => ({ ...marks, end: Date.now() }),
    timeline: () => lines.join("\n") + "\n",
  };
}

/** One `up` of `stack` with its phases recorded: its wall time, and its time until the CLI's own end. */
export async function measuredUp(
  stack: Stack,
  output: (text: string) => void,
  opts: { diff?: boolean } = {},
): Promise<{ result: UpResult; seconds: number; cliSeconds: number; phases: ReturnType<typeof phaseRecorder> }> {
  const phases = phaseRecorder();
  const { result, seconds } = await timed(() =>
    stack.up({ color: "never", ...opts, onEvent: phases.onEvent, onOutput: phases.onOutput(output) }),
  );
  return { result, seconds, cliSeconds: cliSeconds(phases.marks), phases };
}
