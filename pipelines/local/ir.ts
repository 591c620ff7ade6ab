/**
 * Reads a compiled KFP v2 PipelineSpec (IR YAML) into the flat task list the local runner executes.
 * Only what a single-level DAG of container tasks needs; ParallelFor and conditions are refused.
 */
import { parseAllDocuments } from "yaml";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type ParameterSource =
  | { kind: "constant"; value: JsonValue }
  | { kind: "pipeline"; name: string }
  | { kind: "taskOutput"; producerTask: string; outputParameterKey: string };

export interface ArtifactSource {
  producerTask: string;
  outputArtifactKey: string;
}

export interface LocalTask {
  name: string;
  componentName: string;
  image: string;
  command: string[];
  args: string[];
  env: Record<string, string>;
  dependsOn: string[];
  parameters: Record<string, ParameterSource>;
  artifacts: Record<string, ArtifactSource>;
  /** output artifact name → schemaTitle (system.HTML, …) */
  outputArtifacts: Record<string, string>;
  outputParameters: string[];
  enableCache: boolean;
}

export interface PipelineParameter {
  type: string;
  defaultValue?: JsonValue;
}

export interface LocalPipeline {
  name: string;
  parameters: Record<string, PipelineParameter>;
  tasks: LocalTask[];
}

type Obj = Record<string, unknown>;

function obj(value: unknown, where: string): Obj {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`IR: ${where} is missing or not a mapping`);
  }
  return value as Obj;
}

function optionalObj(value: unknown, where: string): Obj {
  return value === undefined ? {} : obj(value, where);
}

function strings(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`IR: ${where} must be a list`);
  return value.map((item) => String(item));
}

function parameterSource(spec: Obj, where: string): ParameterSource {
  if (spec.runtimeValue !== undefined) {
    return { kind: "constant", value: obj(spec.runtimeValue, where).constant as JsonValue };
  }
  if (typeof spec.componentInputParameter === "string") {
    return { kind: "pipeline", name: spec.componentInputParameter };
  }
  if (spec.taskOutputParameter !== undefined) {
    const ref = obj(spec.taskOutputParameter, where);
    return {
      kind: "taskOutput",
      producerTask: String(ref.producerTask),
      outputParameterKey: String(ref.outputParameterKey),
    };
  }
  throw new Error(`IR: ${where} has no runtimeValue, componentInputParameter or taskOutputParameter`);
}

function readTask(name: string, raw: Obj, components: Obj, executors: Obj): LocalTask {
  const where = `root.dag.tasks.${name}`;
  if (raw.parameterIterator !== undefined || raw.artifactIterator !== undefined) {
    throw new Error(
      `IR: task ${name} is a ParallelFor loop; the local runner runs single-level DAGs only (use protein.yaml, not the batch pipeline)`,
    );
  }
  if (raw.triggerPolicy !== undefined && obj(raw.triggerPolicy, where).condition !== undefined) {
    throw new Error(`IR: task ${name} has a condition (triggerPolicy); the local runner does not support conditions`);
  }
  const componentName = String(obj(raw.componentRef, `${where}.componentRef`).name);
  const component = obj(components[componentName], `components.${componentName}`);
  if (component.dag !== undefined || typeof component.executorLabel !== "string") {
    throw new Error(
      `IR: component ${componentName} of task ${name} is a nested DAG; the local runner runs container tasks only`,
    );
  }
  const executor = obj(executors[component.executorLabel], `deploymentSpec.executors.${component.executorLabel}`);
  const container = obj(executor.container, `executor ${component.executorLabel}.container`);
  const inputs = optionalObj(raw.inputs, `${where}.inputs`);
  const parameters: Record<string, ParameterSource> = {};
  for (const [key, spec] of Object.entries(optionalObj(inputs.parameters, `${where}.inputs.parameters`))) {
    parameters[key] = parameterSource(
      obj(spec, `${where}.inputs.parameters.${key}`),
      `${where}.inputs.parameters.${key}`,
    );
  }
  const artifacts: Record<string, ArtifactSource> = {};
  for (const [key, spec] of Object.entries(optionalObj(inputs.artifacts, `${where}.inputs.artifacts`))) {
    const ref = obj(
      obj(spec, `${where}.inputs.artifacts.${key}`).taskOutputArtifact,
      `${where}.inputs.artifacts.${key}.taskOutputArtifact`,
    );
    artifacts[key] = { producerTask: String(ref.producerTask), outputArtifactKey: String(ref.outputArtifactKey) };
  }
  const outputs = optionalObj(component.outputDefinitions, `components.${componentName}.outputDefinitions`);
  const outputArtifacts: Record<string, string> = {};
  for (const [key, spec] of Object.entries(optionalObj(outputs.artifacts, "outputDefinitions.artifacts"))) {
    outputArtifacts[key] = String(optionalObj(obj(spec, key).artifactType, key).schemaTitle ?? "system.Artifact");
  }
  const env: Record<string, string> = {};
  for (const entry of (container.env as Obj[] | undefined) ?? []) env[String(entry.name)] = String(entry.value ?? "");
  const producers = [
    ...Object.values(artifacts).map((a) => a.producerTask),
    ...Object.values(parameters).flatMap((p) => (p.kind === "taskOutput" ? [p.producerTask] : [])),
  ];
  const caching = optionalObj(raw.cachingOptions, `${where}.cachingOptions`);
  return {
    name,
    componentName,
    image: String(container.image ?? ""),
    command: strings(container.command, `${component.executorLabel}.command`),
    args: strings(container.args, `${component.executorLabel}.args`),
    env,
    dependsOn: [...new Set([...strings(raw.dependentTasks, `${where}.dependentTasks`), ...producers])].sort(),
    parameters,
    artifacts,
    outputArtifacts,
    outputParameters: Object.keys(optionalObj(outputs.parameters, "outputDefinitions.parameters")),
    enableCache: caching.enableCache !== false,
  };
}

export function parsePipeline(yamlText: string): LocalPipeline {
  const documents = parseAllDocuments(yamlText);
  if (documents.length === 0) throw new Error("IR: the file is empty");
  const first = documents[0];
  if (!("toJS" in first) || first.errors.length > 0) {
    throw new Error(`IR: not valid YAML (${"errors" in first ? first.errors[0]?.message : "unknown error"})`);
  }
  const spec = obj(first.toJS(), "document");
  const root = obj(spec.root, "root");
  const dag = obj(root.dag, "root.dag");
  const components = obj(spec.components, "components");
  const executors = obj(obj(spec.deploymentSpec, "deploymentSpec").executors, "deploymentSpec.executors");
  const tasks = Object.entries(obj(dag.tasks, "root.dag.tasks")).map(([name, raw]) =>
    readTask(name, obj(raw, `root.dag.tasks.${name}`), components, executors),
  );
  const parameters: Record<string, PipelineParameter> = {};
  const definitions = optionalObj(optionalObj(root.inputDefinitions, "root.inputDefinitions").parameters, "parameters");
  for (const [key, raw] of Object.entries(definitions)) {
    const definition = obj(raw, `root.inputDefinitions.parameters.${key}`);
    parameters[key] = {
      type: String(definition.parameterType ?? "STRING"),
      ...(definition.defaultValue !== undefined ? { defaultValue: definition.defaultValue as JsonValue } : {}),
    };
  }
  const info = optionalObj(spec.pipelineInfo, "pipelineInfo");
  return { name: String(info.name ?? "pipeline"), parameters, tasks };
}
