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
import { createRunOnce, ensureExperiment, ensurePipeline, ensureVersion, ownerMark } from "../kfp-api/ensure";
import { irHash, versionNameFor } from "./ir-hash";
import { DEFAULT_RETRY, RetryPolicy, sleep } from "../dynamic/retry";
import {
  DEFAULT_OUTAGE_SECONDS,
  DEFAULT_POLL,
  PendingRun,
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
  runDisplayName,
  runKey,
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

/** What a start that failed part-way leaves in the state, so the next up continues from it and destroy removes it. */
interface Started {
  /** The state to record: `base` with the ids made so far. */
  base: Omit<RunOutputs, keyof Owned>;
  /** The resource id to record when none exists yet. */
  id: string;
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

  /** The run an earlier start made though its answer was lost: owned either way, the current run if it still fits. */
  async function adoptPending(client: KfpClient, pending: PendingRun, key: string, owned: Owned) {
    const run = await client.findRunByDisplayName(pending.experimentId, pending.displayName).catch(keepingNotFound);
    if (!run) return undefined;
    owned.runIds = unique([...owned.runIds, run.run_id]);
    log(`found run ${run.run_id}, started by an earlier attempt whose answer was lost`);
    return pending.key === key ? run : undefined;
  }

  /**
   * Uploads what the run needs and starts it. Every object is recorded as soon as it exists: a failure
   * part-way throws a partial failure holding `failed.base` with the ids made so far.
   */
  async function startRun(client: KfpClient, inputs: RunInputs, prior: Partial<RunOutputs>, failed: Started) {
    const hash = irHash(inputs.pipelineIr);
    irPipelineName(inputs.pipelineIr); // fail early on an IR that is not a pipeline spec
    const owned: Owned = {
      createdPipelineId: prior.createdPipelineId,
      createdExperimentId: prior.createdExperimentId,
      createdVersionIds: prior.createdVersionIds ?? [],
      runIds: prior.runIds ?? [],
    };
    const ids = { pipelineId: prior.pipelineId ?? "", versionId: prior.versionId ?? "", experimentId: "" };
    let pendingRun = prior.pendingRun;
    try {
      const pipeline = await ensurePipeline(client, inputs.pipelineName, log, inputs.owner);
      // A pipeline recorded earlier but gone since (deleted in the UI) is no longer ours to delete.
      const ownsPipeline = pipeline.created || prior.createdPipelineId === pipeline.id;
      owned.createdPipelineId = ownsPipeline ? pipeline.id : undefined;
      ids.pipelineId = pipeline.id;
      const ir = { name: versionNameFor(hash), ir: inputs.pipelineIr, description: `IR sha256 ${hash}` };
      const version = await ensureVersion(client, pipeline.id, ir, log, inputs.owner);
      if (version.created) owned.createdVersionIds = unique([...owned.createdVersionIds, version.id]);
      ids.versionId = version.id;
      const experiment = await ensureExperiment(client, inputs.experimentName, inputs.owner);
      const ownsExperiment = experiment.created || prior.createdExperimentId === experiment.id;
      owned.createdExperimentId = ownsExperiment ? experiment.id : undefined;
      ids.experimentId = experiment.id;

      const key = runKey(hash, inputs);
      let run = pendingRun && (await adoptPending(client, pendingRun, key, owned));
      if (!run) {
        const request = {
          display_name: runDisplayName(inputs.pipelineName, hash, randomBytes(3).toString("hex"), inputs.rerunToken),
          description: `Started by Pulumi (kfp-protein-stack); IR sha256 ${hash}${ownerMark(inputs.owner)}`,
          experiment_id: experiment.id,
          pipeline_version_reference: { pipeline_id: pipeline.id, pipeline_version_id: version.id },
          runtime_config: {
            parameters: inputs.parameters,
            ...(inputs.pipelineRoot ? { pipeline_root: inputs.pipelineRoot } : {}),
          },
        };
        pendingRun = { displayName: request.display_name, experimentId: experiment.id, key };
        run = await createRunOnce(client, request, log);
      }
      log(`started run ${run.run_id} in experiment "${inputs.experimentName}"`);
      owned.runIds = unique([...owned.runIds, run.run_id]);
      return outputsFor(inputs, hash, ids, run, owned);
    } catch (e) {
      const made = ownedList(owned, pendingRun);
      const message = `starting the KFP run failed: ${(e as Error).message}`;
      if (made.length === 0) throw new Error(`${message}. It made nothing in KFP.`, { cause: e });
      const known = Object.fromEntries(Object.entries(ids).filter(([, v]) => v));
      const properties = { ...failed.base, ...known, ...owned, pendingRun } as RunOutputs;
      throw partialFailure(
        "RunStartError",
        `${message}. Recorded in the stack: ${made.join(", ")}; the next \`pulumi up\` continues from there and ` +
          "`pulumi destroy` removes them.",
        failed.id,
        withoutUndefined(properties),
      );
    }
  }

  async function awaitRun(client: KfpClient, id: string, outs: RunOutputs, ir: string): Promise<RunOutputs> {
    const steps = pipelineStepsFromIr(ir);
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
      const base = { ...rest, irHash: "", pipelineId: "", versionId: "", experimentId: "", runId: "", state: "" };
      const unstarted = `unstarted-${randomBytes(4).toString("hex")}`;
      const outs = await startRun(
        client,
        inputs,
        {},
        { base: { ...base, runUrl: "", artifactRoot: "" }, id: unstarted },
      );
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
        outs = await startRun(client, news, olds, { base: keepingRunFields(olds, rest), id });
      } else {
        // A run attempt abandoned when the inputs went back to this run's: owned (destroy removes it), not used.
        const owned: Owned = { ...olds, createdVersionIds: olds.createdVersionIds ?? [], runIds: olds.runIds ?? [] };
        if (olds.pendingRun) await adoptPending(client, olds.pendingRun, "", owned);
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
      if (props.pendingRun) await adoptPending(client, props.pendingRun, "", owned);
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

function keepingNotFound(e: unknown): undefined {
  if (isNotFound(e)) return undefined;
  throw e;
}

/** What the state records as this resource's, for the message of a failed start. */
function ownedList(owned: Owned, pendingRun: PendingRun | undefined): string[] {
  return [
    ...(owned.createdPipelineId ? [`pipeline ${owned.createdPipelineId}`] : []),
    ...owned.createdVersionIds.map((v) => `version ${v}`),
    ...(owned.createdExperimentId ? [`experiment ${owned.createdExperimentId}`] : []),
    ...owned.runIds.map((r) => `run ${r}`),
    ...(pendingRun ? [`run "${pendingRun.displayName}" if KFP made it (its answer was lost)`] : []),
  ];
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
