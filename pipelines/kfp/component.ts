/** Container components: typed inputs/outputs and a container whose args use KFP placeholders. */
import { Resources } from "./resources";
import { InputSpecs, OutputSpecs } from "./types";

export type ImagePullPolicy = "Always" | "IfNotPresent" | "Never";

/** Placeholders handed to `args`: input values/paths, output paths, and the executor input JSON. */
export interface Placeholders<I extends InputSpecs, O extends OutputSpecs> {
  readonly inputs: { readonly [K in keyof I]: string };
  readonly outputs: { readonly [K in keyof O]: string };
  /** `{{$}}`: the executor input JSON (its outputs.outputFile receives output metadata such as Metrics). */
  readonly executorInput: string;
}

export interface ContainerComponentDefinition<I extends InputSpecs, O extends OutputSpecs> {
  name: string;
  description?: string;
  inputs: I;
  outputs: O;
  image: string;
  command: string[];
  args: (io: Placeholders<I, O>) => string[];
  env?: Record<string, string>;
  resources?: Resources;
  imagePullPolicy?: ImagePullPolicy;
}

export interface ContainerComponent<I extends InputSpecs = InputSpecs, O extends OutputSpecs = OutputSpecs> {
  readonly kind: "container";
  readonly name: string;
  readonly description?: string;
  readonly inputs: I;
  readonly outputs: O;
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly resources: Resources;
  readonly imagePullPolicy?: ImagePullPolicy;
}

const COMPONENT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const IO_NAME = /^[a-z_][a-z0-9_]*$/;
const DIGEST_REF = /@sha256:[0-9a-f]{64}$/;

export function inputPlaceholder(name: string, isArtifact: boolean): string {
  return isArtifact ? `{{$.inputs.artifacts['${name}'].path}}` : `{{$.inputs.parameters['${name}']}}`;
}

export function outputPlaceholder(name: string, isArtifact: boolean): string {
  return isArtifact ? `{{$.outputs.artifacts['${name}'].path}}` : `{{$.outputs.parameters['${name}'].output_file}}`;
}

export const EXECUTOR_INPUT = "{{$}}";

/** Image references must be pinned by digest so runs are reproducible and the pull policy stays IfNotPresent. */
export function checkPinnedImage(image: string, where: string): void {
  if (!DIGEST_REF.test(image)) {
    throw new Error(`${where}: image "${image}" is not pinned: use a digest reference NAME@sha256:<64 hex>`);
  }
}

export function containerComponent<I extends InputSpecs, O extends OutputSpecs>(
  def: ContainerComponentDefinition<I, O>,
): ContainerComponent<I, O> {
  const where = `component "${def.name}"`;
  if (!COMPONENT_NAME.test(def.name)) {
    throw new Error(`${where}: name must be lowercase letters, digits and dashes (e.g. "sander-mdrun")`);
  }
  for (const name of [...Object.keys(def.inputs), ...Object.keys(def.outputs)]) {
    if (!IO_NAME.test(name)) {
      throw new Error(`${where}: input/output name "${name}" must be snake_case (letters, digits, underscores)`);
    }
  }
  const clash = Object.keys(def.inputs).find((name) => name in def.outputs);
  if (clash) {
    throw new Error(`${where}: "${clash}" is both an input and an output: rename one`);
  }
  checkPinnedImage(def.image, where);
  if (def.command.length === 0) {
    throw new Error(`${where}: command is empty: give the executable to run`);
  }

  const inputs = mapEntries(def.inputs, (name, spec) => inputPlaceholder(name, spec.kind === "artifact"));
  const outputs = mapEntries(def.outputs, (name, spec) => outputPlaceholder(name, spec.kind === "artifact"));
  const args = def.args({
    inputs: inputs as Placeholders<I, O>["inputs"],
    outputs: outputs as Placeholders<I, O>["outputs"],
    executorInput: EXECUTOR_INPUT,
  });
  checkAllIoUsed(where, [...def.command, ...args], { ...inputs, ...outputs });

  return {
    kind: "container",
    name: def.name,
    ...(def.description ? { description: def.description } : {}),
    inputs: def.inputs,
    outputs: def.outputs,
    image: def.image,
    command: [...def.command],
    args,
    env: { ...def.env },
    resources: { ...def.resources },
    ...(def.imagePullPolicy ? { imagePullPolicy: def.imagePullPolicy } : {}),
  };
}

/** A declared input or output that never reaches the container is almost always a wiring mistake. */
function checkAllIoUsed(where: string, argv: string[], placeholders: Record<string, string>): void {
  const text = argv.join("\n");
  const unused = Object.entries(placeholders)
    .filter(([, placeholder]) => !text.includes(placeholder))
    .map(([name]) => name);
  if (unused.length > 0) {
    throw new Error(`${where}: declared but not passed to the container: ${unused.join(", ")}; add them to args`);
  }
}

function mapEntries<V, R>(record: Record<string, V>, fn: (key: string, value: V) => R): Record<string, R> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(key, value)]));
}
