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

export type Flags = Record<string, string | boolean>;

/** `--name value`, `--name=value` and bare `--switch` (listed in `switches`); anything else is an error. */
export function parseFlags(argv: string[], known: string[], switches: string[] = []): Flags {
  const flags: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(argv[i]);
    const name = match?.[1] ?? "";
    if (!match || (!known.includes(name) && !switches.includes(name))) {
      throw new Error(
        `unknown argument "${argv[i]}"; flags: ${[...known, ...switches].map((f) => `--${f}`).join(" ")}`,
      );
    }
    if (switches.includes(name)) {
      flags[name] = true;
    } else {
      const value = match[2] ?? argv[++i];
      if (value === undefined || value === "") throw new Error(`--${name} needs a value`);
      flags[name] = value;
    }
  }
  return flags;
}

/** The stack outputs these commands use (index.ts exports them). */
export interface StackOutputs {
  pipelineRunId?: string;
  kfpApiEndpoint?: string;
  kubeContext?: string;
  minioCredentials?: { accessKey: string; secretKey: string };
  [key: string]: unknown;
}

/** `without` says how to do without a stack (the flags of the calling command). */
export function readStackOutputs(without: string, projectDir = resolve(__dirname, "..")): StackOutputs {
  const result = spawnSync("bash", [join(projectDir, "scripts/stack.sh"), "outputs"], {
    encoding: "utf8",
    stdio: ["inherit", "pipe", "pipe"],
  });
  if (result.status !== 0) {
    throw new Error(
      `could not read the stack's outputs (${result.stderr.trim().split("\n").pop() ?? "pulumi failed"}); ` +
        `run \`npm run up\` first, or ${without}`,
    );
  }
  return JSON.parse(result.stdout) as StackOutputs;
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
