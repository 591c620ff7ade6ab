import * as pulumi from "@pulumi/pulumi";
import { K8sObject } from "../kube/object";
import { KubeAccess } from "../kube/api";
import { KFP_FIELD_MANAGER, KFP_NAMESPACE } from "./transforms";
import { childOptions } from "../util/child-options";
import { ManifestSet } from "../kube/manifest-set/manifest-set";

export interface KubeflowPipelinesArgs {
  /** KFP's platform objects, already rewired and trimmed (see release.ts). */
  objects: K8sObject[];
  version: string;
  argoVersion: string;
  access: pulumi.Input<KubeAccess>;
  readinessTimeoutSeconds: number;
}

/** KFP's upstream objects as one ManifestSet: KFP's field manager, timeouts from kfp.readinessTimeoutSeconds. */
export function kfpManifestSet(
  name: string,
  objects: K8sObject[],
  args: { access: pulumi.Input<KubeAccess>; readinessTimeoutSeconds: number },
  opts: pulumi.CustomResourceOptions,
): ManifestSet {
  return new ManifestSet(
    name,
    {
      access: args.access,
      objects,
      fieldManager: KFP_FIELD_MANAGER,
      timeoutSeconds: args.readinessTimeoutSeconds,
      timeoutSetting: "kfp.readinessTimeoutSeconds",
    },
    opts,
  );
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
    this.resources = kfpManifestSet(`${name}-platform`, args.objects, args, childOptions(this, opts));
    this.registerOutputs({ namespace: this.namespace, version: this.version, argoVersion: this.argoVersion });
  }
}
