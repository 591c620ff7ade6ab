import { loadConfig } from "./stacks/config";
import { knownPipelineParameters } from "./pipelines/protein/parameters";
import { createProteinPlatform } from "./stacks/platform";

const platform = createProteinPlatform(loadConfig(knownPipelineParameters()));

export const kubeContext = platform.kubeContext;
export const kfpVersion = platform.kfpVersion;
export const kfpUiPortForward = platform.kfpUiPortForward;
export const kfpUiUrl = platform.kfpUiUrl;
export const kfpApiEndpoint = platform.kfpApiEndpoint;
export const minioEndpoint = platform.minioEndpoint;
export const minioConsolePortForward = platform.minioConsolePortForward;
export const minioCredentials = platform.minioCredentials;
export const registryAddress = platform.registryAddress;
export const amberImage = platform.amberImage;
export const amberCudaImage = platform.amberCudaImage;
export const workflowControllerMetricsPort = platform.workflowControllerMetricsPort;
export const pipelineRunUrl = platform.pipelineRunUrl;
export const pipelineRunState = platform.pipelineRunState;
export const pipelineRunId = platform.pipelineRunId;
