/** Where an operation's wall-clock time went, from engine events: startup, resource work, wind-down. */
import { EngineEvent } from "@pulumi/pulumi/automation";

export interface PhaseMarks {
  start: number;
  firstResource?: number;
  lastResource?: number;
  end?: number;
}

/** Pure: a one-line account of the marks (milliseconds since epoch). */
export function describePhases(m: PhaseMarks): string {
  if (m.firstResource === undefined || m.lastResource === undefined || m.end === undefined)
    return "no resource events seen";
  const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  return (
    `engine+program startup ${s(m.firstResource - m.start)}, resource operations ${s(m.lastResource - m.firstResource)}, ` +
    `wind-down ${s(m.end - m.lastResource)}`
  );
}

/** Collects marks from an operation's events (the Stack resource itself is not counted). */
export function phaseRecorder(): {
  marks: PhaseMarks;
  onEvent: (e: EngineEvent) => void;
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
  return { marks, onEvent, finish: () => ({ ...marks, end: Date.now() }), timeline: () => lines.join("\n") + "\n" };
}
