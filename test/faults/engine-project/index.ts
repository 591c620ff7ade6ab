/** The fault suite's real-engine program: one pipeline-run resource, its KFP endpoint (the fault proxy) from config. */
import * as pulumi from "@pulumi/pulumi";
import { ProteinPipelineRun } from "../../../stacks/pipeline-run/protein-pipeline-run";
import { sampleIr } from "../../fixtures/provider-inputs";

const config = new pulumi.Config();
const run = new ProteinPipelineRun("run", {
  access: { kind: "endpoint", baseUrl: config.require("kfpUrl") },
  pipelineIr: sampleIr(),
  pipelineName: "protein-md",
  experimentName: "protein",
  parameters: { pdb_code: "1aki", steps: 500 },
  wait: true,
  timeoutSeconds: 600,
  onDestroy: "delete",
  kfpNamespace: "kubeflow",
  uiBaseUrl: "http://ui.example:8080",
  outageSeconds: config.requireNumber("outageSeconds"),
});

export const runId = run.runId;
export const state = run.state;
