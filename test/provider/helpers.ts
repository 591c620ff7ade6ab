/** Shared fixtures for the provider tests. */
import type { KfpAccess } from "../../stacks/kfp-access";
import type { RunInputs } from "../../stacks/run-lifecycle";

export const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };
export const FAST_POLL = { initialMs: 1, factor: 1, maxMs: 1 };

export function sampleIr(marker = "v1"): string {
  return [
    "# PIPELINE DEFINITION",
    "# Name: protein-md",
    "components:",
    "  comp-fetch:",
    "    executorLabel: exec-fetch",
    "deploymentSpec:",
    "  executors:",
    "    exec-fetch:",
    "      container:",
    `        image: localhost:5000/amber@sha256:${marker.padEnd(64, "0")}`,
    "pipelineInfo:",
    "  name: protein-md",
    "root:",
    "  dag:",
    "    tasks:",
    "      fetch-pdb:",
    "        componentRef: {name: comp-fetch}",
    "        taskInfo: {name: fetch-pdb}",
    "      leap-gen-top:",
    "        componentRef: {name: comp-fetch}",
    "        taskInfo: {name: leap-gen-top}",
    "schemaVersion: 2.1.0",
    "sdkVersion: kfp-protein-stack",
    "",
  ].join("\n");
}

export function endpointAccess(url: string): KfpAccess {
  return { kind: "endpoint", baseUrl: url };
}

export function runInputs(url: string, overrides: Partial<RunInputs> = {}): RunInputs {
  return {
    access: endpointAccess(url),
    pipelineIr: sampleIr(),
    pipelineName: "protein-md",
    experimentName: "protein",
    parameters: { pdb_code: "1aki", steps: 500 },
    wait: true,
    timeoutSeconds: 30,
    onDestroy: "archive",
    uiBaseUrl: "http://ui.example:8080",
    kfpNamespace: "kubeflow",
    providerVersion: "test",
    ...overrides,
  };
}
