import * as fs from "fs";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterConfig, MinikubeConfig } from "./config";
import { KubeconfigError, minifyKubeconfig } from "./kubeconfig";
import { shellQuote } from "./shell";

export interface TargetClusterArgs {
    cluster: ClusterConfig;
}

/** minikube's CLI arguments for a profile the stack owns. Docker runtime: the AMBER image is built by its daemon. */
export function minikubeStartCommand(m: MinikubeConfig): string {
    return [
        "minikube", "start",
        "--profile", m.profile,
        "--cpus", String(m.cpus),
        "--memory", m.memory,
        "--disk-size", m.disk,
        "--kubernetes-version", m.kubernetesVersion,
        "--driver", m.driver,
        "--container-runtime", "docker",
        "--wait", "all",
    ].map(shellQuote).join(" ");
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
    readonly minikubeProfile?: string;

    constructor(name: string, args: TargetClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kfp-protein:cluster:TargetCluster", name, {}, opts);
        const { cluster } = args;
        const origin = `the kubeconfig ${cluster.kubeconfigPath} (cluster.kubeconfig)`;

        if (cluster.minikube?.manage) {
            const m = cluster.minikube;
            this.minikubeProfile = m.profile;
            const profile = new command.local.Command(`${name}-minikube`, {
                create: minikubeStartCommand(m),
                delete: `minikube delete --profile ${shellQuote(m.profile)}`,
                // minikube cannot resize a running profile: a changed setting recreates it.
                triggers: [m.profile, m.cpus, m.memory, m.disk, m.kubernetesVersion, m.driver],
            }, { parent: this });
            const view = new command.local.Command(`${name}-kubeconfig`, {
                create: `kubectl config view --raw --flatten --minify --context ${shellQuote(m.profile)}`,
                triggers: [profile.id],
            }, { parent: this, dependsOn: [profile], additionalSecretOutputs: ["stdout"] });
            const resolved = view.stdout.apply((text) => minifyKubeconfig(text, m.profile, `minikube profile ${m.profile}'s kubeconfig`));
            this.kubeconfig = pulumi.secret(resolved.kubeconfig);
            this.context = pulumi.output(m.profile);
            this.apiServer = resolved.server;
        } else {
            if (!fs.existsSync(cluster.kubeconfigPath)) {
                throw new KubeconfigError(`${origin} does not exist. Fix: pulumi config set cluster.kubeconfig <path>` +
                    (cluster.minikube ? `, start minikube (minikube start -p ${cluster.minikube.profile}), or let the stack own it: pulumi config set cluster.minikube.manage true` : ""));
            }
            const resolved = minifyKubeconfig(fs.readFileSync(cluster.kubeconfigPath, "utf8"), cluster.context, origin);
            this.kubeconfig = pulumi.secret(resolved.kubeconfig);
            this.context = pulumi.output(resolved.context);
            this.apiServer = pulumi.output(resolved.server);
        }

        this.provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig: this.kubeconfig,
            context: this.context,
            enableServerSideApply: true,
        }, { parent: this });

        this.registerOutputs({ context: this.context, apiServer: this.apiServer });
    }
}
