import {
  artifact,
  compare,
  compilePipeline,
  containerComponent,
  definePipeline,
  eq,
  ne,
  param,
  toYaml,
} from "../../../pipelines/kfp";
import { IMAGE, anything, consume, ir, produce } from "../../fixtures/pipeline-ir";

describe("container components", () => {
  it("renders KFP placeholders for inputs, outputs and the executor input", () => {
    expect(produce.args).toEqual([
      "--code",
      "{{$.inputs.parameters['code']}}",
      "--count",
      "{{$.inputs.parameters['count']}}",
      "--data",
      "{{$.outputs.artifacts['data'].path}}",
      "--report",
      "{{$.outputs.artifacts['report'].path}}",
      "--summary",
      "{{$.outputs.parameters['summary'].output_file}}",
    ]);
    expect(consume.args).toContain("{{$}}");
    expect(consume.args).toContain("{{$.inputs.artifacts['data'].path}}");
  });

  it("emits typed input/output definitions and the executor", () => {
    const graph = definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
      dag.task(produce, { code: "1aki" });
    });
    const { spec } = ir(graph);
    expect(spec.components["comp-produce"]).toEqual({
      executorLabel: "exec-produce",
      inputDefinitions: {
        parameters: {
          code: { parameterType: "STRING" },
          count: { parameterType: "NUMBER_INTEGER", defaultValue: 3, isOptional: true },
        },
      },
      outputDefinitions: {
        artifacts: {
          data: { artifactType: { schemaTitle: "system.Dataset", schemaVersion: "0.0.1" } },
          report: { artifactType: { schemaTitle: "system.HTML", schemaVersion: "0.0.1" } },
        },
        parameters: { summary: { parameterType: "STRING" } },
      },
    });
    expect(spec.deploymentSpec.executors["exec-produce"].container).toEqual({
      args: produce.args,
      command: ["tool", "produce"],
      image: IMAGE,
      resources: { cpuRequest: 0.5, resourceCpuRequest: "500m", memoryLimit: 1.073741824, resourceMemoryLimit: "1Gi" },
    });
    expect(spec.schemaVersion).toBe("2.1.0");
  });

  it("rejects unpinned images, unused inputs and bad names", () => {
    const base = { name: "c", command: ["x"], inputs: { a: param.string() }, outputs: {} };
    expect(() => containerComponent({ ...base, image: "amber:latest", args: (io) => [io.inputs.a] })).toThrow(
      /image "amber:latest" is not pinned: use a digest reference/,
    );
    expect(() => containerComponent({ ...base, image: IMAGE, args: () => [] })).toThrow(
      /declared but not passed to the container: a; add them to args/,
    );
    expect(() => containerComponent({ ...base, name: "Bad_Name", image: IMAGE, args: (io) => [io.inputs.a] })).toThrow(
      /name must be lowercase/,
    );
  });
});

describe("task wiring", () => {
  it("wires pipeline parameters, constants and outputs, and derives dependencies from data", () => {
    const graph = definePipeline(
      { name: "p", parameters: { code: param.string({ default: "1aki" }), n: param.int({ default: 7 }) } },
      (p, dag) => {
        const made = dag.task(produce, { code: p.code, count: p.n });
        dag.task(consume, { data: made.outputs.data, label: made.outputs.summary });
      },
    );
    const { spec } = ir(graph);
    const tasks = spec.root.dag.tasks;
    expect(tasks.produce.inputs.parameters).toEqual({
      code: { componentInputParameter: "code" },
      count: { componentInputParameter: "n" },
    });
    expect(tasks.produce.dependentTasks).toBeUndefined();
    expect(tasks.consume).toEqual({
      cachingOptions: { enableCache: true },
      componentRef: { name: "comp-consume" },
      dependentTasks: ["produce"],
      inputs: {
        artifacts: { data: { taskOutputArtifact: { outputArtifactKey: "data", producerTask: "produce" } } },
        parameters: { label: { taskOutputParameter: { outputParameterKey: "summary", producerTask: "produce" } } },
      },
      taskInfo: { name: "consume" },
    });
    expect(spec.root.inputDefinitions.parameters).toEqual({
      code: { parameterType: "STRING", defaultValue: "1aki", isOptional: true },
      n: { parameterType: "NUMBER_INTEGER", defaultValue: 7, isOptional: true },
    });
  });

  it("supports explicit ordering, per-task caching and resource overrides", () => {
    const graph = definePipeline({ name: "p", parameters: {}, cache: false }, (_p, dag) => {
      const first = dag.task(produce, { code: "a" }, { name: "first" });
      dag.task(produce, { code: "b" }, { name: "second", after: [first], cache: true, resources: { cpuLimit: "2" } });
    });
    const { spec } = ir(graph);
    const { first, second } = spec.root.dag.tasks;
    expect(first.cachingOptions).toEqual({ enableCache: false });
    expect(first.inputs.parameters.code).toEqual({ runtimeValue: { constant: "a" } });
    expect(second.cachingOptions).toEqual({ enableCache: true });
    expect(second.dependentTasks).toEqual(["first"]);
    // different resources → a second component/executor; identical tasks share one
    expect(first.componentRef.name).toBe("comp-produce");
    expect(second.componentRef.name).toBe("comp-produce-2");
    expect(spec.deploymentSpec.executors["exec-produce-2"].container.resources.resourceCpuLimit).toBe("2");
  });

  it("names repeated tasks uniquely and shares identical components", () => {
    const graph = definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
      dag.task(produce, { code: "a" });
      dag.task(produce, { code: "b" });
    });
    const { spec } = ir(graph);
    expect(Object.keys(spec.root.dag.tasks)).toEqual(["produce", "produce-2"]);
    expect(Object.keys(spec.components)).toEqual(["comp-produce"]);
  });

  it("accepts any artifact type for system.Artifact inputs", () => {
    const graph = definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
      const made = dag.task(produce, { code: "a" });
      dag.task(anything, { thing: made.outputs.report });
    });
    expect(ir(graph).spec.root.dag.tasks.anything.inputs.artifacts.thing.taskOutputArtifact.outputArtifactKey).toBe(
      "report",
    );
  });

  it("emits the Kubernetes platform section for the image pull policy", () => {
    const graph = definePipeline({ name: "p", parameters: {}, imagePullPolicy: "IfNotPresent" }, (_p, dag) => {
      dag.task(produce, { code: "a" });
    });
    expect(ir(graph).platform).toEqual({
      platforms: {
        kubernetes: { deploymentSpec: { executors: { "exec-produce": { imagePullPolicy: "IfNotPresent" } } } },
      },
    });
    const without = definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
      dag.task(produce, { code: "a" });
    });
    expect(ir(without).platform).toBeUndefined();
  });
});

describe("wiring mistakes", () => {
  const other = definePipeline({ name: "other", parameters: { code: param.string() } }, (p, dag) => {
    dag.task(produce, { code: p.code });
  });
  void other;

  it("reports an unknown input (a compile error too)", () => {
    expect(() =>
      definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
        // @ts-expect-error "colour" is not an input of produce
        dag.task(produce, { code: "a", colour: "red" });
      }),
    ).toThrow('task "produce": component "produce" has no input "colour"; its inputs are: code, count');
  });

  it("reports a missing required input (a compile error too)", () => {
    expect(() =>
      definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
        // @ts-expect-error "code" is required
        dag.task(produce, { count: 2 });
      }),
    ).toThrow('task "produce": required input "code" of component "produce" is not wired: pass a value');
  });

  it("reports a wrong artifact type (a compile error too)", () => {
    expect(() =>
      definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
        const made = dag.task(produce, { code: "a" });
        // @ts-expect-error an HTML artifact is not a Dataset
        dag.task(consume, { data: made.outputs.report, label: "x" });
      }),
    ).toThrow(
      'task "consume": input "data" expects system.Dataset but output "report" of task "produce" is system.HTML',
    );
  });

  it("reports wrong parameter types for references and constants (compile errors too)", () => {
    expect(() =>
      definePipeline({ name: "p", parameters: { n: param.int() } }, (p, dag) => {
        // @ts-expect-error an integer parameter is not a string
        dag.task(produce, { code: p.n });
      }),
    ).toThrow('input "code" expects STRING but pipeline parameter "n" is NUMBER_INTEGER');
    expect(() =>
      definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
        dag.task(produce, { code: "a", count: 2.5 });
      }),
    ).toThrow('input "count" expects NUMBER_INTEGER, got number 2.5');
  });

  it("reports references from another pipeline and from inside a loop", () => {
    let foreign: unknown;
    definePipeline({ name: "first", parameters: {} }, (_p, dag) => {
      foreign = dag.task(produce, { code: "a" }).outputs.data;
    });
    expect(() =>
      definePipeline({ name: "second", parameters: {} }, (_p, dag) => {
        dag.task(consume, { data: foreign as never, label: "x" });
      }),
    ).toThrow(/belongs to another pipeline/);
    expect(() =>
      definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
        let inner: unknown;
        dag.parallelFor(["a", "b"], {}, (item, body) => {
          inner = body.task(produce, { code: item }).outputs.data;
        });
        dag.task(consume, { data: inner as never, label: "x" });
      }),
    ).toThrow(/is produced inside "for-loop-1" and cannot be used outside it/);
  });

  it("reports duplicate explicit names, cross-scope ordering and empty pipelines", () => {
    expect(() =>
      definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
        dag.task(produce, { code: "a" }, { name: "x" });
        dag.task(produce, { code: "b" }, { name: "x" });
      }),
    ).toThrow('task name "x" is already used in this pipeline: choose another name');
    expect(() =>
      definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
        const outer = dag.task(produce, { code: "a" });
        dag.parallelFor(["a"], {}, (item, body) => body.task(produce, { code: item }, { after: [outer] }));
      }),
    ).toThrow(/"after" task "produce" is not a task of the same loop\/condition scope/);
    expect(() => definePipeline({ name: "p", parameters: {} }, () => undefined)).toThrow(/has no tasks/);
  });
});

describe("ParallelFor and conditions", () => {
  it("compiles a loop over a list parameter with a parallelism limit, threading outer values in", () => {
    const graph = definePipeline(
      { name: "p", parameters: { codes: param.list({ default: ["1aki", "2lzm"] }), n: param.int({ default: 1 }) } },
      (p, dag) => {
        const made = dag.task(produce, { code: "ref" });
        dag.parallelFor(p.codes, { parallelism: 2 }, (code, body) => {
          const inner = body.task(produce, { code, count: p.n });
          body.task(consume, { data: inner.outputs.data, label: made.outputs.summary });
        });
      },
    );
    const { spec } = ir(graph);
    const loopTask = spec.root.dag.tasks["for-loop-1"];
    expect(loopTask).toEqual({
      componentRef: { name: "comp-for-loop-1" },
      dependentTasks: ["produce"],
      inputs: {
        parameters: {
          "pipelinechannel--codes": { componentInputParameter: "codes" },
          "pipelinechannel--n": { componentInputParameter: "n" },
          "pipelinechannel--produce-summary": {
            taskOutputParameter: { outputParameterKey: "summary", producerTask: "produce" },
          },
        },
      },
      iteratorPolicy: { parallelismLimit: 2 },
      parameterIterator: {
        itemInput: "pipelinechannel--codes-loop-item",
        items: { inputParameter: "pipelinechannel--codes" },
      },
      taskInfo: { name: "for-loop-1" },
    });
    const loop = spec.components["comp-for-loop-1"];
    expect(loop.inputDefinitions.parameters).toEqual({
      "pipelinechannel--codes": { parameterType: "LIST" },
      "pipelinechannel--codes-loop-item": { parameterType: "STRING" },
      "pipelinechannel--n": { parameterType: "NUMBER_INTEGER" },
      "pipelinechannel--produce-summary": { parameterType: "STRING" },
    });
    expect(loop.dag.tasks["produce-2"].inputs.parameters).toEqual({
      code: { componentInputParameter: "pipelinechannel--codes-loop-item" },
      count: { componentInputParameter: "pipelinechannel--n" },
    });
    expect(loop.dag.tasks.consume.inputs.parameters.label).toEqual({
      componentInputParameter: "pipelinechannel--produce-summary",
    });
    expect(loop.dag.tasks.consume.dependentTasks).toEqual(["produce-2"]);
  });

  it("compiles a loop over constant items without a limit", () => {
    const graph = definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
      dag.parallelFor(["a", "b"], {}, (item, body) => body.task(produce, { code: item }));
    });
    const loopTask = ir(graph).spec.root.dag.tasks["for-loop-1"];
    expect(loopTask.parameterIterator).toEqual({
      itemInput: "pipelinechannel--loop-item-param-1",
      items: { raw: '["a","b"]' },
    });
    expect(loopTask.iteratorPolicy).toBeUndefined();
  });

  it("compiles nested conditions with trigger policies over channels", () => {
    const graph = definePipeline(
      { name: "p", parameters: { flag: param.bool({ default: true }), code: param.string({ default: "x" }) } },
      (p, dag) => {
        const made = dag.task(produce, { code: p.code });
        dag.condition(eq(p.flag, true), (inner) => {
          inner.condition(ne(made.outputs.summary, "skip"), (innermost) => {
            innermost.task(consume, { data: made.outputs.data, label: p.code });
          });
        });
      },
    );
    const { spec } = ir(graph);
    const outer = spec.root.dag.tasks["condition-1"];
    expect(outer.triggerPolicy).toEqual({ condition: "inputs.parameter_values['pipelinechannel--flag'] == true" });
    expect(outer.dependentTasks).toEqual(["produce"]);
    expect(outer.inputs.artifacts).toEqual({
      "pipelinechannel--produce-data": { taskOutputArtifact: { outputArtifactKey: "data", producerTask: "produce" } },
    });
    const inner = spec.components["comp-condition-1"].dag.tasks["condition-2"];
    expect(inner.triggerPolicy).toEqual({
      condition: "inputs.parameter_values['pipelinechannel--produce-summary'] != 'skip'",
    });
    expect(inner.inputs.parameters["pipelinechannel--produce-summary"]).toEqual({
      componentInputParameter: "pipelinechannel--produce-summary",
    });
    expect(spec.components["comp-condition-2"].dag.tasks.consume.inputs.artifacts.data).toEqual({
      componentInputArtifact: "pipelinechannel--produce-data",
    });
  });

  it("compares numbers with ordering operators", () => {
    const graph = definePipeline({ name: "p", parameters: { n: param.int({ default: 1 }) } }, (p, dag) => {
      dag.condition(compare(p.n, ">=", 3), (inner) => inner.task(produce, { code: "a", count: p.n }));
    });
    const { spec } = ir(graph);
    expect(spec.root.dag.tasks["condition-1"].triggerPolicy.condition).toBe(
      "inputs.parameter_values['pipelinechannel--n'] >= 3",
    );
    expect(spec.components["comp-condition-1"].dag.tasks.produce.inputs.parameters.count).toEqual({
      componentInputParameter: "pipelinechannel--n",
    });
  });

  it("rejects a condition comparing against the wrong type", () => {
    expect(() =>
      definePipeline({ name: "p", parameters: { flag: param.bool() } }, (p, dag) => {
        // @ts-expect-error the right-hand side must be a constant
        dag.condition(eq(p.flag, p.flag), (inner) => inner.task(produce, { code: "a" }));
      }),
    ).toThrow(/the right-hand side must be a constant/);
    expect(() =>
      definePipeline({ name: "p", parameters: { flag: param.bool() } }, (p, dag) => {
        // @ts-expect-error a boolean parameter compared with a string
        dag.condition(eq(p.flag, "yes"), (inner) => inner.task(produce, { code: "a" }));
      }),
    ).toThrow('condition "condition-1": right-hand side expects BOOLEAN, got string "yes"');
  });
});

describe("serialisation", () => {
  const build = () =>
    definePipeline(
      {
        name: "p",
        description: "demo",
        parameters: { z: param.string({ default: "z" }), a: param.double({ default: 1.5 }) },
      },
      (p, dag) => {
        const made = dag.task(produce, { code: p.z });
        dag.task(consume, { data: made.outputs.data, label: "x" });
      },
    );

  it("is deterministic and sorts map keys", () => {
    const first = toYaml(compilePipeline(build()));
    expect(toYaml(compilePipeline(build()))).toBe(first);
    const rootParams = first.slice(first.indexOf("  inputDefinitions:\n    parameters:"));
    expect(rootParams.indexOf("      a:")).toBeLessThan(rootParams.indexOf("      z:"));
    expect(first.startsWith("# PIPELINE DEFINITION\n# Name: p\n# Description: demo\n")).toBe(true);
  });

  it("writes the platform spec as a second YAML document", () => {
    const graph = definePipeline({ name: "p", parameters: {}, imagePullPolicy: "Never" }, (_p, dag) => {
      dag.task(produce, { code: "a" });
    });
    const text = toYaml(compilePipeline(graph));
    const [, platform] = text.split("\n---\n");
    expect(platform).toBe(
      "platforms:\n  kubernetes:\n    deploymentSpec:\n      executors:\n        exec-produce:\n          imagePullPolicy: Never\n",
    );
  });

  it("keeps artifact definitions typed", () => {
    const c = containerComponent({
      name: "md",
      image: IMAGE,
      command: ["m"],
      inputs: {},
      outputs: { note: artifact.markdown() },
      args: (io) => [io.outputs.note],
    });
    const graph = definePipeline({ name: "p", parameters: {} }, (_p, dag) => {
      dag.task(c, {});
    });
    expect(ir(graph).spec.components["comp-md"].outputDefinitions.artifacts.note.artifactType.schemaTitle).toBe(
      "system.Markdown",
    );
  });
});
