import { uniqueStackName } from "../stack";

describe("uniqueStackName", () => {
  it("makes distinct DNS-label names with the prefix", () => {
    const a = uniqueStackName("itest");
    const b = uniqueStackName("itest");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^itest-[a-z0-9]+-[0-9a-f]{6}$/);
  });
});
