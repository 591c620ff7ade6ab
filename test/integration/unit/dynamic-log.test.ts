import { dynamicLogProblems, SeenLine } from "../dynamic-log";

const line = (atMs: number, text: string): SeenLine => ({ atMs, text });
const created = (atMs: number) => line(atMs, " +  pulumi-nodejs:dynamic:Resource probe created (6s) ");

describe("dynamicLogProblems", () => {
  it("accepts lines that arrive live, as they were logged", () => {
    const seen = [
      line(100, "info: [runtime] LOGINFO 1 at 1"),
      line(101, "CONSOLELOG 1"),
      line(4100, "info: [runtime] LOGINFO 3 at 2"),
      line(4101, "CONSOLELOG 3"),
      created(6000),
    ];
    expect(dynamicLogProblems(seen)).toEqual([]);
  });

  it("reports lines shown only at the end (the Diagnostics section), or never", () => {
    const seen = [created(6000), line(6001, "LOGINFO 1"), line(6002, "LOGINFO 3")];
    expect(dynamicLogProblems(seen)).toEqual([
      '"LOGINFO 1" reached up\'s output only after the resource was created',
      '"LOGINFO 3" reached up\'s output only after the resource was created',
      '"CONSOLELOG 1" never reached up\'s output',
      '"CONSOLELOG 3" never reached up\'s output',
      "the lines arrived together, not as they were logged 2 s apart",
    ]);
    expect(dynamicLogProblems([])).toEqual(["`up` never reported the probe resource created"]);
  });
});
