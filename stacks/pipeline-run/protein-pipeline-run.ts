/**
 * ProteinPipelineRun: uploads the compiled IR to KFP (pipeline by name, version by IR hash), ensures
 * the experiment, starts a run and optionally waits for it. The provider (provider.ts) is serialized
 * into state and runs in a separate process.
 */
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, DynamicResourceSpec } from "../dynamic/dynamic-resource";
import type { KfpAccess } from "../kfp-api/access";
import type { KubeAccess } from "../kube/api";
import type { PipelineParameters } from "../../pipelines/protein/presets";
import { makeRunProvider } from "./provider";

export const PROTEIN_PIPELINE_RUN: DynamicResourceSpec = {
  module: "kfp-protein",
  type: "ProteinPipelineRun",
  version: {
    file: __filename,
    modules: [
      "protein-pipeline-run",
      "provider",
      "start-run",
      "decisions",
      "ir-hash",
      "pod-faults",
      "run-pods",
      "stuck-pods",
      "../kfp-api/access",
      "../kfp-api/client",
      "../kfp-api/ensure",
      "../kfp-api/errors",
      "../kfp-api/multipart",
      "../kfp-api/task-details",
      "../dynamic/errors",
      "../dynamic/http",
      "../dynamic/retry",
      "../kube/kubeconfig",
      "../util/shell",
      "../kube/quantity",
      "../../pipelines/protein/step-resources",
    ],
  },
  secretInputs: ["access", "podAccess"],
};

let sharedProvider: pulumi.dynamic.ResourceProvider | undefined;

export interface ProteinPipelineRunArgs {
  access: pulumi.Input<KfpAccess>;
  pipelineIr: pulumi.Input<string>;
  pipelineName: pulumi.Input<string>;
  experimentName: pulumi.Input<string>;
  parameters: pulumi.Input<PipelineParameters>;
  wait: boolean;
  timeoutSeconds: number;
  rerunToken?: string;
  onDestroy: "archive" | "delete";
  uiBaseUrl?: pulumi.Input<string>;
  kfpNamespace: string;
  /** Kube context of KFP's cluster, named in the `kubectl logs` command a failed run's error suggests. Default none. */
  kubeContext?: pulumi.Input<string>;
  /** The cluster KFP runs in: while waiting, the run's pods are read and a stuck one fails the wait. Default: not read. */
  podAccess?: pulumi.Input<KubeAccess>;
  /** A stuck pod's run is left in KFP for inspection or terminated. Default "terminate". */
  onPodFault?: "leave" | "terminate";
  /** Object-store root for artifacts; default KFP's `minio://mlpipeline/v2/artifacts`. */
  pipelineRoot?: pulumi.Input<string>;
  /** How long an unreachable or failing KFP API is retried before an operation fails; default 300 s. */
  outageSeconds?: number;
}

export class ProteinPipelineRun extends DynamicResource {
  declare readonly pipelineId: pulumi.Output<string>;
  declare readonly versionId: pulumi.Output<string>;
  declare readonly experimentId: pulumi.Output<string>;
  declare readonly runId: pulumi.Output<string>;
  declare readonly state: pulumi.Output<string>;
  declare readonly runUrl: pulumi.Output<string>;
  declare readonly artifactRoot: pulumi.Output<string>;

  constructor(name: string, args: ProteinPipelineRunArgs, opts?: pulumi.CustomResourceOptions) {
    sharedProvider ??= makeRunProvider();
    const outputs = {
      pipelineId: undefined,
      versionId: undefined,
      experimentId: undefined,
      runId: undefined,
      state: undefined,
      runUrl: undefined,
      artifactRoot: undefined,
    };
    // Marks what the run creates in KFP as this stack's, so an object whose creation answer was lost is still ours.
    const owner = `${pulumi.getProject()}/${pulumi.getStack()}/${name}`;
    super(sharedProvider, name, { ...args, owner, ...outputs }, opts, PROTEIN_PIPELINE_RUN);
  }
}
