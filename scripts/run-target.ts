/**
 * Which run `npm run watch` and `npm run results` look at, and how they reach KFP and the cluster: the
 * stack's outputs by default (`pulumi stack output` through scripts/stack.sh), or flags alone
 * (`--endpoint URL --run ID`) without any stack.
 */
import { spawnSync } from "child_process";
import { existsSync, readFileSync } from "fs";
import { homedir } from "os";
import { join, resolve } from "path";
import { KfpAccess } from "../stacks/kfp-api/access";
import { Flags } from "../pipelines/cli-flags";

/** The stack outputs these commands use (index.ts exports them). */
export interface StackOutputs {
  pipelineRunId?: string;
  kfpApiEndpoint?: string;
  kubeContext?: string;
  minioCredentials?: { accessKey: string; secretKey: string };
  [key: string]: unknown;
}

/** The stack the user commands act on: `--stack NAME`, else $PULUMI_STACK, else dev. */
export function chosenStack(flags: Flags, env: NodeJS.ProcessEnv = process.env): string {
  return (flags.stack as string | undefined) ?? (env.PULUMI_STACK || "dev");
}

/**
 * The stack's outputs through scripts/stack.sh (the same Pulumi CLI, backend and stack as `npm run up`).
 * `without` says how to do without a stack (the flags of the calling command). A stack that exists but
 * never came up has no outputs: that is said as such, with what to run.
 */
export function readStackOutputs(without: string, stack: string, projectDir = resolve(__dirname, "..")): StackOutputs {
  const result = spawnSync(
    "bash",
    [join(projectDir, "scripts/stack.sh"), "outputs", "--stack", stack, "--json", "--show-secrets"],
    { encoding: "utf8", stdio: ["inherit", "pipe", "pipe"], env: process.env },
  );
  if (result.status !== 0) {
    const reason = result.stderr.trim().split("\n").pop() || "pulumi failed";
    throw new Error(`could not read the outputs of stack ${stack} (${reason}); or ${without}`);
  }
  const outputs = JSON.parse(result.stdout) as StackOutputs;
  if (Object.keys(outputs).length === 0) {
    throw new Error(
      `stack ${stack} has no outputs: it exists but has never come up completely. Run \`${upCommand(stack)}\` first, or ${without}`,
    );
  }
  return outputs;
}

/** The command that brings `stack` up, as a user types it. */
export function upCommand(stack: string): string {
  return stack === "dev" ? "npm run up" : `npm run up -- --stack ${stack}`;
}

/** For a stack that came up without a pipeline run (pipeline.enabled=false). */
export function noRunMessage(stack: string): string {
  return `stack ${stack} is up but started no pipeline run (pipeline.enabled is false): pass --run ID, or set pipeline.enabled true and run \`${upCommand(stack)}\``;
}

const PROXY = /^(https?:\/\/[^/]+)\/api\/v1\/namespaces\/([^/]+)\/services\/([^/:]+):(\d+)\/proxy\/apis\/v2beta1\/?$/;

export interface Target {
  access: KfpAccess;
  /** Kubeconfig contents and context for pod logs and port-forwards, when a kubeconfig is readable. */
  kube?: { kubeconfig: string; context?: string };
  namespace: string;
}

export function kubeconfigText(path?: string): string | undefined {
  const file = path ?? process.env.KUBECONFIG?.split(":")[0] ?? join(homedir(), ".kube", "config");
  return file && existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

/** KFP access from `--endpoint`, else from the stack's `kfpApiEndpoint` (a service-proxy URL or an endpoint). */
export function targetFrom(flags: Flags, outputs: StackOutputs | undefined): Target {
  const kubeconfig = kubeconfigText(flags.kubeconfig as string | undefined);
  const context = (flags.context as string | undefined) ?? outputs?.kubeContext;
  const kube = kubeconfig ? { kubeconfig, context } : undefined;
  const endpoint = (flags.endpoint as string | undefined) ?? outputs?.kfpApiEndpoint;
  if (!endpoint) throw new Error("no KFP endpoint: pass --endpoint URL, or run `npm run up` so the stack has one");
  const proxy = flags.endpoint ? null : PROXY.exec(endpoint);
  if (proxy) {
    if (!kubeconfig) {
      throw new Error(
        "the stack reaches KFP through the Kubernetes API, but no kubeconfig was found: pass --kubeconfig PATH or set KUBECONFIG",
      );
    }
    const [, , namespace, service, port] = proxy;
    return {
      access: { kind: "kubeProxy", kubeconfig, context, namespace, service, port: Number(port) },
      kube,
      namespace,
    };
  }
  if (!/^https?:\/\//.test(endpoint)) throw new Error(`--endpoint "${endpoint}" must start with http:// or https://`);
  const baseUrl = endpoint.replace(/\/+$/, "").replace(/\/apis\/v2beta1$/, "");
  return {
    access: { kind: "endpoint", baseUrl },
    kube,
    namespace: (flags.namespace as string | undefined) ?? "kubeflow",
  };
}
