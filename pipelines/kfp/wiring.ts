/** Run-time checks of task wiring, for mistakes the TypeScript types cannot catch (or casts hide). */
import { ContainerComponent } from "./component";
import { InputSpec, ParameterType, isArtifactRef, isParamRef } from "./types";

export function checkTaskArguments(where: string, component: ContainerComponent, args: Record<string, unknown>): void {
  const inputs = component.inputs;
  const known = Object.keys(inputs);
  for (const name of Object.keys(args)) {
    if (!(name in inputs)) {
      throw new Error(
        `${where}: component "${component.name}" has no input "${name}"; its inputs are: ${known.join(", ") || "(none)"}`,
      );
    }
  }
  for (const [name, spec] of Object.entries(inputs)) {
    const value = args[name];
    if (value === undefined) {
      if (spec.kind === "artifact" || !spec.optional) {
        throw new Error(
          `${where}: required input "${name}" of component "${component.name}" is not wired: pass a value`,
        );
      }
      continue;
    }
    checkArgument(where, `input "${name}"`, spec, value);
  }
}

/** Checks one value (constant or reference) against the spec it is passed to. */
export function checkArgument(where: string, what: string, spec: InputSpec, value: unknown): void {
  if (spec.kind === "artifact") {
    if (!isArtifactRef(value)) {
      throw new Error(
        `${where}: ${what} expects a ${spec.type} artifact from another task's outputs, got ${describe(value)}`,
      );
    }
    if (spec.type !== "system.Artifact" && value.type !== spec.type) {
      throw new Error(`${where}: ${what} expects ${spec.type} but ${value.label} is ${value.type}`);
    }
    return;
  }
  if (isArtifactRef(value)) {
    throw new Error(`${where}: ${what} is a ${spec.type} parameter but got ${value.label} (an artifact)`);
  }
  if (isParamRef(value)) {
    if (value.type !== spec.type) {
      throw new Error(`${where}: ${what} expects ${spec.type} but ${value.label} is ${value.type}`);
    }
    return;
  }
  if (!constantMatches(spec.type, value)) {
    throw new Error(`${where}: ${what} expects ${spec.type}, got ${describe(value)}`);
  }
}

function constantMatches(type: ParameterType, value: unknown): boolean {
  switch (type) {
    case "STRING":
      return typeof value === "string";
    case "NUMBER_INTEGER":
      return Number.isInteger(value);
    case "NUMBER_DOUBLE":
      return typeof value === "number" && Number.isFinite(value);
    case "BOOLEAN":
      return typeof value === "boolean";
    case "LIST":
      return Array.isArray(value);
    case "STRUCT":
      return typeof value === "object" && value !== null && !Array.isArray(value);
  }
}

function describe(value: unknown): string {
  if (isParamRef(value)) return `${value.label} (${value.type})`;
  if (Array.isArray(value)) return "a list";
  return value === null ? "null" : `${typeof value} ${JSON.stringify(value)}`;
}
