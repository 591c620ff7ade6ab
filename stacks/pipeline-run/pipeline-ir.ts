/** The IR a stack uploads for its pipeline config: the one function `up` and `npm run compile` share. */
import { StepOptions, compileBatchPipeline, compileProteinPipeline, mdRequestsGpu } from "../../pipelines/protein";
import { PipelineConfig } from "../config";

export interface PipelineImages {
  /** The AMBER image, by digest. */
  image: string;
  /** Its CUDA variant, by digest: needed when the MD steps request a GPU. */
  cudaImage?: string;
}

/** Whether this pipeline config runs MD steps on the AMBER image's CUDA variant. */
export function needsCudaImage(pipeline: PipelineConfig): boolean {
  return mdRequestsGpu(pipeline.resources);
}

/** The steps' images and resources for this pipeline config. */
export function stepOptions(pipeline: PipelineConfig, images: PipelineImages): StepOptions {
  if (needsCudaImage(pipeline) && !images.cudaImage)
    throw new Error("the MD steps request a GPU (pipeline.resources.md.gpu) but no CUDA image was given");
  return {
    image: images.image,
    ...(needsCudaImage(pipeline) ? { mdImage: images.cudaImage } : {}),
    resources: pipeline.resources,
  };
}

/** pipeline.pdbCodes: the batch pipeline (a ParallelFor over the codes); otherwise the one-protein pipeline. */
export function stackPipelineIr(pipeline: PipelineConfig, images: PipelineImages): string {
  const steps = stepOptions(pipeline, images);
  return pipeline.pdbCodes
    ? compileBatchPipeline({ ...steps, parallelism: pipeline.parallelism })
    : compileProteinPipeline(steps);
}
