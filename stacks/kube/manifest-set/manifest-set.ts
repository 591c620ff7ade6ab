/**
 * ManifestSet: a set of upstream Kubernetes objects applied, awaited, pruned and deleted as one
 * resource (see lifecycle.ts; its provider is provider.ts). Used for KFP's own objects, which the stack transforms but
 * never addresses one by one: as one resource they cost the engine one state write instead of ~90, and
 * `pulumi up` stays close to `kubectl apply` (issue 6's benchmark). The state keeps each object's
 * manifest under a readable key, so `pulumi preview --diff` names the objects that change.
 * A dynamic provider: its methods are serialized into state and run in a separate process.
 */
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../../dynamic/dynamic-resource";
import { providerVersionOf } from "../../dynamic/provider-version";
import { KubeAccess, refOf } from "../api";
import { K8sObject } from "../object";
import { AppliedObject, objectKey } from "./plan";
import { makeManifestSetProvider } from "./provider";

const PROVIDER_MODULES = [
  "manifest-set",
  "provider",
  "lifecycle",
  "plan",
  "../api",
  "../object",
  "../readiness",
  "../credentials",
  "../../dynamic/http",
  "../../dynamic/retry",
];

let sharedProvider: pulumi.dynamic.ResourceProvider | undefined;

export interface ManifestSetArgs {
  access: pulumi.Input<KubeAccess>;
  objects: readonly K8sObject[];
  fieldManager: string;
  timeoutSeconds: number;
  /** The stack setting that raises timeoutSeconds, named in timeout errors. */
  timeoutSetting: string;
}

/** objectKey → JSON; Secrets' manifests are Pulumi secrets, so the state encrypts them. */
export function manifestInputs(objects: readonly K8sObject[]): Record<string, pulumi.Input<string>> {
  const out: Record<string, pulumi.Input<string>> = {};
  for (const o of objects) {
    const key = objectKey(refOf(o));
    if (key in out) throw new Error(`two objects are ${key}; a manifest set holds each object once`);
    const json = JSON.stringify(o);
    out[key] = o.kind === "Secret" ? pulumi.secret(json) : json;
  }
  return out;
}

export class ManifestSet extends DynamicResource {
  declare readonly applied: pulumi.Output<AppliedObject[]>;

  constructor(name: string, args: ManifestSetArgs, opts?: pulumi.CustomResourceOptions) {
    sharedProvider ??= makeManifestSetProvider() as pulumi.dynamic.ResourceProvider;
    super(
      sharedProvider,
      name,
      {
        access: pulumi.secret(args.access),
        fieldManager: args.fieldManager,
        manifests: manifestInputs(args.objects),
        timeoutSeconds: args.timeoutSeconds,
        timeoutSetting: args.timeoutSetting,
        providerVersion: providerVersionOf(__filename, PROVIDER_MODULES),
        applied: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "access"] },
      "kfp-protein",
      "ManifestSet",
    );
  }
}
