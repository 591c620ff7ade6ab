/**
 * What the container tier asserts about the image, the registry round trip and the pipeline run: facts that
 * only hold when the image really worked (see README, "Container tier").
 */
import { createHash } from "crypto";
import { existsSync, lstatSync, readdirSync, readFileSync } from "fs";
import { join } from "path";
import { outputFileName } from "../../pipelines/results/output-files";
import { topologyFacts } from "./prmtop";

/** Written by the runner on the host, not by the container. */
const RUNNER_FILES = new Set(["log.txt", ".local-cache.json"]);

/** The last task of the protein pipeline: one HTML page gathering every plot and metric of the run. */
const RUN_REPORT_TASK = "run-report";

export interface RunExpectations {
  reference: string;
  uid: number;
  atoms: number;
  disulfides: number;
}

export interface RunReport {
  problems: string[];
  tasks: number;
  facts: string[];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

function jsonFile(path: string): unknown {
  return JSON.parse(readFileSync(path, "utf8"));
}

export function runReport(outDir: string, expected: RunExpectations): RunReport {
  const problems: string[] = [];
  const facts: string[] = [];
  const summaryPath = join(outDir, "summary.json");
  if (!existsSync(summaryPath)) return { problems: [`${summaryPath} is missing`], tasks: 0, facts };
  const summary = jsonFile(summaryPath) as {
    runner?: string;
    images?: { reference: string }[];
    tasks: { name: string; state: string; error?: string }[];
  };
  if (summary.runner !== "docker") problems.push(`summary.json runner is ${summary.runner}, not docker`);
  const references = (summary.images ?? []).map((image) => image.reference);
  if (references.length !== 1 || references[0] !== expected.reference)
    problems.push(`summary.json images are [${references.join(", ")}], not [${expected.reference}]`);
  for (const task of summary.tasks) {
    if (task.state !== "SUCCEEDED") problems.push(`task ${task.name} is ${task.state}: ${task.error ?? ""}`);
  }

  const topology = (task: string) => {
    const path = join(outDir, task, outputFileName("output_top"));
    if (!existsSync(path)) {
      problems.push(`${task} wrote no topology (${path})`);
      return undefined;
    }
    return topologyFacts(readFileSync(path, "utf8"));
  };
  const vacuum = topology("leap-gen-top");
  if (vacuum) {
    facts.push(`vacuum topology: ${vacuum.atoms} atoms, ${vacuum.disulfides} disulfide bonds`);
    if (vacuum.atoms !== expected.atoms)
      problems.push(`vacuum topology has ${vacuum.atoms} atoms, not ${expected.atoms}`);
    if (vacuum.disulfides !== expected.disulfides)
      problems.push(`vacuum topology has ${vacuum.disulfides} disulfide bonds, not ${expected.disulfides}`);
  }
  const solvated = topology("leap-add-ions");
  if (solvated) {
    const ions = (solvated.residues["Na+"] ?? 0) + (solvated.residues["Cl-"] ?? 0);
    facts.push(
      `solvated system: ${solvated.atoms} atoms, ${solvated.residues.WAT ?? 0} waters, ${ions} ions, net charge ${(Math.abs(solvated.charge) < 5e-5 ? 0 : solvated.charge).toFixed(4)} e`,
    );
    if (Math.abs(solvated.charge) > 0.01)
      problems.push(`solvated system is not neutral: ${solvated.charge.toFixed(4)} e`);
    if (!solvated.residues.WAT) problems.push("solvated system has no WAT residues");
  }

  const taskDirs = summary.tasks.map((task) => join(outDir, task.name)).filter((dir) => existsSync(dir));
  const plots = taskDirs.map((dir) => join(dir, outputFileName("output_html"))).filter((path) => existsSync(path));
  const withSvg = plots.filter((path) => readFileSync(path, "utf8").includes("<svg"));
  if (plots.length === 0 || withSvg.length !== plots.length)
    problems.push(`HTML plots with an inline SVG: ${withSvg.length} of ${plots.length}`);
  const metrics = taskDirs.map((dir) => join(dir, outputFileName("output_metrics"))).filter((path) => existsSync(path));
  const numeric = metrics.filter((path) => {
    const values = Object.values(jsonFile(path) as Record<string, unknown>);
    return values.length > 0 && values.every((v) => typeof v === "number" && Number.isFinite(v));
  });
  // Every plot task reports its numbers beside its plot; the run report only gathers the others' plots.
  const plotTasks = plots.filter((path) => !path.endsWith(`/${RUN_REPORT_TASK}/${outputFileName("output_html")}`));
  if (metrics.length !== plotTasks.length || numeric.length !== metrics.length)
    problems.push(`metrics with numbers: ${numeric.length} of ${metrics.length} (plot tasks: ${plotTasks.length})`);
  facts.push(`${withSvg.length} HTML plots, ${numeric.length} metrics artifacts`);

  const written = taskDirs.flatMap(filesUnder).filter((path) => !RUNNER_FILES.has(path.split("/").pop()!));
  const foreign = written.filter((path) => lstatSync(path).uid !== expected.uid);
  if (written.length === 0) problems.push("the containers wrote no files");
  for (const path of foreign.slice(0, 10))
    problems.push(`${path} is owned by uid ${lstatSync(path).uid}, not the container user ${expected.uid}`);
  facts.push(`${written.length - foreign.length} of ${written.length} output files owned by uid ${expected.uid}`);
  return { problems, tasks: summary.tasks.length, facts };
}

export interface ImageInspect {
  Size: number;
  Config: { User?: string; Env?: string[] };
}

/** The image facts the tier asserts, from `docker image inspect` and the Dockerfile it was built from. */
export function imageProblems(image: ImageInspect, dockerfile: string, references: string[]): string[] {
  const problems: string[] = [];
  if (image.Config.User !== "10001:10001")
    problems.push(`Config.User is '${image.Config.User ?? ""}', not 10001:10001`);
  const env = new Map((image.Config.Env ?? []).map((entry) => entry.split(/=(.*)/s).slice(0, 2) as [string, string]));
  const amberHome = env.get("AMBERHOME");
  if (!amberHome) problems.push("the image sets no AMBERHOME");
  else if (!(env.get("PATH") ?? "").split(":").includes(`${amberHome}/bin`))
    problems.push(`the image's PATH (${env.get("PATH")}) does not include ${amberHome}/bin`);
  for (const name of ["AMBERHOME", "PATH"]) {
    if (!new RegExp(`^ENV (?:.*\\s)?${name}=`, "m").test(dockerfile.replace(/\\\n\s*/g, " ")))
      problems.push(`the Dockerfile sets ${name} with no ENV instruction`);
  }
  if (/^#\s*syntax\s*=/im.test(dockerfile))
    problems.push("the Dockerfile has a # syntax= directive: BuildKit would pull a frontend image");
  for (const [where, text] of [["Dockerfile", dockerfile], ...references.map((ref) => ["image reference", ref])]) {
    if (/:latest\b/.test(text))
      problems.push(`${where} names :latest (${text.split("\n").find((l) => l.includes(":latest"))})`);
  }
  return problems;
}

const MANIFEST_TYPES = [
  "application/vnd.docker.distribution.manifest.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
].join(", ");

/**
 * The registry's side of the round trip: the manifest served by tag and by digest hashes to `digest`
 * (what `docker push` printed and the stack's repoDigest pins), and its config blob is the image id.
 */
export async function registryProblems(
  registry: string,
  repository: string,
  tag: string,
  digest: string,
  imageId: string,
): Promise<string[]> {
  const problems: string[] = [];
  for (const reference of [tag, digest]) {
    const url = `${registry}/v2/${repository}/manifests/${reference}`;
    const response = await fetch(url, { headers: { Accept: MANIFEST_TYPES } });
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) {
      problems.push(`GET ${url}: HTTP ${response.status}`);
      continue;
    }
    const served = `sha256:${createHash("sha256").update(body).digest("hex")}`;
    if (served !== digest) problems.push(`GET ${url}: manifest hashes to ${served}, not ${digest}`);
    const header = response.headers.get("docker-content-digest");
    if (header !== digest) problems.push(`GET ${url}: Docker-Content-Digest is ${header}, not ${digest}`);
    const config = (JSON.parse(body.toString("utf8")) as { config?: { digest?: string } }).config?.digest;
    if (config !== imageId) problems.push(`GET ${url}: config blob ${config} is not the image id ${imageId}`);
  }
  return problems;
}
