import { describePhases } from "../phases";

describe("describePhases", () => {
  it("splits the wall clock at the first and last resource event", () => {
    expect(describePhases({ start: 0, firstResource: 12_000, lastResource: 47_500, end: 49_000 })).toBe(
      "engine+program startup 12.0s, resource operations 35.5s, wind-down 1.5s",
    );
  });

  it("says so when no resource event arrived", () => {
    expect(describePhases({ start: 0, end: 5 })).toBe("no resource events seen");
  });
});
