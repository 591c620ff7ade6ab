import * as fs from "fs";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig, MinikubeConfig } from "../config";
import { KubeconfigError, minifyKubeconfig } from "../kube/kubeconfig";
import { shellQuote } from "../util/shell";
import { childOptions } from "../util/child-options";

export interface TargetClusterArgs {
  cluster: ClusterConfig;
}

/**
 * minikube's CLI arguments for a profile the stack owns. Docker runtime: the AMBER image is built by its
 * daemon. `--gpus` (cluster.minikube.gpus) passes the host's GPUs to the node and enables minikube's
 * NVIDIA device plugin, which advertises them as nvidia.com/gpu.
 */
export function minikubeStartCommand(m: MinikubeConfig): string {
  return [
    "minikube",
    "start",
    "--profile",
    m.profile,
    "--cpus",
    String(m.cpus),
    "--memory",
    m.memory,
    "--disk-size",
    m.disk,
    "--kubernetes-version",
    m.kubernetesVersion,
    "--driver",
    m.driver,
    "--container-runtime",
    "docker",
    ...(m.gpus ? ["--gpus", m.gpus] : []),
    "--wait",
    "all",
  ]
    .map(shellQuote)
    .join(" ");
}

/** The chosen context of a kubeconfig file, minified; errors name the config key to change. */
export function readKubeconfig(cluster: ClusterConfig): { kubeconfig: string; context: string; server: string } {
  const origin = `the kubeconfig ${cluster.kubeconfigPath} (cluster.kubeconfig)`;
  if (!fs.existsSync(cluster.kubeconfigPath)) {
    throw new KubeconfigError(
      `${origin} does not exist. Fix: npm run config -- set --path cluster.kubeconfig <path>` +
        (cluster.minikube
          ? `, start minikube (minikube start -p ${cluster.minikube.profile}), or let the stack own it: npm run config -- set --path cluster.minikube.manage true`
          : ""),
    );
  }
  return minifyKubeconfig(fs.readFileSync(cluster.kubeconfigPath, "utf8"), cluster.context, origin);
}

/**
 * The cluster everything else is deployed to: a Kubernetes provider for one kube context, and
 * optionally the minikube profile behind it.
 */
export class TargetCluster extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  /** The minified kubeconfig of the chosen context (secret). */
  readonly kubeconfig: pulumi.Output<string>;
  readonly context: pulumi.Output<string>;
  readonly apiServer: pulumi.Output<string>;

  constructor(name: string, args: TargetClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const { cluster } = args;
    // Read and check a given kubeconfig before registering anything: a bad one must create nothing.
    const existing = cluster.minikube?.manage ? undefined : readKubeconfig(cluster);
    super("kfp-protein:cluster:TargetCluster", name, {}, opts);

    if (cluster.minikube?.manage) {
      const m = cluster.minikube;
      const profile = new command.local.Command(
        `${name}-minikube`,
        {
          create: minikubeStartCommand(m),
          delete: `minikube delete --profile ${shellQuote(m.profile)}`,
          // minikube cannot resize a running profile: a changed setting recreates it. GPUs only when set,
          // so stacks without them keep their triggers (and their profile) across this change.
          triggers: [m.profile, m.cpus, m.memory, m.disk, m.kubernetesVersion, m.driver, ...(m.gpus ? [m.gpus] : [])],
        },
        childOptions(this, opts),
      );
      const view = new command.local.Command(
        `${name}-kubeconfig`,
        {
          create: `kubectl config view --raw --flatten --minify --context ${shellQuote(m.profile)}`,
          triggers: [profile.id],
        },
        childOptions(this, opts, { dependsOn: [profile], additionalSecretOutputs: ["stdout"] }),
      );
      const resolved = view.stdout.apply((text) =>
        minifyKubeconfig(text, m.profile, `minikube profile ${m.profile}'s kubeconfig`),
      );
      this.kubeconfig = pulumi.secret(resolved.kubeconfig);
      this.context = pulumi.output(m.profile);
      this.apiServer = resolved.server;
    } else {
      this.kubeconfig = pulumi.secret(existing!.kubeconfig);
      this.context = pulumi.output(existing!.context);
      this.apiServer = pulumi.output(existing!.server);
    }

    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: this.kubeconfig,
        context: this.context,
        enableServerSideApply: true,
      },
      childOptions(this, opts),
    );

    this.registerOutputs({ context: this.context, apiServer: this.apiServer });
  }
}
