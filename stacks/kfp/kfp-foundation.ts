import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../util/child-options";
import { K8sObject } from "../kube/object";
import { KubeAccess } from "../kube/api";
import { kfpManifestSet } from "./kubeflow-pipelines";
import { KFP_NAMESPACE } from "./transforms";
import { ManifestSet } from "../kube/manifest-set/manifest-set";

export interface KfpFoundationArgs {
  /** KFP's Namespace and CustomResourceDefinitions. */
  objects: K8sObject[];
  access: pulumi.Input<KubeAccess>;
  readinessTimeoutSeconds: number;
}

/**
 * What KFP's platform needs around it: its namespace and its CRDs, established. The namespace is its
 * own resource so that what only needs the namespace (MinIO, KFP's platform) need not wait for the CRDs.
 */
export class KfpFoundation extends pulumi.ComponentResource {
  readonly namespace: string = KFP_NAMESPACE;
  readonly namespaceResource: k8s.core.v1.Namespace;
  readonly crds: ManifestSet;

  constructor(name: string, args: KfpFoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kfp-protein:kfp:KfpFoundation", name, {}, opts);
    const ns = args.objects.find((o) => o.kind === "Namespace" && o.metadata.name === KFP_NAMESPACE);
    if (!ns)
      throw new Error(
        `the KFP manifests have no Namespace "${KFP_NAMESPACE}": include cluster-scoped-resources (kfp.path)`,
      );
    this.namespaceResource = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: ns.metadata },
      childOptions(this, opts),
    );
    // CRDs are cluster-scoped: they need not wait for the namespace.
    this.crds = kfpManifestSet(
      `${name}-crds`,
      args.objects.filter((o) => o !== ns),
      args,
      childOptions(this, opts),
    );
    this.registerOutputs({ namespace: this.namespace });
  }
}
