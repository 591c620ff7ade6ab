import { coerceParameter, parseParamFlag, resolveParameters } from "../../../pipelines/local/parameters";

const definitions = {
  pdb_code: { type: "STRING", defaultValue: "1aki" },
  steps: { type: "NUMBER_INTEGER" },
  weight: { type: "NUMBER_DOUBLE", defaultValue: 50 },
};

describe("local runner: pipeline parameters", () => {
  it("layers IR defaults, presets and --param overrides, in that order", () => {
    const values = resolveParameters(
      definitions,
      [{ steps: 500, unrelated: 1 }, { pdb_code: "4e43" }],
      [["weight", "2.5"]],
    );
    expect(values).toEqual({ pdb_code: "4e43", steps: 500, weight: 2.5 });
  });

  it("refuses unknown names and parameters left without a value", () => {
    expect(() => resolveParameters(definitions, [{ steps: 1 }], [["stepz", "2"]])).toThrow(/no such parameter .*steps/);
    expect(() => resolveParameters(definitions, [], [])).toThrow(/no value for pipeline parameter\(s\) steps/);
  });

  it("converts --param text to the parameter's type", () => {
    expect(coerceParameter("n", "50", "NUMBER_INTEGER")).toBe(50);
    expect(() => coerceParameter("n", "2.5", "NUMBER_INTEGER")).toThrow(/an integer is required/);
    expect(() => coerceParameter("x", "abc", "NUMBER_DOUBLE")).toThrow(/a number is required/);
    expect(coerceParameter("b", "true", "BOOLEAN")).toBe(true);
    expect(coerceParameter("l", '["1aki"]', "LIST")).toEqual(["1aki"]);
    expect(coerceParameter("s", "a=b", "STRING")).toBe("a=b");
  });

  it("splits NAME=VALUE at the first equals sign", () => {
    expect(parseParamFlag("mask=:1-10@CA=x")).toEqual(["mask", ":1-10@CA=x"]);
    expect(() => parseParamFlag("=x")).toThrow(/use NAME=VALUE/);
  });
});
