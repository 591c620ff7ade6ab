import { cpuCores, memoryGigabytes, placementToPlatformIr, resourcesToIr } from "../../../pipelines/kfp/resources";
import { compilePipeline, containerComponent, definePipeline, param, toYaml } from "../../../pipelines/kfp";

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

describe("accelerators and node placement", () => {
  it("writes an accelerator as the SDK's set_accelerator_type/limit do: count as a string, both field names", () => {
    expect(resourcesToIr({ accelerator: { type: "nvidia.com/gpu", count: 2 } })).toEqual({
      accelerator: { count: "2", resourceCount: "2", resourceType: "nvidia.com/gpu", type: "nvidia.com/gpu" },
    });
  });

  it("leaves a zero count out, and rejects a fractional count or an empty type", () => {
    expect(resourcesToIr({ accelerator: { type: "nvidia.com/gpu", count: 0 } })).toBeUndefined();
    expect(() => resourcesToIr({ accelerator: { type: "nvidia.com/gpu", count: 0.5 } })).toThrow(/whole number/);
    expect(() => resourcesToIr({ accelerator: { type: "", count: 1 } })).toThrow(/type is empty/);
  });

  it("writes node selector labels and tolerations as kfp-kubernetes does", () => {
    expect(
      placementToPlatformIr({
        nodeSelector: { "nvidia.com/gpu.present": "true" },
        tolerations: [
          { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
          { key: "pool", operator: "Equal", value: "gpu" },
        ],
      }),
    ).toEqual({
      nodeSelector: { labels: { "nvidia.com/gpu.present": "true" } },
      tolerations: [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
        { key: "pool", operator: "Equal", value: "gpu" },
      ],
    });
    expect(placementToPlatformIr({ nodeSelector: {}, tolerations: [] })).toEqual({});
  });

  it("puts a task's placement beside its pull policy, and gives tasks placed differently their own executor", () => {
    const definition = {
      name: "md",
      image: `reg/md@sha256:${"a".repeat(64)}`,
      command: ["md"],
      inputs: { n: param.int() },
      outputs: {},
      args: (io: { inputs: { n: string } }) => [io.inputs.n],
      imagePullPolicy: "IfNotPresent" as const,
    };
    const step = containerComponent(definition);
    const other = containerComponent({ ...definition, name: "other", command: ["other"] });
    const gpu = { accelerator: { type: "nvidia.com/gpu", count: 1 }, nodeSelector: { gpu: "yes" } };
    const compiled = compilePipeline(
      definePipeline({ name: "placed", parameters: {} }, (_, dag) => {
        dag.task(step, { n: 1 }, { name: "cpu" });
        dag.task(step, { n: 1 }, { name: "gpu", resources: gpu });
        dag.task(other, { n: 2 }, { name: "other-gpu", resources: gpu });
      }),
    );
    const executors = (compiled.pipelineSpec.deploymentSpec as { executors: Record<string, unknown> }).executors;
    expect(Object.keys(executors).sort()).toEqual(["exec-md", "exec-md-2", "exec-other"]);
    expect(executors["exec-md-2"]).toMatchObject({ container: { resources: { accelerator: { resourceCount: "1" } } } });
    const placed = { imagePullPolicy: "IfNotPresent", nodeSelector: { labels: { gpu: "yes" } } };
    expect(compiled.platformSpec).toEqual({
      platforms: {
        kubernetes: {
          deploymentSpec: {
            executors: { "exec-md": { imagePullPolicy: "IfNotPresent" }, "exec-md-2": placed, "exec-other": placed },
          },
        },
      },
    });
    // Two executors share one placement object: written out twice, never as a YAML anchor and alias.
    expect(toYaml(compiled)).not.toMatch(/[&*]a\d/);
  });
});
