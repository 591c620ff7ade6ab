/**
 * Starting a ProteinPipelineRun's KFP run: pipeline by name, version by IR hash, experiment, run, each recorded
 * as soon as it exists (issue 21), so that a failure part-way leaves a state the next up continues from and
 * destroy cleans up. Runs in the provider host (see ../dynamic/README.md).
 */
import { randomBytes } from "crypto";
import { partialFailure, withoutUndefined } from "../dynamic/errors";
import { defaultUiBaseUrl } from "../kfp-api/access";
import { KfpClient, KfpRun, isNotFound } from "../kfp-api/client";
import { createRunOnce, ensureExperiment, ensurePipeline, ensureVersion, ownerMark } from "../kfp-api/ensure";
import { irHash, versionNameFor } from "./ir-hash";
import {
  PendingRun,
  RunInputs,
  RunOutputs,
  artifactRoot,
  irPipelineName,
  runDisplayName,
  runKey,
  runUrl,
} from "./decisions";

type Log = (message: string) => void;

/** The KFP objects the resource owns: destroy removes them. */
export interface Owned {
  createdPipelineId?: string;
  createdExperimentId?: string;
  createdVersionIds: string[];
  runIds: string[];
}

/** What a start that failed part-way leaves in the state, so the next up continues from it and destroy removes it. */
export interface Started {
  /** The state to record: `base` with the ids made so far. */
  base: Omit<RunOutputs, keyof Owned>;
  /** The resource id to record when none exists yet. */
  id: string;
}

/** Where links to the KFP UI point. */
export function uiBase(inputs: RunInputs): string {
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
export async function adoptPending(client: KfpClient, pending: PendingRun, key: string, owned: Owned, log: Log) {
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
export async function startRun(
  client: KfpClient,
  inputs: RunInputs,
  prior: Partial<RunOutputs>,
  failed: Started,
  log: Log,
): Promise<RunOutputs> {
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
    let run = pendingRun && (await adoptPending(client, pendingRun, key, owned, log));
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

/** For a look-up: a 404 is "not there", anything else fails. */
export function keepingNotFound(e: unknown): undefined {
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
