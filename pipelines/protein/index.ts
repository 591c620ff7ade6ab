/** What the stack imports: IR compilers for the protein pipelines and the parameter presets. */
export { compileProteinPipeline, PROTEIN_PIPELINE_NAME } from "./pipeline";
export { compileBatchPipeline, BATCH_PIPELINE_NAME, DEFAULT_BATCH_PARALLELISM } from "./batch";
export type { BatchOptions } from "./batch";
export { presets, batchParameters } from "./presets";
export { PRESET_NAMES } from "./presets";
export type { ParameterValue, PipelineParameters, PresetName } from "./presets";
export { DEFAULT_STEP_RESOURCES, STEP_CLASSES, mdRequestsGpu } from "./step-resources";
export type { StepClass, StepResources } from "./step-resources";
export type { StepOptions } from "./steps";
