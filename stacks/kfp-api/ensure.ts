/**
 * Idempotent "make sure it exists" steps over the KFP client, safe against concurrent writers and against
 * replies lost on the way back (the object exists but we were not told).
 */
import { CreateRunRequest, KfpClient, KfpRun } from "./client";
import { isApiError, isTransient } from "./errors";

export interface Ensured {
  id: string;
  /** True when this owner made it (this call, or an earlier one whose reply was lost): the caller owns its cleanup. */
  created: boolean;
}

type Log = (message: string) => void;

/**
 * The mark this stack puts in the descriptions of what it creates, so that an object found by name after a
 * lost reply can be told apart from one someone else made. `owner` names the stack and resource.
 */
export function ownerMark(owner: string | undefined): string {
  return owner ? ` [owner: ${owner}]` : "";
}

export function madeBy(description: string | undefined, owner: string | undefined): boolean {
  return !!owner && !!description?.includes(ownerMark(owner));
}

interface Found {
  id: string;
  description?: string;
}

/**
 * Find by name, else create. A create whose answer was lost (reset, timeout, 5xx, broken body) may have
 * worked, so before each retry it looks again; what it finds then is ours only if it carries our mark. If
 * creating fails with an HTTP error, another writer may have won the race (409; the upload endpoints report
 * duplicates with other codes), so it looks once more before failing.
 */
async function findOrCreate(
  client: KfpClient,
  what: string,
  owner: string | undefined,
  find: () => Promise<Found | undefined>,
  create: () => Promise<string>,
): Promise<Ensured> {
  const ensured = (f: Found): Ensured => ({ id: f.id, created: madeBy(f.description, owner) });
  const found = await find();
  if (found) return ensured(found);
  try {
    return await client.createOnce(
      `creating ${what}`,
      async () => ({ id: await create(), created: true }),
      async () => {
        const made = await find();
        return made && ensured(made);
      },
    );
  } catch (e) {
    if (!isApiError(e) && !isTransient(e)) throw e;
    const raced = await find();
    if (raced) return ensured(raced);
    if (isApiError(e) && e.status === 409)
      throw new Error(`KFP says ${what} exists (409) but it cannot be listed; check the namespace and permissions`, {
        cause: e,
      });
    throw e;
  }
}

export async function ensurePipeline(client: KfpClient, name: string, log: Log, owner?: string): Promise<Ensured> {
  const description = `Protein MD pipeline, managed by the kfp-protein-stack Pulumi stack${ownerMark(owner)}`;
  const result = await findOrCreate(
    client,
    `pipeline "${name}"`,
    owner,
    async () => found(await client.findPipelineByName(name), (p) => p.pipeline_id),
    async () => (await client.createPipeline(name, description)).pipeline_id,
  );
  log(`${result.created ? "created" : "using existing"} pipeline "${name}" (${result.id})`);
  return result;
}

/** The version named `name` (the caller names it after the IR's hash): reused when it was uploaded before. */
export async function ensureVersion(
  client: KfpClient,
  pipelineId: string,
  version: { name: string; ir: string; description: string },
  log: Log,
  owner?: string,
): Promise<Ensured> {
  const { name } = version;
  const result = await findOrCreate(
    client,
    `pipeline version ${name}`,
    owner,
    async () => found(await client.findPipelineVersionByName(pipelineId, name), (v) => v.pipeline_version_id),
    async () =>
      (await client.uploadPipelineVersion(pipelineId, name, version.ir, `${version.description}${ownerMark(owner)}`))
        .pipeline_version_id,
  );
  log(`${result.created ? "uploaded" : "reusing"} pipeline version ${name} (${result.id})`);
  return result;
}

export async function ensureExperiment(client: KfpClient, name: string, owner?: string): Promise<Ensured> {
  return findOrCreate(
    client,
    `experiment "${name}"`,
    owner,
    async () => found(await client.findExperimentByName(name), (e) => e.experiment_id),
    async () =>
      (await client.createExperiment(name, `Runs of the protein MD pipeline${ownerMark(owner)}`)).experiment_id,
  );
}

function found<T extends { description?: string }>(item: T | undefined, idOf: (item: T) => string): Found | undefined {
  return item && { id: idOf(item), description: item.description };
}

/**
 * Run creation is not idempotent: after a failed answer the run may exist anyway, so look it up by its
 * (unique) display name before trying again.
 */
export async function createRunOnce(
  client: KfpClient,
  req: CreateRunRequest & { experiment_id: string },
  log: Log,
): Promise<KfpRun> {
  return client.createOnce(
    "run creation",
    () => client.createRun(req),
    async (e) => {
      const existing = await client.findRunByDisplayName(req.experiment_id, req.display_name);
      if (existing) log(`run creation answered ${(e as Error).message}, but the run exists: ${existing.run_id}`);
      return existing;
    },
  );
}
