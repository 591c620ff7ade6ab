import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { K8sObject } from "./k8s-object";
import { KFP_NAMESPACE } from "./kfp-manifests";
import { childOptions } from "./child-options";

export interface KubeflowPipelinesArgs {
    /** KFP's platform objects, already rewired and trimmed (see kfp-release.ts). */
    objects: K8sObject[];
    version: string;
    argoVersion: string;
}

/** Kubeflow Pipelines' platform (API server, UI, MySQL, metadata, Argo): Available when this completes. */
export class KubeflowPipelines extends pulumi.ComponentResource {
    readonly namespace: string = KFP_NAMESPACE;
    readonly version: string;
    readonly argoVersion: string;
    readonly resources: k8s.yaml.v2.ConfigGroup;

    constructor(name: string, args: KubeflowPipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kfp-protein:kfp:KubeflowPipelines", name, {}, opts);
        this.version = args.version;
        this.argoVersion = args.argoVersion;
        this.resources = new k8s.yaml.v2.ConfigGroup(`${name}-platform`, { objs: args.objects }, childOptions(this, opts));
        this.registerOutputs({ namespace: this.namespace, version: this.version, argoVersion: this.argoVersion });
    }
}
