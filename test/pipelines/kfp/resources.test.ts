import { cpuCores, memoryGigabytes, resourcesToIr } from "../../../pipelines/kfp/resources";

describe("resource quantities", () => {
  it("converts CPU quantities to cores", () => {
    expect(cpuCores("500m")).toBe(0.5);
    expect(cpuCores("2")).toBe(2);
    expect(cpuCores("1.5")).toBe(1.5);
  });

  it("converts memory quantities to decimal gigabytes like the SDK", () => {
    expect(memoryGigabytes("4Gi")).toBe(4.294967296);
    expect(memoryGigabytes("512Mi")).toBe(0.536870912);
    expect(memoryGigabytes("2G")).toBe(2);
  });

  it("names the bad quantity and the accepted forms", () => {
    expect(() => cpuCores("two")).toThrow('invalid CPU quantity "two": use cores ("2", "0.5") or millicores ("500m")');
    expect(() => memoryGigabytes("4GB")).toThrow(/invalid memory quantity "4GB"/);
  });

  it("emits string and legacy numeric fields, and rejects a request above its limit", () => {
    expect(resourcesToIr({ cpuLimit: "1", memoryRequest: "1G" })).toEqual({
      cpuLimit: 1,
      resourceCpuLimit: "1",
      memoryRequest: 1,
      resourceMemoryRequest: "1G",
    });
    expect(resourcesToIr({})).toBeUndefined();
    expect(() => resourcesToIr({ cpuRequest: "2", cpuLimit: "1" })).toThrow(/CPU request exceeds its limit/);
  });
});
