import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { K8sObject } from "./k8s-object";
import { KFP_NAMESPACE } from "./kfp-manifests";
import { childOptions } from "./child-options";

export interface KfpFoundationArgs {
    /** KFP's Namespace and CustomResourceDefinitions. */
    objects: K8sObject[];
}

/** What KFP's platform needs to exist first: its namespace and its CRDs, established. */
export class KfpFoundation extends pulumi.ComponentResource {
    readonly namespace: string = KFP_NAMESPACE;
    readonly resources: k8s.yaml.v2.ConfigGroup;

    constructor(name: string, args: KfpFoundationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kfp-protein:kfp:KfpFoundation", name, {}, opts);
        this.resources = new k8s.yaml.v2.ConfigGroup(`${name}-objects`, { objs: args.objects }, childOptions(this, opts));
        this.registerOutputs({ namespace: this.namespace });
    }
}
