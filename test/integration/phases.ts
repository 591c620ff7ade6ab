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
    if (m.firstResource === undefined || m.lastResource === undefined || m.end === undefined) return "no resource events seen";
    const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
    return (
        `engine+program startup ${s(m.firstResource - m.start)}, resource operations ${s(m.lastResource - m.firstResource)}, ` +
        `wind-down ${s(m.end - m.lastResource)}`
    );
}

/** Collects marks from an operation's events (the Stack resource itself is not counted). */
export function phaseRecorder(): { marks: PhaseMarks; onEvent: (e: EngineEvent) => void; finish: () => PhaseMarks } {
    const marks: PhaseMarks = { start: Date.now() };
    const onEvent = (e: EngineEvent) => {
        const meta = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata;
        if (!meta || meta.type === "pulumi:pulumi:Stack") return;
        marks.firstResource ??= Date.now();
        marks.lastResource = Date.now();
    };
    return { marks, onEvent, finish: () => ({ ...marks, end: Date.now() }) };
}
