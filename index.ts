import * as pulumi from "@pulumi/pulumi";
import { ConfigError, loadConfig } from "./stacks/config";
import { knownPipelineParameters } from "./pipelines/protein/parameters";
import { PreflightError } from "./stacks/preflight/preflight";
import { KubeconfigError } from "./stacks/kube/kubeconfig";
import { KfpSourceError } from "./stacks/kfp/source";
import { createProteinPlatform, PlatformOutputs } from "./stacks/platform";

/** Problems the user fixes (each message names the key or tool and the fix), found before any resource. */
const USER_FACING = [ConfigError, PreflightError, KubeconfigError, KfpSourceError];

/** The engine prints a RunError's message alone: no stack trace, no "unhandled exception". */
function platform(): PlatformOutputs {
  try {
    return createProteinPlatform(loadConfig(knownPipelineParameters()));
  } catch (error) {
    if (USER_FACING.some((type) => error instanceof type)) throw new pulumi.RunError((error as Error).message);
    throw error;
  }
}
const outputs = platform();

export const kubeContext = outputs.kubeContext;
export const kfpVersion = outputs.kfpVersion;
export const kfpUiPortForward = outputs.kfpUiPortForward;
export const kfpUiUrl = outputs.kfpUiUrl;
export const kfpApiEndpoint = outputs.kfpApiEndpoint;
export const minioEndpoint = outputs.minioEndpoint;
export const minioConsolePortForward = outputs.minioConsolePortForward;
export const minioCredentials = outputs.minioCredentials;
export const registryAddress = outputs.registryAddress;
export const amberImage = outputs.amberImage;
export const amberCudaImage = outputs.amberCudaImage;
export const workflowControllerMetricsPort = outputs.workflowControllerMetricsPort;
export const pipelineRunUrl = outputs.pipelineRunUrl;
export const pipelineRunState = outputs.pipelineRunState;
export const pipelineRunId = outputs.pipelineRunId;
