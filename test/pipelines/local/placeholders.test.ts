import { executorInput, renderParameter, resolvePlaceholders, TaskIo } from "../../../pipelines/local/placeholders";

const io: TaskIo = {
  parameters: { title: "RMSD", steps: 50, weight: 9.5, masks: ["@CA", "@C"] },
  inputArtifacts: { input_top: { path: "/o/leap/output_top", schemaTitle: "system.Artifact" } },
  outputArtifacts: { output_metrics: { path: "/o/rms/output_metrics", schemaTitle: "system.Metrics" } },
  outputParameterFiles: { count: "/o/rms/parameters/count" },
  executorOutputFile: "/o/rms/executor_output.json",
};

describe("local runner: placeholders", () => {
  it("resolves parameters, artifact paths and uris, and output parameter files", () => {
    expect(resolvePlaceholders("{{$.inputs.parameters['title']}}", io)).toBe("RMSD");
    expect(resolvePlaceholders("--steps={{$.inputs.parameters['steps']}}", io)).toBe("--steps=50");
    expect(resolvePlaceholders("{{$.inputs.artifacts['input_top'].path}}", io)).toBe("/o/leap/output_top");
    expect(resolvePlaceholders("{{$.inputs.artifacts['input_top'].uri}}", io)).toBe("file:///o/leap/output_top");
    expect(resolvePlaceholders("{{$.outputs.artifacts['output_metrics'].path}}", io)).toBe("/o/rms/output_metrics");
    expect(resolvePlaceholders("{{$.outputs.parameters['count'].output_file}}", io)).toBe("/o/rms/parameters/count");
  });

  it("renders non-string parameters as JSON, as KFP does", () => {
    expect([renderParameter(9.5), renderParameter(true), renderParameter(["a"])]).toEqual(["9.5", "true", '["a"]']);
  });

  it("gives {{$}} the executor input with the metrics artifact typed and the output file", () => {
    const message = JSON.parse(resolvePlaceholders("{{$}}", io));
    expect(message.outputs.outputFile).toBe("/o/rms/executor_output.json");
    expect(message.outputs.artifacts.output_metrics.artifacts[0].type.schemaTitle).toBe("system.Metrics");
    expect(message.inputs.parameterValues.steps).toBe(50);
    expect(message).toEqual(executorInput(io));
  });

  it("fails on unknown names and unsupported placeholders instead of passing them through", () => {
    expect(() => resolvePlaceholders("{{$.inputs.parameters['nope']}}", io)).toThrow(/unknown input parameter 'nope'/);
    expect(() => resolvePlaceholders("{{$.outputs.artifacts['x'].path}}", io)).toThrow(/unknown output artifact 'x'/);
    expect(() => resolvePlaceholders("{{$.pipeline_job_name}}", io)).toThrow(/unsupported placeholder/);
    expect(() => resolvePlaceholders("{{$.inputs.artifacts['input_top'].metadata}}", io)).toThrow(
      /unsupported placeholder field/,
    );
  });
});
