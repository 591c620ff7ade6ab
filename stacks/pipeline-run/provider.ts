/**
 * ProteinPipelineRun's provider: uploads the compiled IR to KFP (pipeline by name, version by IR hash), ensures
 * the experiment, starts a run and optionally waits for it. A dynamic provider: its methods are
 * serialized into state and run in a separate process, so clients are built inside the methods.
 */
import * as pulumi from "@pulumi/pulumi";
import { randomBytes } from "crypto";
import { PartialFailure, partialFailure, withoutUndefined } from "../dynamic/errors";
import { HttpRequester } from "../dynamic/http";
import { KfpAccess, requesterForAccess } from "../kfp-api/access";
import { KfpClient, isNotFound } from "../kfp-api/client";
import { pipelineStepsFromIr } from "../kfp-api/task-details";
import { irHash } from "./ir-hash";
import { Owned, adoptPending, keepingNotFound, startRun, uiBase } from "./start-run";
import { RunPods, runPodsReader } from "./run-pods";
import { podFaultMessage } from "./pod-faults";
import { settleStuckRun, stuckPodWatcher } from "./stuck-pods";
import type { KubeAccess } from "../kube/api";
import { DEFAULT_RETRY, RetryPolicy, sleep } from "../dynamic/retry";
import {
  DEFAULT_OUTAGE_SECONDS,
  DEFAULT_POLL,
  PollPolicy,
  RunInputs,
  RunOutputs,
  TERMINAL_STATES,
  UNKNOWN,
  artifactRoot,
  diffRun,
  experimentOnDestroy,
  failureMessage,
  irPipelineName,
  keepingRunFields,
  pollDelayMs,
  progressLine,
  runUrl,
} from "./decisions";

export interface RunProviderDeps {
  requester?: (access: KfpAccess) => HttpRequester;
  retry?: RetryPolicy;
  poll?: PollPolicy;
  log?: (message: string) => void;
  wait?: (ms: number) => Promise<void>;
  now?: () => number;
  /** How long one KFP request may take; default http.ts's. */
  requestTimeoutMs?: number;
  /** Reads a run's pods (default: through the Kubernetes API of `podAccess`). */
  runPods?: (kube: KubeAccess, namespace: string) => (runId: string) => Promise<RunPods>;
}

/**
 * Thrown when the run exists in KFP but did not succeed (FAILED, CANCELED, timed out): the resource is
 * recorded with its id and outputs, so a later destroy can still clean up.
 */
export type RunNotSucceededError = PartialFailure<RunOutputs>;

export function runNotSucceeded(message: string, id: string, properties: RunOutputs): RunNotSucceededError {
  return partialFailure("RunNotSucceededError", message, id, withoutUndefined(properties));
}

function defaultLog(message: string): void {
  // The 3.248 dynamic-provider host does not connect to the engine (pulumi/pulumi#6065, #18249), so
  // this falls back to the plugin's stdout, which the CLI shows only with `--debug`/`-v` (#17943).
  // Errors and outputs therefore carry everything a user must see.
  void pulumi.log.info(`[ProteinPipelineRun] ${message}`);
}

/** The provider with its methods required and outputs typed (the tests call them directly). */
export interface RunProvider extends pulumi.dynamic.ResourceProvider<RunInputs, RunOutputs> {
  check(olds: RunInputs, news: RunInputs): Promise<pulumi.dynamic.CheckResult<RunInputs>>;
  diff(id: string, olds: RunOutputs, news: RunInputs): Promise<pulumi.dynamic.DiffResult>;
  create(inputs: RunInputs): Promise<{ id: string; outs: RunOutputs }>;
  update(id: string, olds: RunOutputs, news: RunInputs): Promise<{ outs: RunOutputs }>;
  delete(id: string, props: RunOutputs): Promise<void>;
}

export function makeRunProvider(deps: RunProviderDeps = {}): RunProvider {
  const log = deps.log ?? defaultLog;
  const wait = deps.wait ?? sleep;
  const now = deps.now ?? Date.now;
  const clientFor = (access: KfpAccess, outageSeconds = DEFAULT_OUTAGE_SECONDS): KfpClient =>
    new KfpClient((deps.requester ?? requesterForAccess)(access), {
      retry: { ...(deps.retry ?? DEFAULT_RETRY), windowMs: outageSeconds * 1000 },
      log,
      wait,
      now,
      requestTimeoutMs: deps.requestTimeoutMs,
    });

  async function awaitRun(client: KfpClient, id: string, outs: RunOutputs, ir: string): Promise<RunOutputs> {
    const steps = pipelineStepsFromIr(ir);
    const stuckPod = stuckPodWatcher(outs, ir, deps.runPods ?? runPodsReader, log);
    const started = now();
    const deadline = started + outs.timeoutSeconds * 1000;
    let last = "";
    for (let poll = 0; ; poll++) {
      const run = await client.getRun(outs.runId);
      const current = { ...outs, state: run.state ?? outs.state };
      const line = progressLine(run, (now() - started) / 1000, steps);
      const summary = line.replace(/ after \d+ s/, "");
      if (summary !== last) log(line);
      last = summary;
      if (TERMINAL_STATES.includes(current.state)) {
        if (current.state === "SUCCEEDED" || current.state === "SKIPPED") return current;
        throw runNotSucceeded(
          failureMessage(run, outs.kfpNamespace, outs.runUrl, outs.kubeContext, steps),
          id,
          current,
        );
      }
      const fault = await stuckPod();
      if (fault) {
        const settled = await settleStuckRun(client, outs, log);
        const stopped = { ...current, state: settled.state ?? current.state };
        throw runNotSucceeded(podFaultMessage(outs.runId, fault, settled.outcome), id, stopped);
      }
      if (now() >= deadline) {
        throw runNotSucceeded(
          `KFP run ${outs.runId} is still ${current.state} after ${outs.timeoutSeconds} s (pipeline.timeoutSeconds); ` +
            `it keeps running in KFP: ${outs.runUrl}. Raise the timeout or set pipeline.wait=false.`,
          id,
          current,
        );
      }
      await wait(Math.max(0, Math.min(pollDelayMs(poll, deps.poll ?? DEFAULT_POLL), deadline - now())));
    }
  }

  /** awaitRun, with every failure (an outage outlasting the window, the run gone) a partial failure: the run stays recorded. */
  async function awaitRecorded(client: KfpClient, id: string, outs: RunOutputs, ir: string): Promise<RunOutputs> {
    try {
      return await awaitRun(client, id, outs, ir);
    } catch (e) {
      if (e instanceof Error && e.name === "RunNotSucceededError") throw e;
      const gone = isNotFound(e) ? ` (KFP no longer knows the run; the next \`pulumi up\` starts a new one)` : "";
      throw partialFailure(
        "RunWaitError",
        `waiting for KFP run ${outs.runId} failed: ${(e as Error).message}${gone}. The run is recorded in the stack: ` +
          "the next `pulumi up` waits for it again and `pulumi destroy` removes it.",
        id,
        withoutUndefined(outs),
      );
    }
  }

  return {
    async check(_olds: RunInputs, news: RunInputs) {
      const failures: { property: string; reason: string }[] = [];
      const required = ["pipelineName", "experimentName", "kfpNamespace"] as const;
      for (const key of required) {
        if (!news[key]) failures.push({ property: key, reason: `${key} must be a non-empty string` });
      }
      if (!(news.timeoutSeconds > 0))
        failures.push({ property: "timeoutSeconds", reason: "timeoutSeconds must be > 0" });
      if (news.onPodFault !== undefined && news.onPodFault !== "leave" && news.onPodFault !== "terminate") {
        failures.push({
          property: "onPodFault",
          reason: `onPodFault must be "leave" or "terminate", got "${String(news.onPodFault)}"`,
        });
      }
      if (news.onDestroy !== "archive" && news.onDestroy !== "delete") {
        failures.push({
          property: "onDestroy",
          reason: `onDestroy must be "archive" or "delete", got "${String(news.onDestroy)}"`,
        });
      }
      if (typeof news.pipelineIr === "string" && news.pipelineIr !== UNKNOWN) {
        try {
          irPipelineName(news.pipelineIr);
        } catch (e) {
          failures.push({ property: "pipelineIr", reason: (e as Error).message });
        }
      }
      return { inputs: news, failures };
    },

    async diff(_id: string, olds: RunOutputs, news: RunInputs) {
      const hash = news.pipelineIr === UNKNOWN ? UNKNOWN : irHash(news.pipelineIr);
      const d = diffRun(olds, news, hash);
      return { changes: d.changes, replaces: d.replaces, deleteBeforeReplace: d.replaces.length > 0 };
    },

    async create(inputs: RunInputs) {
      const client = clientFor(inputs.access, inputs.outageSeconds);
      const { pipelineIr, ...rest } = inputs;
      const ids = { irHash: "", pipelineId: "", versionId: "", experimentId: "", runId: "" };
      const base = { ...rest, ...ids, state: "", runUrl: "", artifactRoot: "" };
      // The resource's id until a run exists (the id of a created resource never changes).
      const unstarted = `unstarted-${randomBytes(4).toString("hex")}`;
      const outs = await startRun(client, inputs, {}, { base, id: unstarted }, log);
      const id = outs.runId;
      return { id, outs: withoutUndefined(inputs.wait ? await awaitRecorded(client, id, outs, pipelineIr) : outs) };
    },

    async update(id: string, olds: RunOutputs, news: RunInputs) {
      const client = clientFor(news.access, news.outageSeconds);
      const d = diffRun(olds, news, irHash(news.pipelineIr));
      const { pipelineIr, ...rest } = news;
      const run = d.newRun ? undefined : await client.getRun(olds.runId).catch(keepingNotFound);
      let outs: RunOutputs;
      if (!run) {
        log(
          `new run needed (${d.newRun ? `changed: ${d.changed.join(", ")}` : `KFP no longer knows run ${olds.runId}`})`,
        );
        outs = await startRun(client, news, olds, { base: keepingRunFields(olds, rest), id }, log);
      } else {
        // A run attempt abandoned when the inputs went back to this run's: owned (destroy removes it), not used.
        const owned: Owned = { ...olds, createdVersionIds: olds.createdVersionIds ?? [], runIds: olds.runIds ?? [] };
        if (olds.pendingRun) await adoptPending(client, olds.pendingRun, "", owned, log);
        outs = {
          ...olds,
          ...rest,
          runIds: owned.runIds,
          pendingRun: undefined,
          state: run.state ?? olds.state,
          runUrl: runUrl(uiBase(news), olds.runId),
          artifactRoot: artifactRoot(news.pipelineRoot, irPipelineName(pipelineIr), olds.runId),
        };
      }
      return { outs: withoutUndefined(news.wait ? await awaitRecorded(client, id, outs, pipelineIr) : outs) };
    },

    async delete(_id: string, props: RunOutputs) {
      const client = clientFor(props.access, props.outageSeconds);
      const ignoreMissing = async (what: string, action: () => Promise<void>): Promise<void> => {
        try {
          await action();
          log(what);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      };
      const runIds = props.runIds ?? [props.runId];
      // A run whose creation answer was lost may exist: it is ours too.
      const owned: Owned = { createdVersionIds: [], runIds };
      if (props.pendingRun) await adoptPending(client, props.pendingRun, "", owned, log);
      for (const runId of owned.runIds) {
        if (props.onDestroy === "delete") await ignoreMissing(`deleted run ${runId}`, () => client.deleteRun(runId));
        else await ignoreMissing(`archived run ${runId}`, () => client.archiveRun(runId));
      }
      for (const versionId of props.createdVersionIds ?? []) {
        await ignoreMissing(`deleted version ${versionId}`, () =>
          client.deletePipelineVersion(props.pipelineId, versionId),
        );
      }
      if (props.createdExperimentId) {
        const eid = props.createdExperimentId;
        try {
          const action = experimentOnDestroy(props.onDestroy, await client.listRunIds(eid), owned.runIds);
          if (action === "delete") await ignoreMissing(`deleted experiment ${eid}`, () => client.deleteExperiment(eid));
          if (action === "archive")
            await ignoreMissing(`archived experiment ${eid}`, () => client.archiveExperiment(eid));
          if (action === "keep") log(`kept experiment ${eid}: it holds runs this stack did not start`);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      }
      if (props.createdPipelineId) {
        const pid = props.createdPipelineId;
        await ignoreMissing(`deleted pipeline ${pid}`, () => client.deletePipeline(pid));
      }
    },
  };
}
