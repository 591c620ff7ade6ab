/**
 * KfpApiReady: waits until `GET /apis/v2beta1/healthz` answers, so everything that talks to KFP can
 * depend on it. A dynamic resource; its provider is ready-provider.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, DynamicResourceSpec } from "../dynamic/dynamic-resource";
import type { KfpAccess } from "./access";
import { makeReadyProvider } from "./ready-provider";

export const KFP_API_READY: DynamicResourceSpec = {
  module: "kfp-protein",
  type: "KfpApiReady",
  version: {
    file: __filename,
    modules: [
      "kfp-api-ready",
      "ready-provider",
      "access",
      "client",
      "errors",
      "multipart",
      "../dynamic/errors",
      "../dynamic/http",
      "../dynamic/retry",
      "../kube/kubeconfig",
    ],
  },
  secretInputs: ["access"],
};

let sharedProvider: pulumi.dynamic.ResourceProvider | undefined;

export interface KfpApiReadyArgs {
  access: pulumi.Input<KfpAccess>;
  timeoutSeconds: number;
}

export class KfpApiReady extends DynamicResource {
  declare readonly healthz: pulumi.Output<string>;

  constructor(name: string, args: KfpApiReadyArgs, opts?: pulumi.CustomResourceOptions) {
    sharedProvider ??= makeReadyProvider();
    const props = { access: args.access, timeoutSeconds: args.timeoutSeconds, healthz: undefined };
    super(sharedProvider, name, props, opts, KFP_API_READY);
  }
}
