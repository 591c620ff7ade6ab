/**
 * Runs the stack's program (config loading and validation, createProteinPlatform) under Pulumi's mocks
 * instead of the engine, and collects every Kubernetes object it would apply: plain resources' inputs,
 * patches, and the objects of each ManifestSet, in registration order. Nothing talks to a cluster.
 */
import * as pulumi from "@pulumi/pulumi";
import { KubeObject } from "../../stacks/kube/object";
import { applyOrder } from "./apply-order";

export interface RenderedObject {
  object: KubeObject;
  /** A server-side-apply patch of an object another set owns (kubectl apply --server-side it). */
  patch: boolean;
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const MANIFEST_SET = "pulumi-nodejs:dynamic/kfp-protein:ManifestSet";
export const REDACTED = "redacted-by-render";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function unwrap(v: any): any {
  if (Array.isArray(v)) return v.map(unwrap);
  if (v && typeof v === "object") {
    if (Object.values(v).includes(SECRET_SIG) && "value" in v) return unwrap(v.value);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
  }
  return v;
}

/** A Secret's values are generated on up and never written by render. */
function redact(o: KubeObject): KubeObject {
  if (o.kind !== "Secret") return o;
  const out = { ...o } as KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
  for (const field of ["data", "stringData"] as const) {
    if (out[field]) out[field] = Object.fromEntries(Object.keys(out[field]!).map((k) => [k, REDACTED]));
  }
  return out;
}

/** Placeholders for the outputs of what mocks never run (minikube, Docker); none of them is rendered. */
function outputsOf(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  if (args.type === "command:local:Command" && String(args.inputs.create).startsWith("kubectl config view")) {
    const ctx = String(args.inputs.create).split(" ").pop();
    return {
      stdout: [
        "apiVersion: v1",
        "kind: Config",
        `current-context: ${ctx}`,
        `clusters: [{name: ${ctx}, cluster: {server: "https://render.invalid:8443"}}]`,
        `contexts: [{name: ${ctx}, context: {cluster: ${ctx}, user: ${ctx}}}]`,
        `users: [{name: ${ctx}, user: {token: render}}]`,
      ].join("\n"),
    };
  }
  if (args.type.endsWith(":GeneratedCredentials")) return { accessKey: REDACTED, secretKey: REDACTED };
  if (args.type === "docker:index/image:Image") return { repoDigest: `localhost:5000/amber@sha256:${"0".repeat(64)}` };
  return {};
}

export interface Collector {
  objects(): RenderedObject[];
}

/** Installs the mocks; call before the program registers anything. */
export function installRenderMocks(project: string, stack: string, config: Record<string, string>): Collector {
  const registered: { type: string; inputs: Record<string, unknown> }[] = [];
  pulumi.runtime.setAllConfig(config);
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, inputs: unwrap(args.inputs) });
        return { id: `${args.name}-render`, state: { ...args.inputs, ...outputsOf(args) } };
      },
      call: (args) =>
        args.token === "command:local:run"
          ? { stdout: "DOCKER_HOST=tcp://render.invalid:2376\n", stderr: "" }
          : args.inputs,
    },
    project,
    stack,
    false,
  );
  return {
    objects() {
      const out: RenderedObject[] = [];
      for (const r of registered) {
        if (r.type === MANIFEST_SET) {
          const manifests = r.inputs.manifests as Record<string, string>;
          for (const json of Object.values(manifests)) out.push({ object: redact(JSON.parse(json)), patch: false });
        } else if (/^kubernetes:[^:]+:[A-Za-z]+$/.test(r.type) && r.type !== "pulumi:providers:kubernetes") {
          const kind = r.type.split(":")[2];
          const object = redact({ ...(r.inputs as object), kind: kind.replace(/Patch$/, "") } as KubeObject);
          out.push({ object, patch: kind.endsWith("Patch") });
        }
      }
      return applyOrder(out);
    },
  };
}
