import * as pulumi from "@pulumi/pulumi";
import { K8sObject } from "./k8s-object";
import { KubeAccess } from "./kube-api";
import { KFP_FIELD_MANAGER, KFP_NAMESPACE } from "./kfp-manifests";
import { childOptions } from "./child-options";
import { ManifestSet } from "./manifest-set";

export interface KubeflowPipelinesArgs {
    /** KFP's platform objects, already rewired and trimmed (see kfp-release.ts). */
    objects: K8sObject[];
    version: string;
    argoVersion: string;
    access: pulumi.Input<KubeAccess>;
    readinessTimeoutSeconds: number;
}

/** Kubeflow Pipelines' platform (API server, UI, MySQL, metadata, Argo): Available when this completes. */
export class KubeflowPipelines extends pulumi.ComponentResource {
    readonly namespace: string = KFP_NAMESPACE;
    readonly version: string;
    readonly argoVersion: string;
    readonly resources: ManifestSet;

    constructor(name: string, args: KubeflowPipelinesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("kfp-protein:kfp:KubeflowPipelines", name, {}, opts);
        this.version = args.version;
        this.argoVersion = args.argoVersion;
        this.resources = new ManifestSet(`${name}-platform`, {
            access: args.access,
            objects: args.objects,
            fieldManager: KFP_FIELD_MANAGER,
            timeoutSeconds: args.readinessTimeoutSeconds,
            timeoutSetting: "kfp.readinessTimeoutSeconds",
        }, childOptions(this, opts));
        this.registerOutputs({ namespace: this.namespace, version: this.version, argoVersion: this.argoVersion });
    }
}
