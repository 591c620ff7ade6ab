/**
 * KfpApiReady: waits until `GET /apis/v2beta1/healthz` answers, so everything that talks to KFP can
 * depend on it. A dynamic resource; see pipeline-run/protein-pipeline-run.ts for the serialization caveats.
 */
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "../dynamic/dynamic-resource";
import { HttpRequester } from "../dynamic/http";
import { KfpAccess, requesterForAccess } from "./access";
import { KfpClient } from "./client";
import { providerVersionOf } from "../dynamic/provider-version";
import { sleep } from "../dynamic/retry";

export interface ReadyInputs {
  access: KfpAccess;
  timeoutSeconds: number;
  providerVersion: string;
}
export interface ReadyOutputs extends ReadyInputs {
  /** The healthz answer as JSON text. */
  healthz: string;
}

export interface ReadyProviderDeps {
  requester?: (access: KfpAccess) => HttpRequester;
  log?: (message: string) => void;
  wait?: (ms: number) => Promise<void>;
  now?: () => number;
  intervalMs?: number;
}

function defaultLog(message: string): void {
  void pulumi.log.info(`[KfpApiReady] ${message}`);
}

export interface ReadyProvider extends pulumi.dynamic.ResourceProvider<ReadyInputs, ReadyOutputs> {
  diff(id: string, olds: ReadyOutputs, news: ReadyInputs): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: ReadyInputs): Promise<{ id: string; outs: ReadyOutputs }>;
  update(id: string, olds: ReadyOutputs, news: ReadyInputs): Promise<{ outs: ReadyOutputs }>;
}

export function makeReadyProvider(deps: ReadyProviderDeps = {}): ReadyProvider {
  const log = deps.log ?? defaultLog;
  const wait = deps.wait ?? sleep;
  const now = deps.now ?? Date.now;

  async function waitHealthy(inputs: ReadyInputs): Promise<ReadyOutputs> {
    // One attempt per poll: this loop is the retry, so the client's own retries are off.
    const client = new KfpClient((deps.requester ?? requesterForAccess)(inputs.access), {
      retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      requestTimeoutMs: 10_000,
    });
    const started = now();
    const deadline = started + inputs.timeoutSeconds * 1000;
    let lastError = "";
    for (let attempt = 1; ; attempt++) {
      try {
        const healthz = await client.healthz();
        log(`KFP API healthy after ${Math.round((now() - started) / 1000)} s (${attempt} attempts)`);
        return { ...inputs, healthz: JSON.stringify(healthz) };
      } catch (e) {
        lastError = (e as Error).message;
        log(`KFP API not ready yet (attempt ${attempt}): ${lastError}`);
      }
      if (now() >= deadline) {
        throw new Error(
          `KFP API did not answer healthz within ${inputs.timeoutSeconds} s (kfp readiness timeout); last error: ${lastError}. ` +
            "Check the ml-pipeline Deployment in the KFP namespace (kubectl get pods) or raise the timeout.",
        );
      }
      await wait(Math.max(0, Math.min(deps.intervalMs ?? 5_000, deadline - now())));
    }
  }

  return {
    async diff(_id: string, olds: ReadyOutputs, news: ReadyInputs) {
      const changes =
        JSON.stringify(olds.access) !== JSON.stringify(news.access) ||
        olds.timeoutSeconds !== news.timeoutSeconds ||
        olds.providerVersion !== news.providerVersion;
      return { changes };
    },
    async create(inputs: ReadyInputs) {
      return { id: "kfp-api-ready", outs: await waitHealthy(inputs) };
    },
    async update(_id: string, _olds: ReadyOutputs, news: ReadyInputs) {
      return { outs: await waitHealthy(news) };
    },
  };
}

const PROVIDER_MODULES = [
  "kfp-api-ready",
  "access",
  "client",
  "errors",
  "with-retry",
  "multipart",
  "../dynamic/http",
  "../dynamic/retry",
  "../kube/credentials",
];

let sharedProvider: pulumi.dynamic.ResourceProvider | undefined;

export interface KfpApiReadyArgs {
  access: pulumi.Input<KfpAccess>;
  timeoutSeconds: number;
}

export class KfpApiReady extends DynamicResource {
  declare readonly healthz: pulumi.Output<string>;

  constructor(name: string, args: KfpApiReadyArgs, opts?: pulumi.CustomResourceOptions) {
    sharedProvider ??= makeReadyProvider();
    super(
      sharedProvider,
      name,
      {
        access: pulumi.secret(args.access),
        timeoutSeconds: args.timeoutSeconds,
        providerVersion: providerVersionOf(__filename, PROVIDER_MODULES),
        healthz: undefined,
      },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "access"] },
      "kfp-protein",
      "KfpApiReady",
    );
  }
}
