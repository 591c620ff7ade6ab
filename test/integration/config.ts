/** The stack config the integration tier runs the real program with (flat keys, project namespace). */

export interface IntegrationConfigInput {
  kubeconfig: string;
  context: string;
  kfpPath: string;
  /** URL of the fake KFP API server; undefined runs without the pipeline resource. */
  kfpApiEndpoint?: string;
  metricsPort: number;
}

/** A digest reference the stack accepts; no image is pulled (kwok pods do not run). */
export const TEST_AMBER_IMAGE = `localhost:5000/amber@sha256:${"ab".repeat(32)}`;

export function integrationConfig(i: IntegrationConfigInput): Record<string, string> {
  const config: Record<string, string> = {
    "cluster.mode": "existing",
    "cluster.kubeconfig": i.kubeconfig,
    "cluster.context": i.context,
    "kfp.source": "path",
    "kfp.path": i.kfpPath,
    "kfp.readinessTimeoutSeconds": "300",
    "amber.build": "false",
    "amber.image": TEST_AMBER_IMAGE,
    // Not Argo's default 9090, so the patch is visible in the API server.
    "workflowController.metricsPort": String(i.metricsPort),
    "pipeline.enabled": String(i.kfpApiEndpoint !== undefined),
  };
  if (i.kfpApiEndpoint !== undefined) {
    config["kfp.apiEndpoint"] = i.kfpApiEndpoint;
    config["pipeline.preset"] = "tiny";
  }
  return config;
}
