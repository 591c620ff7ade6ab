import { parseQuantity } from "../../../stacks/kube/quantity";

describe("Kubernetes quantities", () => {
  it.each([
    ["10Gi", 10 * 2 ** 30],
    ["1.5Ki", 1536],
    ["500m", 0.5],
    ["1e3", 1000],
    ["1E-2", 0.01],
    ["+2k", 2000],
    ["-1", -1],
    [".5", 0.5],
    ["5.", 5],
    ["0", 0],
    ["2Ei", 2 ** 61],
  ])("reads %s as %d", (text, value) => expect(parseQuantity(text)).toBeCloseTo(value));

  it.each(["", "Gi", "1.5.5", "1KiB", "1 Gi", "1gi", "0x10", "1e", "constructor", "1constructor"])(
    "refuses %j",
    (text) => expect(parseQuantity(text)).toBeUndefined(),
  );
});
