import { countChanges, failedCriteria, Measurements, summaryLine } from "../summary";

const passing: Measurements = {
    upSeconds: 12.34,
    noopSeconds: 3,
    destroySeconds: 7.06,
    kubectlApplySeconds: 10,
    kubectlDeleteSeconds: 4.44,
    changesOnNoop: 0,
    leftover: 0,
};

describe("summaryLine", () => {
    it("prints every measurement in the fixed order with one decimal", () => {
        expect(summaryLine(passing)).toBe(
            "integration: up=12.3 noop=3.0 destroy=7.1 kubectl_apply=10.0 kubectl_delete=4.4 changes_on_noop=0 leftover=0",
        );
    });
});

describe("failedCriteria", () => {
    it("accepts a clean run whose up is within 1.3x the baseline", () => {
        expect(failedCriteria(passing)).toEqual([]);
    });

    it("names each failed criterion with the measured and required values", () => {
        const failures = failedCriteria({ ...passing, upSeconds: 13.5, changesOnNoop: 2, leftover: 1 });
        expect(failures).toHaveLength(3);
        expect(failures[0]).toContain("changed 2 resource(s)");
        expect(failures[1]).toContain("1 object(s)");
        expect(failures[2]).toContain("up took 13.5s");
        expect(failures[2]).toContain("limit 13.0s");
    });
});

describe("countChanges", () => {
    it("counts every operation except same", () => {
        expect(countChanges({ same: 40, update: 2, create: 1 })).toBe(3);
        expect(countChanges({ same: 40 })).toBe(0);
        expect(countChanges(undefined)).toBe(0);
    });
});
