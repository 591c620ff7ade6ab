/** The IR blocks of one container component: input/output definitions, executor, task inputs. Pure. */
import { ContainerComponent } from "./component";
import type { TaskNode } from "./pipeline";
import { resourcesToIr } from "./resources";
import { ArtifactSpec, ArtifactType, ParameterSpec, ParameterType } from "./types";

export type Ir = Record<string, unknown>;

export function containerComponentIr(component: ContainerComponent): Ir {
  const inputParameters: Ir = {};
  const inputArtifacts: Ir = {};
  for (const [name, spec] of Object.entries(component.inputs)) {
    if (spec.kind === "artifact") inputArtifacts[name] = artifactDefinition(spec.type, spec);
    else inputParameters[name] = parameterDefinition(spec);
  }
  const outputParameters: Ir = {};
  const outputArtifacts: Ir = {};
  for (const [name, spec] of Object.entries(component.outputs)) {
    if (spec.kind === "artifact") outputArtifacts[name] = artifactDefinition(spec.type, spec);
    else outputParameters[name] = { parameterType: spec.type, ...descriptionOf(spec) };
  }
  return {
    ...definitions(inputParameters, inputArtifacts),
    ...definitions(outputParameters, outputArtifacts, "outputDefinitions"),
  };
}

export function executorIr(component: ContainerComponent, task: TaskNode): Ir {
  const resources = resourcesToIr(task.resources);
  const env = Object.entries(component.env)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  return {
    container: {
      ...(component.args.length > 0 ? { args: component.args } : {}),
      command: component.command,
      ...(env.length > 0 ? { env } : {}),
      image: component.image,
      ...(resources ? { resources } : {}),
    },
  };
}

export function parameterDefinition(spec: ParameterSpec): Ir {
  return {
    parameterType: spec.type satisfies ParameterType,
    ...(spec.defaultValue !== undefined ? { defaultValue: spec.defaultValue, isOptional: true } : {}),
    ...descriptionOf(spec),
  };
}

export function artifactDefinition(type: ArtifactType, spec?: ArtifactSpec): Ir {
  return { artifactType: { schemaTitle: type, schemaVersion: "0.0.1" }, ...descriptionOf(spec) };
}

export function descriptionOf(spec?: { description?: string }): Ir {
  return spec?.description ? { description: spec.description } : {};
}

export function definitions(parameters: Ir, artifacts: Ir, key = "inputDefinitions"): Ir {
  const block: Ir = {};
  if (Object.keys(artifacts).length > 0) block.artifacts = artifacts;
  if (Object.keys(parameters).length > 0) block.parameters = parameters;
  return Object.keys(block).length > 0 ? { [key]: block } : {};
}

export function inputsBlock(parameters: Ir, artifacts: Ir): Ir {
  const block: Ir = {};
  if (Object.keys(artifacts).length > 0) block.artifacts = artifacts;
  if (Object.keys(parameters).length > 0) block.parameters = parameters;
  return Object.keys(block).length > 0 ? { inputs: block } : {};
}
