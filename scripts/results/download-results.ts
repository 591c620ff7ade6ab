/**
 * `npm run results`: a run's artifacts from the object store into `<out>/<run-id>/[<protein>/]<task>/<file>`,
 * and an index.html linking every plot and log and listing every metric.
 * KFP's v2 driver puts each output at `<pipeline root>/<pipeline>/<run id>/<task>/<uuid>/<output name>`.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, statSync, writeFileSync } from "fs";
import { dirname, join, relative } from "path";
import { outputFileName } from "../../pipelines/results/output-files";
import { PlannedFile, TaskMetrics, indexHtml, readMetrics } from "../../pipelines/results/results-index";
import { S3Object } from "./s3";

export type { PlannedFile } from "../../pipelines/results/results-index";

export const ARTIFACT_BUCKET = "mlpipeline";
export const ARTIFACT_PREFIX = "v2/artifacts/";

/** One path segment that stays where it is put: not empty, `.` or `..`, no slash or control character. */
export function isPlainSegment(segment: string): boolean {
  // eslint-disable-next-line no-control-regex
  return segment !== "" && segment !== "." && segment !== ".." && !/[\u0000-\u001f\u007f/\\]/.test(segment);
}

/**
 * Which objects of the run to fetch, and where: `[<protein>/]<task>/<file>`, trajectories only when asked for.
 * `folders` maps a task's storage folder (`<task>/<uuid>`) to its protein in a batch run (./protein-folders.ts);
 * a task folder it does not name, repeated, is numbered `<task>-2`, `<task>-3`, … in key order.
 * Keys ending in `/` are folder markers, not files; a key whose file would land outside the run folder
 * (a `..` part, an empty part) is left out and its key added to `refused`.
 */
export function planDownloads(
  objects: S3Object[],
  runId: string,
  trajectories: boolean,
  folders: Map<string, string> = new Map(),
  refused: string[] = [],
): PlannedFile[] {
  const planned: PlannedFile[] = [];
  const dirOfFolder = new Map<string, { dir: string; task: string; protein?: string }>();
  const usedDirs = new Set<string>();
  for (const object of [...objects].sort((a, b) => a.key.localeCompare(b.key))) {
    if (object.key.endsWith("/")) continue;
    const parts = object.key.split("/");
    const at = parts.indexOf(runId);
    if (at < 0 || parts.length < at + 3) continue;
    const output = parts[parts.length - 1];
    if (output === "output_traj" && !trajectories) continue;
    const folder = parts.slice(at + 1, -1).join("/");
    const protein = folders.get(folder);
    if (![parts[at + 1], outputFileName(output), ...(protein === undefined ? [] : [protein])].every(isPlainSegment)) {
      refused.push(object.key);
      continue;
    }
    let place = dirOfFolder.get(folder);
    if (!place) {
      const base = protein ? `${protein}/${parts[at + 1]}` : parts[at + 1];
      let dir = base;
      for (let n = 2; usedDirs.has(dir); n++) dir = `${base}-${n}`;
      usedDirs.add(dir);
      place = { dir, task: dir.split("/").pop()!, ...(protein ? { protein } : {}) };
      dirOfFolder.set(folder, place);
    }
    planned.push({
      key: object.key,
      size: object.size,
      path: `${place.dir}/${outputFileName(output)}`,
      task: place.task,
      ...(place.protein ? { protein: place.protein } : {}),
    });
  }
  // Grouped by protein (a stable sort: key order within each).
  return planned.sort((a, b) => (a.protein ?? "").localeCompare(b.protein ?? ""));
}

/** Whether a task repeats with nothing to tell its folders apart (a batch run read without its Workflow). */
export function hasNumberedTasks(files: PlannedFile[], runId: string): boolean {
  return files.some((f) => {
    const parts = f.key.split("/");
    return !f.protein && f.task !== parts[parts.indexOf(runId) + 1];
  });
}

/** A file already there with the object's size is complete (downloads land by rename). */
export function isComplete(file: string, size: number): boolean {
  return existsSync(file) && statSync(file).size === size;
}

export interface Store {
  list(bucket: string, prefix: string): Promise<S3Object[]>;
  download(bucket: string, key: string, file: string): Promise<number>;
}

export interface ResultsSummary {
  runDir: string;
  downloaded: number;
  skipped: number;
  files: PlannedFile[];
  metrics: TaskMetrics[];
}

/**
 * Lists first (a wrong credential, an unreachable store or an unknown run fail here, before anything is
 * written), then downloads what is not complete yet, then writes index.html.
 */
export async function downloadResults(
  store: Store,
  runId: string,
  outDir: string,
  options: {
    trajectories: boolean;
    log: (line: string) => void;
    /** `<task>/<uuid>` -> protein, from the run's Workflow (./protein-folders.ts). */
    folders?: Map<string, string>;
    /** Why there are no per-protein folders, said once if tasks repeat. */
    noFoldersBecause?: string;
  },
): Promise<ResultsSummary> {
  if (!isPlainSegment(runId)) {
    throw new Error(`--run ${JSON.stringify(runId)} is not a run id: it would name a folder outside ${outDir}`);
  }
  const objects = (await store.list(ARTIFACT_BUCKET, ARTIFACT_PREFIX)).filter((o) => o.key.split("/").includes(runId));
  if (objects.length === 0) {
    throw new Error(
      `no artifacts of run ${runId} in s3://${ARTIFACT_BUCKET}/${ARTIFACT_PREFIX}: check --run (has the run started a step yet?)`,
    );
  }
  const refused: string[] = [];
  const files = planDownloads(objects, runId, options.trajectories, options.folders, refused);
  for (const key of refused) {
    options.log(`left out ${JSON.stringify(key)}: its file would land outside ${join(outDir, runId)}`);
  }
  if (hasNumberedTasks(files, runId)) {
    options.log(
      `tasks repeat (a batch run) and are numbered <task>-2, …: ${options.noFoldersBecause ?? "the run's Workflow names no protein for them"}; per-protein folders need the run's Argo Workflow, read with kubectl (drop --s3-endpoint, or add --context/--kubeconfig) while it still exists`,
    );
  }
  const runDir = join(outDir, runId);
  let downloaded = 0;
  let skipped = 0;
  for (const file of files) {
    const target = join(runDir, file.path);
    if (isComplete(target, file.size)) {
      skipped++;
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    await store.download(ARTIFACT_BUCKET, file.key, target);
    downloaded++;
    options.log(`  ${relative(outDir, target)} (${file.size} bytes)`);
  }
  const metrics = readMetrics(runDir, files);
  const index = join(runDir, "index.html");
  writeFileSync(`${index}.part`, indexHtml(runId, files, metrics));
  renameSync(`${index}.part`, index);
  return { runDir, downloaded, skipped, files, metrics };
}

/** Removes the empty folders a failed attempt left (complete files, and their folders, stay). */
export function pruneEmptyDirs(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
  for (const entry of readdirSync(dir)) pruneEmptyDirs(join(dir, entry));
  if (readdirSync(dir).length === 0) rmdirSync(dir);
}
