/** The stack config the integration tier runs the real program with (flat keys, project namespace). */
import { KeySpec } from "../../stacks/config-schema";

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

/**
 * Every declared key set explicitly (declared default where the test has no value). The engine
 * applies Pulumi.yaml defaults of dotted keys as property paths (`cluster.mode` becomes an object
 * `cluster: {mode}`), which the program rejects; pinning every key on the stack keeps the defaults
 * out of play. The separate "defaults" check in main.ts still exercises them.
 */
export function pinAllKeys(config: Record<string, string>, declared: Record<string, KeySpec>): Record<string, string> {
    const pinned: Record<string, string> = {};
    for (const [key, spec] of Object.entries(declared)) pinned[key] = String(spec.default);
    return { ...pinned, ...config };
}
