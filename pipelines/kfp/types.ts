/** Typed building blocks of KFP v2 IR: parameter and artifact specs, and the references tasks pass. */

export type ParameterType = "STRING" | "NUMBER_INTEGER" | "NUMBER_DOUBLE" | "BOOLEAN" | "LIST" | "STRUCT";

export type ArtifactType = "system.Artifact" | "system.Dataset" | "system.HTML" | "system.Markdown" | "system.Metrics";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The TypeScript value of each parameter type. */
export interface ValueOfType {
  STRING: string;
  NUMBER_INTEGER: number;
  NUMBER_DOUBLE: number;
  BOOLEAN: boolean;
  LIST: JsonValue[];
  STRUCT: { [key: string]: JsonValue };
}

/** A parameter input/output. `Optional` is true when a default exists, so callers may omit it. */
export interface ParameterSpec<T extends ParameterType = ParameterType, Optional extends boolean = boolean> {
  readonly kind: "parameter";
  readonly type: T;
  readonly optional: Optional;
  readonly defaultValue?: ValueOfType[T];
  readonly description?: string;
}

export interface ArtifactSpec<T extends ArtifactType = ArtifactType> {
  readonly kind: "artifact";
  readonly type: T;
  readonly description?: string;
}

export type InputSpec = ParameterSpec | ArtifactSpec;
export type InputSpecs = Record<string, InputSpec>;
export type OutputSpecs = Record<string, ParameterSpec<ParameterType, false> | ArtifactSpec>;

interface ParamOptions {
  description?: string;
}

function parameterFactory<T extends ParameterType>(type: T) {
  function make(opts?: ParamOptions): ParameterSpec<T, false>;
  function make(opts: ParamOptions & { default: ValueOfType[T] }): ParameterSpec<T, true>;
  function make(opts: ParamOptions & { default?: ValueOfType[T] } = {}): ParameterSpec<T> {
    const hasDefault = opts.default !== undefined;
    return {
      kind: "parameter",
      type,
      optional: hasDefault,
      ...(hasDefault ? { defaultValue: opts.default } : {}),
      ...(opts.description ? { description: opts.description } : {}),
    };
  }
  return make;
}

function artifactFactory<T extends ArtifactType>(type: T) {
  return (opts: { description?: string } = {}): ArtifactSpec<T> => ({
    kind: "artifact",
    type,
    ...(opts.description ? { description: opts.description } : {}),
  });
}

export const param = {
  string: parameterFactory("STRING"),
  int: parameterFactory("NUMBER_INTEGER"),
  double: parameterFactory("NUMBER_DOUBLE"),
  bool: parameterFactory("BOOLEAN"),
  list: parameterFactory("LIST"),
  struct: parameterFactory("STRUCT"),
};

export const artifact = {
  artifact: artifactFactory("system.Artifact"),
  dataset: artifactFactory("system.Dataset"),
  html: artifactFactory("system.HTML"),
  markdown: artifactFactory("system.Markdown"),
  metrics: artifactFactory("system.Metrics"),
};

/** Where a value comes from at run time. Scopes and tasks are opaque to users. */
export type ParamSource =
  | { readonly kind: "pipelineInput"; readonly name: string }
  | { readonly kind: "taskOutput"; readonly taskId: number; readonly output: string }
  | { readonly kind: "loopItem"; readonly loopId: number };

export type ArtifactSource = { readonly kind: "taskOutput"; readonly taskId: number; readonly output: string };

/** A run-time parameter value: a pipeline parameter, a task's output parameter, or a loop item. */
export class ParamRef<T extends ParameterType = ParameterType> {
  readonly kind = "param" as const;
  constructor(
    readonly type: T,
    readonly source: ParamSource,
    readonly label: string,
  ) {}
}

/** A task's output artifact. */
export class ArtifactRef<T extends ArtifactType = ArtifactType> {
  readonly kind = "artifactRef" as const;
  constructor(
    readonly type: T,
    readonly source: ArtifactSource,
    readonly label: string,
  ) {}
}

/** `system.Artifact` inputs take any artifact; every other artifact type must match exactly. */
type AcceptedArtifact<T extends ArtifactType> = T extends "system.Artifact" ? ArtifactType : T;

/** What a task may pass for an input of the given spec. */
export type ArgumentFor<S> =
  S extends ParameterSpec<infer T>
    ? ValueOfType[T] | ParamRef<T>
    : S extends ArtifactSpec<infer A>
      ? ArtifactRef<AcceptedArtifact<A>>
      : never;

type RequiredKeys<I> = { [K in keyof I]: I[K] extends { optional: true } ? never : K }[keyof I];
type OptionalKeys<I> = Exclude<keyof I, RequiredKeys<I>>;

/** Task arguments: required inputs must be given, unknown names are rejected by the compiler. */
export type TaskArguments<I extends InputSpecs> = { [K in RequiredKeys<I>]: ArgumentFor<I[K]> } & {
  [K in OptionalKeys<I>]?: ArgumentFor<I[K]>;
};

/** The references a task exposes for its outputs. */
export type TaskOutputs<O extends OutputSpecs> = {
  readonly [K in keyof O]: O[K] extends ArtifactSpec<infer A>
    ? ArtifactRef<A>
    : O[K] extends ParameterSpec<infer T>
      ? ParamRef<T>
      : never;
};

/** Pipeline parameters as references. */
export type ParamRefs<P extends Record<string, ParameterSpec>> = {
  readonly [K in keyof P]: P[K] extends ParameterSpec<infer T> ? ParamRef<T> : never;
};

export function isParamRef(value: unknown): value is ParamRef {
  return value instanceof ParamRef;
}

export function isArtifactRef(value: unknown): value is ArtifactRef {
  return value instanceof ArtifactRef;
}
