import * as k8s from "@pulumi/kubernetes";
import type * as k8sInput from "@pulumi/kubernetes/types/input";
import * as pulumi from "@pulumi/pulumi";
import { ContainerLists } from "./transforms";
import { childOptions } from "../util/child-options";

export interface WorkflowControllerPortPatchArgs {
  namespace: string;
  /** Argo version KFP bundles (e.g. "4.0.5"): telemetryConfig is only set where it shares the metrics port. */
  argoVersion: string;
  metricsPort: number;
  telemetryPort: number;
  /** Set LEADER_ELECTION_DISABLE, honoured only on Argo ≤ 3.5 (see leaderElectionDisabled). */
  disableLeaderElection: boolean;
  /** The container's env and ports as KFP's manifests declare them (see workflowControllerContainerPatch). */
  upstream: ContainerLists;
}

/** Argo ≤ 3.5 starts its telemetry server on the metrics port unless told otherwise (FACTS). */
export function telemetryInheritsMetricsPort(argoVersion: string): boolean {
  const [major, minor] = argoVersion.split(".").map(Number);
  return major < 3 || (major === 3 && minor <= 5);
}

/**
 * Argo ≤ 3.5 starts a placeholder metrics server while it waits for the leader lease and does not wait
 * for it to stop before the real one binds the same port: the `bind: address already in use` panic.
 * Argo 3.6.0 awaits it (cmd/workflow-controller/main.go, a WaitGroup around the placeholder).
 */
export function placeholderRacesMetricsServer(argoVersion: string): boolean {
  return telemetryInheritsMetricsPort(argoVersion);
}

/**
 * Leader election is switched off only where it avoids the race (Argo ≤ 3.5). Elsewhere it stays on, so a
 * rolling update's second controller waits for the lease instead of reconciling beside the first.
 */
export function leaderElectionDisabled(
  args: Pick<WorkflowControllerPortPatchArgs, "argoVersion" | "disableLeaderElection">,
): boolean {
  return args.disableLeaderElection && placeholderRacesMetricsServer(args.argoVersion);
}

/** The workflow-controller-configmap keys this patch owns, as Argo reads them. */
export function workflowControllerConfigData(args: WorkflowControllerPortPatchArgs): Record<string, string> {
  const data: Record<string, string> = { metricsConfig: `enabled: true\npath: /metrics\nport: ${args.metricsPort}\n` };
  if (telemetryInheritsMetricsPort(args.argoVersion)) {
    data.telemetryConfig = `enabled: true\npath: /telemetry\nport: ${args.telemetryPort}\n`;
  }
  return data;
}

/**
 * The container entries the patch applies: KFP's own env and ports restated unchanged, then ours. The
 * provider diffs a patch's lists against the live object by position, so a patch that listed only its
 * own items would show a change on every up; restating KFP's items (same values, so server-side apply
 * only shares their ownership) keeps a second up a no-op.
 */
export function workflowControllerContainerPatch(args: WorkflowControllerPortPatchArgs): {
  env: k8sInput.core.v1.EnvVarPatch[];
  ports: k8sInput.core.v1.ContainerPortPatch[];
} {
  const ours = leaderElectionDisabled(args) ? [{ name: "LEADER_ELECTION_DISABLE", value: "true" }] : [];
  const upstreamEnv = args.upstream.env as k8sInput.core.v1.EnvVarPatch[];
  const upstreamPorts = args.upstream.ports as k8sInput.core.v1.ContainerPortPatch[];
  const env = [...upstreamEnv.filter((e) => e.name !== "LEADER_ELECTION_DISABLE"), ...ours];
  const ports = [
    ...upstreamPorts.filter((p) => p.name !== "metrics"),
    { name: "metrics", containerPort: args.metricsPort, protocol: "TCP" },
  ];
  return { env, ports };
}

// Server-side-apply patches of objects KFP's manifests own: force our few fields, and leave the objects
// alone on destroy (deleting a patch must not delete KFP's ConfigMap or Deployment).
const PATCH_ANNOTATIONS = { "pulumi.com/patchForce": "true" };

/**
 * Moves Argo's workflow-controller metrics server to a chosen port without forking KFP's manifests:
 * the ConfigMap key Argo reads and the Deployment's `metrics` containerPort, applied as patches.
 */
export class WorkflowControllerPortPatch extends pulumi.ComponentResource {
  readonly metricsPort: number;

  constructor(name: string, args: WorkflowControllerPortPatchArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kfp-protein:argo:WorkflowControllerPortPatch", name, {}, opts);
    this.metricsPort = args.metricsPort;
    const metadata = (objectName: string) => ({
      name: objectName,
      namespace: args.namespace,
      annotations: PATCH_ANNOTATIONS,
    });

    const config = new k8s.core.v1.ConfigMapPatch(
      `${name}-configmap`,
      {
        metadata: metadata("workflow-controller-configmap"),
        data: workflowControllerConfigData(args),
      },
      childOptions(this, opts, { retainOnDelete: true }),
    );

    const { env, ports } = workflowControllerContainerPatch(args);
    new k8s.apps.v1.DeploymentPatch(
      `${name}-deployment`,
      {
        metadata: metadata("workflow-controller"),
        spec: {
          template: {
            metadata: { annotations: { "kfp-protein-stack/metrics-port": String(args.metricsPort) } },
            spec: {
              containers: [
                {
                  name: "workflow-controller",
                  ports,
                  env,
                },
              ],
            },
          },
        },
      },
      childOptions(this, opts, { retainOnDelete: true, dependsOn: [config] }),
    );

    this.registerOutputs({ metricsPort: this.metricsPort });
  }
}
