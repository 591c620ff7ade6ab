/** Tiny KFP v2 IRs for the local runner's tests: executors are `sh -c` scripts, no AmberTools. */
import { stringify } from "yaml";

export interface FakeTask {
  script: string;
  inputs?: Record<string, string>; // input artifact name → "producer.output"
  params?: Record<string, { constant: unknown } | { pipeline: string }>;
  outputs?: string[];
  metrics?: boolean;
  after?: string[];
  cache?: boolean;
}

/**
 * Each task runs `sh -c SCRIPT` with positional args: $1.. = `--name value` pairs of its inputs,
 * parameters and outputs, resolved by the runner.
 */
export function fakeIr(
  tasks: Record<string, FakeTask>,
  pipelineParams: Record<string, { type: string; default?: unknown }> = {},
) {
  const components: Record<string, unknown> = {};
  const executors: Record<string, unknown> = {};
  const dagTasks: Record<string, unknown> = {};
  for (const [name, task] of Object.entries(tasks)) {
    const outputs = task.outputs ?? [];
    const args: string[] = [];
    for (const input of Object.keys(task.inputs ?? {}))
      args.push(`--${input}`, `{{$.inputs.artifacts['${input}'].path}}`);
    for (const param of Object.keys(task.params ?? {})) args.push(`--${param}`, `{{$.inputs.parameters['${param}']}}`);
    for (const output of outputs) args.push(`--${output}`, `{{$.outputs.artifacts['${output}'].path}}`);
    if (task.metrics) args.push("--executor-input", "{{$}}");
    components[`comp-${name}`] = {
      executorLabel: `exec-${name}`,
      outputDefinitions: {
        artifacts: Object.fromEntries([
          ...outputs.map((o) => [o, { artifactType: { schemaTitle: "system.Dataset", schemaVersion: "0.0.1" } }]),
          ...(task.metrics
            ? [["metrics", { artifactType: { schemaTitle: "system.Metrics", schemaVersion: "0.0.1" } }]]
            : []),
        ]),
      },
    };
    executors[`exec-${name}`] = { container: { image: "test:1", command: ["sh", "-c", task.script, name], args } };
    const inputs = task.inputs ?? {};
    dagTasks[name] = {
      componentRef: { name: `comp-${name}` },
      taskInfo: { name },
      cachingOptions: { enableCache: task.cache ?? true },
      ...(task.after ? { dependentTasks: task.after } : {}),
      inputs: {
        artifacts: Object.fromEntries(
          Object.entries(inputs).map(([input, ref]) => {
            const [producerTask, outputArtifactKey] = ref.split(".");
            return [input, { taskOutputArtifact: { producerTask, outputArtifactKey } }];
          }),
        ),
        parameters: Object.fromEntries(
          Object.entries(task.params ?? {}).map(([param, source]) => [
            param,
            "constant" in source
              ? { runtimeValue: { constant: source.constant } }
              : { componentInputParameter: source.pipeline },
          ]),
        ),
      },
    };
  }
  return stringify({
    pipelineInfo: { name: "fake" },
    schemaVersion: "2.1.0",
    sdkVersion: "test",
    components,
    deploymentSpec: { executors },
    root: {
      dag: { tasks: dagTasks },
      inputDefinitions: {
        parameters: Object.fromEntries(
          Object.entries(pipelineParams).map(([name, p]) => [
            name,
            {
              parameterType: p.type,
              ...(p.default !== undefined ? { defaultValue: p.default, isOptional: true } : {}),
            },
          ]),
        ),
      },
    },
  });
}
