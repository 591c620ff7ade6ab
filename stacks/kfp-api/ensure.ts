/** Idempotent "make sure it exists" steps over the KFP client, safe against concurrent writers. */
import { CreateRunRequest, KfpClient, KfpRun } from "./client";
import { versionNameFor } from "../pipeline-run/ir-hash";
import { RetryPolicy, backoffDelayMs } from "../dynamic/retry";
import { isApiError, isTransient } from "./errors";

export interface Ensured {
  id: string;
  /** True when this call created it (and the caller owns its cleanup). */
  created: boolean;
}

type Log = (message: string) => void;

/**
 * Find by name, else create. If creating fails with an HTTP error, another writer may have won the
 * race (409; the upload endpoints report duplicates with other codes), so look again before failing.
 */
async function findOrCreate(
  what: string,
  find: () => Promise<string | undefined>,
  create: () => Promise<string>,
): Promise<Ensured> {
  const found = await find();
  if (found) return { id: found, created: false };
  try {
    return { id: await create(), created: true };
  } catch (e) {
    if (!isApiError(e)) throw e;
    const raced = await find();
    if (raced) return { id: raced, created: false };
    if (e.status === 409)
      throw new Error(`KFP says ${what} exists (409) but it cannot be listed; check the namespace and permissions`, {
        cause: e,
      });
    throw e;
  }
}

export async function ensurePipeline(client: KfpClient, name: string, log: Log): Promise<Ensured> {
  const result = await findOrCreate(
    `pipeline "${name}"`,
    async () => (await client.findPipelineByName(name))?.pipeline_id,
    async () =>
      (await client.createPipeline(name, "Protein MD pipeline, managed by the kfp-protein-stack Pulumi stack"))
        .pipeline_id,
  );
  log(`${result.created ? "created" : "using existing"} pipeline "${name}" (${result.id})`);
  return result;
}

/** The version named after the IR hash: reused when that exact IR was uploaded before. */
export async function ensureVersion(
  client: KfpClient,
  pipelineId: string,
  pipelineIr: string,
  hash: string,
  log: Log,
): Promise<Ensured> {
  const name = versionNameFor(hash);
  const result = await findOrCreate(
    `pipeline version ${name}`,
    async () => (await client.findPipelineVersionByName(pipelineId, name))?.pipeline_version_id,
    async () =>
      (await client.uploadPipelineVersion(pipelineId, name, pipelineIr, `IR sha256 ${hash}`)).pipeline_version_id,
  );
  log(`${result.created ? "uploaded" : "reusing"} pipeline version ${name} (${result.id})`);
  return result;
}

export async function ensureExperiment(client: KfpClient, name: string): Promise<Ensured> {
  return findOrCreate(
    `experiment "${name}"`,
    async () => (await client.findExperimentByName(name))?.experiment_id,
    async () => (await client.createExperiment(name, "Runs of the protein MD pipeline")).experiment_id,
  );
}

/** Undo what a failed attempt created, so no orphan version/pipeline/experiment is left; says what it did. */
export async function rollbackCreated(
  client: KfpClient,
  pipeline: Ensured,
  version?: Ensured,
  experiment?: Ensured,
): Promise<string> {
  const undone: string[] = [];
  try {
    if (experiment?.created) {
      await client.deleteExperiment(experiment.id);
      undone.push(`experiment ${experiment.id}`);
    }
    if (version?.created) {
      await client.deletePipelineVersion(pipeline.id, version.id);
      undone.push(`version ${version.id}`);
    }
    if (pipeline.created) {
      await client.deletePipeline(pipeline.id);
      undone.push(`pipeline ${pipeline.id}`);
    }
    return undone.length ? ` (removed the ${undone.join(" and ")} it had just created)` : "";
  } catch (e) {
    return ` (could not remove what it created: ${(e as Error).message}; delete it in the KFP UI)`;
  }
}

/**
 * Run creation is not idempotent: after a transient failure the run may exist anyway, so look it
 * up by its (unique) display name before trying again.
 */
export async function createRunOnce(
  client: KfpClient,
  req: CreateRunRequest & { experiment_id: string },
  policy: RetryPolicy,
  log: Log,
  wait: (ms: number) => Promise<void>,
): Promise<KfpRun> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.createRun(req);
    } catch (e) {
      if (!isTransient(e) || attempt >= policy.attempts) throw e;
      const existing = await client.findRunByDisplayName(req.experiment_id, req.display_name);
      if (existing) {
        log(`run creation answered ${(e as Error).message}, but the run exists: ${existing.run_id}`);
        return existing;
      }
      const delay = backoffDelayMs(attempt, policy);
      log(
        `run creation: ${(e as Error).message}; no run was made; retry ${attempt}/${policy.attempts - 1} in ${delay} ms`,
      );
      await wait(delay);
    }
  }
}
