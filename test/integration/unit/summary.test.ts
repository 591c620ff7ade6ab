import { countChanges, failedCriteria, Measurements, previewProblems, ratioLine, summaryLine } from "../summary";

const passing: Measurements = {
  upSeconds: 12.34,
  noopSeconds: 3,
  upCliSeconds: 11.2,
  noopCliSeconds: 2.1,
  destroySeconds: 7.06,
  kubectlApplySeconds: 10,
  kubectlDeleteSeconds: 4.44,
  changesOnNoop: 0,
  leftover: 0,
  upgradeUpdates: 4,
  upgradeUnexpected: 0,
};

describe("summaryLine", () => {
  it("prints every measurement in the fixed order with one decimal", () => {
    expect(summaryLine(passing)).toBe(
      "integration: up=12.3 noop=3.0 destroy=7.1 kubectl_apply=10.0 kubectl_delete=4.4 changes_on_noop=0 leftover=0 " +
        "upgrade_updates=4 upgrade_unexpected=0 up_cli=11.2 noop_cli=2.1",
    );
  });
});

describe("failedCriteria", () => {
  it("accepts a clean run, however long it took", () => {
    expect(failedCriteria({ ...passing, upSeconds: 99 })).toEqual([]);
  });

  it("names each failed criterion with the measured and required values", () => {
    const failures = failedCriteria({ ...passing, changesOnNoop: 2, leftover: 1, upgradeUnexpected: 3 });
    expect(failures).toHaveLength(3);
    expect(failures[0]).toContain("changed 2 resource(s)");
    expect(failures[1]).toContain("1 object(s)");
    expect(failures[2]).toContain("3 step(s) other than updates");
  });

  it("fails a run whose upgrade check never ran", () => {
    expect(failedCriteria({ ...passing, upgradeUnexpected: NaN })).toEqual([
      "the upgrade from the base commit was not checked: the run stopped before it (see the failure above)",
    ]);
  });
});

describe("ratioLine", () => {
  it("reports up against the kubectl baseline, and a no-op up against the first, with their targets", () => {
    expect(ratioLine(passing)).toBe(
      "benchmark: up/kubectl_apply=1.23 (within the 1.3x target); destroy/kubectl_delete=1.59; " +
        "noop/up=0.19 as pulumi up runs them (within the 0.5x target), 0.24 with the Automation API's calls after each",
    );
    expect(ratioLine({ ...passing, upSeconds: 13.5 })).toMatch(/up\/kubectl_apply=1\.35 \(above the 1\.3x target\)/);
    expect(ratioLine({ ...passing, noopCliSeconds: 6.72 })).toMatch(
      /noop\/up=0\.60 as pulumi up runs them \(above the 0\.5x target\), 0\.24 with/,
    );
  });

  it("judges the no-op against the CLI's own time: the Automation API's calls after up are not npm run up's", () => {
    const harnessHeavy = { ...passing, upSeconds: 7.2, noopSeconds: 4.0, upCliSeconds: 6.2, noopCliSeconds: 3.0 };
    expect(ratioLine(harnessHeavy)).toMatch(
      /noop\/up=0\.48 as pulumi up runs them \(within the 0\.5x target\), 0\.56 with/,
    );
  });
});

describe("countChanges", () => {
  it("counts every operation except same", () => {
    expect(countChanges({ same: 40, update: 2, create: 1 })).toBe(3);
    expect(countChanges({ same: 40 })).toBe(0);
    expect(countChanges(undefined)).toBe(0);
  });
});

describe("previewProblems", () => {
  it("accepts creates only and an empty state", () => {
    expect(previewProblems({ create: 25 }, 0)).toEqual([]);
  });

  it.each([
    ["no creates", { same: 1 }, 0, /planned no creates/],
    ["no summary at all", undefined, 0, /planned no creates/],
    ["a replace on a new stack", { create: 3, replace: 1 }, 0, /planned 1 replace/],
    ["resources left in the state", { create: 3 }, 2, /left 2 resource/],
  ])("reports %s", (_what, summary, after, message) => {
    const problems = previewProblems(summary as Record<string, number> | undefined, after as number);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message as RegExp);
  });
});
