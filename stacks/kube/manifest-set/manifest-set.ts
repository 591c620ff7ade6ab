/**
 * ManifestSet: a set of upstream Kubernetes objects applied, awaited, pruned and deleted as one
 * resource (see lifecycle.ts; its provider is provider.ts). Used for KFP's own objects, which the stack transforms but
 * never addresses one by one: as one resource they cost the engine one state write instead of ~90, and
 * `pulumi up` stays close to `kubectl apply` (the integration tier's benchmark). The state keeps each object's
 * manifest under a readable key, so `pulumi preview --diff` names the objects that change.
 * A dynamic provider: its methods are serialized into state and run in a separate process.
 */
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, DynamicResourceSpec } from "../../dynamic/dynamic-resource";
import { KubeAccess, refOf } from "../api";
import { KubeObject } from "../object";
import { AppliedObject, objectKey } from "./plan";
import { makeManifestSetProvider } from "./provider";

export const MANIFEST_SET: DynamicResourceSpec = {
  module: "kfp-protein",
  type: "ManifestSet",
  version: {
    file: __filename,
    modules: [
      "manifest-set",
      "provider",
      "lifecycle",
      "plan",
      "../api",
      "../object",
      "../readiness",
      "../kubeconfig",
      "../../util/concurrency",
      "../../dynamic/errors",
      "../../dynamic/http",
      "../../dynamic/retry",
    ],
  },
  secretInputs: ["access"],
};

let sharedProvider: pulumi.dynamic.ResourceProvider | undefined;

export interface ManifestSetArgs {
  access: pulumi.Input<KubeAccess>;
  objects: readonly KubeObject[];
  fieldManager: string;
  timeoutSeconds: number;
  /** The stack setting that raises timeoutSeconds, named in timeout errors. */
  timeoutSetting: string;
}

/** objectKey → JSON; Secrets' manifests are Pulumi secrets, so the state encrypts them. */
export function manifestInputs(objects: readonly KubeObject[]): Record<string, pulumi.Input<string>> {
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
    const props = {
      access: args.access,
      fieldManager: args.fieldManager,
      manifests: manifestInputs(args.objects),
      timeoutSeconds: args.timeoutSeconds,
      timeoutSetting: args.timeoutSetting,
      applied: undefined,
    };
    super(sharedProvider, name, props, opts, MANIFEST_SET);
  }
}
