import { parse, stringify } from "yaml";
import { parsePipeline } from "../../../pipelines/local/ir";
import { fakeIr } from "../../fixtures/local-ir";

describe("local runner: reading the IR", () => {
  const ir = fakeIr(
    {
      make: { script: "true", outputs: ["out"], params: { n: { constant: 3 }, code: { pipeline: "pdb_code" } } },
      use: { script: "true", inputs: { data: "make.out" }, metrics: true, cache: false },
      later: { script: "true", after: ["use"] },
    },
    { pdb_code: { type: "STRING", default: "1aki" }, steps: { type: "NUMBER_INTEGER" } },
  );

  it("turns each DAG task into a container task with its executor's command and args", () => {
    const pipeline = parsePipeline(ir);
    const make = pipeline.tasks.find((t) => t.name === "make")!;
    expect(make.command).toEqual(["sh", "-c", "true", "make"]);
    expect(make.args).toContain("{{$.outputs.artifacts['out'].path}}");
    expect(make.parameters).toEqual({
      n: { kind: "constant", value: 3 },
      code: { kind: "pipeline", name: "pdb_code" },
    });
    expect(make.outputArtifacts).toEqual({ out: "system.Dataset" });
    expect(make.image).toBe("test:1");
  });

  it("derives dependencies from dependentTasks and from artifact producers", () => {
    const tasks = Object.fromEntries(parsePipeline(ir).tasks.map((t) => [t.name, t]));
    expect(tasks.use.dependsOn).toEqual(["make"]);
    expect(tasks.later.dependsOn).toEqual(["use"]);
    expect(tasks.use.artifacts).toEqual({ data: { producerTask: "make", outputArtifactKey: "out" } });
    expect(tasks.use.outputArtifacts.metrics).toBe("system.Metrics");
    expect([tasks.make.enableCache, tasks.use.enableCache]).toEqual([true, false]);
  });

  it("reads pipeline parameters with their types and defaults", () => {
    expect(parsePipeline(ir).parameters).toEqual({
      pdb_code: { type: "STRING", defaultValue: "1aki" },
      steps: { type: "NUMBER_INTEGER" },
    });
  });

  it("refuses ParallelFor loops and conditions with a clear error", () => {
    const withLater = (extra: object) => {
      const spec = parse(ir);
      Object.assign(spec.root.dag.tasks.later, extra);
      return stringify(spec);
    };
    expect(() => parsePipeline(withLater({ parameterIterator: { itemInput: "x" } }))).toThrow(
      /task later is a ParallelFor loop/,
    );
    expect(() => parsePipeline(withLater({ triggerPolicy: { condition: "a == b" } }))).toThrow(
      /task later has a condition/,
    );
  });

  it("names what is missing in a malformed IR", () => {
    expect(() => parsePipeline("pipelineInfo: {name: x}\n")).toThrow(/IR: root is missing/);
    const noExecutor = ir.replace("exec-make:", "exec-other:");
    expect(() => parsePipeline(noExecutor)).toThrow(/deploymentSpec\.executors\.exec-make is missing/);
  });
});
