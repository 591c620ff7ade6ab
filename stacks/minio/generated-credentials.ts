import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../dynamic/dynamic-resource";

/**
 * An access key pair generated once, on create, and kept in state as secrets. A dynamic provider
 * rather than @pulumi/random so the stack needs no extra provider plugin.
 */
const credentialsProvider: pulumi.dynamic.ResourceProvider = {
  async create() {
    // Required inside the method: dynamic provider code is serialized and run elsewhere.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { randomBytes } = require("crypto");
    const accessKey = `kfp-${randomBytes(8).toString("hex")}`;
    const secretKey = randomBytes(30).toString("base64url");
    return { id: accessKey, outs: { accessKey, secretKey } };
  },
  async diff() {
    return { changes: false };
  },
};

export class GeneratedCredentials extends DynamicResource {
  declare readonly accessKey: pulumi.Output<string>;
  declare readonly secretKey: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.CustomResourceOptions) {
    super(
      credentialsProvider,
      name,
      { accessKey: undefined, secretKey: undefined },
      { ...opts, additionalSecretOutputs: ["accessKey", "secretKey"] },
      "kfp-protein",
      "GeneratedCredentials",
    );
  }
}
