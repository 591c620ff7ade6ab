import { cliSeconds, describePhases, phaseRecorder } from "../phases";

describe("describePhases", () => {
  it("splits the wall clock at the first and last resource event", () => {
    expect(describePhases({ start: 0, firstResource: 12_000, lastResource: 47_500, end: 49_000 })).toBe(
      "engine+program startup 12.0s, resource operations 35.5s, wind-down 1.5s",
    );
  });

  it("says how much of the wind-down came after the CLI's own end", () => {
    const marks = { start: 0, firstResource: 2_000, lastResource: 3_000, cliDone: 3_200, end: 4_000 };
    expect(describePhases(marks)).toBe(
      "engine+program startup 2.0s, resource operations 1.0s, wind-down 1.0s " +
        "(0.8s of it after the CLI ended: the Automation API's stack output and history calls)",
    );
    expect(cliSeconds(marks)).toBe(3.2);
    expect(cliSeconds({ start: 0, end: 5 })).toBeNaN();
  });

  it("marks the CLI's end at its Duration line, once, and passes every output on", () => {
    const recorder = phaseRecorder();
    const seen: string[] = [];
    const onOutput = recorder.onOutput((text) => seen.push(text));
    onOutput("Updating (dev):\n");
    expect(recorder.marks.cliDone).toBeUndefined();
    onOutput("Resources:\n    27 unchanged\n\nDuration: 3s\n");
    const first = recorder.marks.cliDone;
    expect(first).toBeGreaterThanOrEqual(recorder.marks.start);
    onOutput("Duration: 4s\n");
    expect(recorder.marks.cliDone).toBe(first);
    expect(seen).toHaveLength(3);
  });

  it("says so when no resource event arrived", () => {
    expect(describePhases({ start: 0, end: 5 })).toBe("no resource events seen");
  });
});
