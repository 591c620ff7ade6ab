/**
 * ProteinPipelineRun's provider: uploads the compiled IR to KFP (pipeline by name, version by IR hash), ensures
 * the experiment, starts a run and optionally waits for it. A dynamic provider: its methods are
 * serialized into state and run in a separate process, so clients are built inside the methods.
 */
import * as pulumi from "@pulumi/pulumi";
import { randomBytes } from "crypto";
import { PartialFailure, partialFailure, withoutUndefined } from "../dynamic/errors";
import { HttpRequester } from "../dynamic/http";
import { KfpAccess, defaultUiBaseUrl, requesterForAccess } from "../kfp-api/access";
import { KfpClient, KfpRun, isNotFound } from "../kfp-api/client";
import { pipelineStepsFromIr } from "../kfp-api/task-details";
import {
  Ensured,
  createRunOnce,
  ensureExperiment,
  ensurePipeline,
  ensureVersion,
  rollbackCreated,
} from "../kfp-api/ensure";
import { irHash, versionNameFor } from "./ir-hash";
import { RunPods, runPodsReader } from "./run-pods";
import { podFaultMessage } from "./pod-faults";
import { settleStuckRun, stuckPodWatcher } from "./stuck-pods";
import type { KubeAccess } from "../kube/api";
import { DEFAULT_RETRY, RetryPolicy, sleep } from "../dynamic/retry";
import {
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
  pollDelayMs,
  progressLine,
  runDisplayName,
  runUrl,
} from "./decisions";

export interface RunProviderDeps {
  requester?: (access: KfpAccess) => HttpRequester;
  retry?: RetryPolicy;
  poll?: PollPolicy;
  log?: (message: string) => void;
  wait?: (ms: number) => Promise<void>;
  now?: () => number;
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

interface Owned {
  createdPipelineId?: string;
  createdExperimentId?: string;
  createdVersionIds: string[];
  runIds: string[];
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
  const clientFor = (access: KfpAccess): KfpClient =>
    new KfpClient((deps.requester ?? requesterForAccess)(access), { retry: deps.retry ?? DEFAULT_RETRY, log, wait });

  function uiBase(inputs: RunInputs): string {
    return inputs.uiBaseUrl || defaultUiBaseUrl(inputs.access);
  }

  function outputsFor(
    inputs: RunInputs,
    hash: string,
    ids: { pipelineId: string; versionId: string; experimentId: string },
    run: KfpRun,
    owned: Owned,
  ): RunOutputs {
    const { pipelineIr, ...rest } = inputs;
    return {
      ...rest,
      irHash: hash,
      ...ids,
      runId: run.run_id,
      state: run.state ?? "PENDING",
      runUrl: runUrl(uiBase(inputs), run.run_id),
      artifactRoot: artifactRoot(inputs.pipelineRoot, irPipelineName(pipelineIr), run.run_id),
      ...owned,
    };
  }

  async function startRun(client: KfpClient, inputs: RunInputs, prior: Owned): Promise<RunOutputs> {
    const hash = irHash(inputs.pipelineIr);
    irPipelineName(inputs.pipelineIr); // fail early on an IR that is not a pipeline spec
    const pipeline = await ensurePipeline(client, inputs.pipelineName, log);
    let version: Ensured | undefined;
    let run: KfpRun;
    let experiment: Ensured | undefined;
    try {
      const ir = { name: versionNameFor(hash), ir: inputs.pipelineIr, description: `IR sha256 ${hash}` };
      version = await ensureVersion(client, pipeline.id, ir, log);
      experiment = await ensureExperiment(client, inputs.experimentName);
      const experimentId = experiment.id;
      const request = {
        display_name: runDisplayName(inputs.pipelineName, hash, randomBytes(3).toString("hex"), inputs.rerunToken),
        description: `Started by Pulumi (kfp-protein-stack); IR sha256 ${hash}`,
        experiment_id: experimentId,
        pipeline_version_reference: { pipeline_id: pipeline.id, pipeline_version_id: version.id },
        runtime_config: {
          parameters: inputs.parameters,
          ...(inputs.pipelineRoot ? { pipeline_root: inputs.pipelineRoot } : {}),
        },
      };
      run = await createRunOnce(client, request, deps.retry ?? DEFAULT_RETRY, log, wait);
    } catch (e) {
      const undone = await rollbackCreated(client, pipeline, version, experiment);
      throw new Error(`starting the KFP run failed: ${(e as Error).message}${undone}`, { cause: e });
    }
    log(`started run ${run.run_id} in experiment "${inputs.experimentName}"`);
    const owned: Owned = {
      createdPipelineId: pipeline.created
        ? pipeline.id
        : prior.createdPipelineId === pipeline.id
          ? pipeline.id
          : undefined,
      createdExperimentId: experiment!.created
        ? experiment.id
        : prior.createdExperimentId === experiment.id
          ? experiment.id
          : undefined,
      createdVersionIds: unique([...(prior.createdVersionIds ?? []), ...(version.created ? [version.id] : [])]),
      runIds: unique([...(prior.runIds ?? []), run.run_id]),
    };
    const ids = { pipelineId: pipeline.id, versionId: version.id, experimentId: experiment.id };
    return outputsFor(inputs, hash, ids, run, owned);
  }

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
      const client = clientFor(inputs.access);
      const outs = await startRun(client, inputs, { createdVersionIds: [], runIds: [] });
      const id = outs.runId;
      return { id, outs: withoutUndefined(inputs.wait ? await awaitRun(client, id, outs, inputs.pipelineIr) : outs) };
    },

    async update(id: string, olds: RunOutputs, news: RunInputs) {
      const client = clientFor(news.access);
      const d = diffRun(olds, news, irHash(news.pipelineIr));
      let outs: RunOutputs;
      if (d.newRun) {
        log(`new run needed (changed: ${d.changed.join(", ")})`);
        outs = await startRun(client, news, olds);
      } else {
        const run = await client.getRun(olds.runId);
        const { pipelineIr, ...rest } = news;
        outs = {
          ...olds,
          ...rest,
          state: run.state ?? olds.state,
          runUrl: runUrl(uiBase(news), olds.runId),
          artifactRoot: artifactRoot(news.pipelineRoot, irPipelineName(pipelineIr), olds.runId),
        };
      }
      return { outs: withoutUndefined(news.wait ? await awaitRun(client, id, outs, news.pipelineIr) : outs) };
    },

    async delete(_id: string, props: RunOutputs) {
      const client = clientFor(props.access);
      const ignoreMissing = async (what: string, action: () => Promise<void>): Promise<void> => {
        try {
          await action();
          log(what);
        } catch (e) {
          if (!isNotFound(e)) throw e;
        }
      };
      for (const runId of props.runIds ?? [props.runId]) {
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
          const action = experimentOnDestroy(props.onDestroy, await client.listRunIds(eid), props.runIds ?? []);
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

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
