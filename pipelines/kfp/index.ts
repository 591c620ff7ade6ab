/** A small typed TypeScript SDK for Kubeflow Pipelines v2 IR (no Pulumi in here). */
export * from "./types";
export { containerComponent, EXECUTOR_INPUT } from "./component";
export type { ContainerComponent, ImagePullPolicy } from "./component";
export type { Resources, Toleration } from "./resources";
export { definePipeline, Dag, compare, eq, ne } from "./pipeline";
export type { Task, TaskOptions, PipelineGraph, Condition } from "./pipeline";
export { compilePipeline, toYaml, SCHEMA_VERSION, SDK_VERSION } from "./compile";
export type { CompiledPipeline } from "./compile";
