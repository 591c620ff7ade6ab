/**
 * `npm run pipeline:local` (usage below).
 *
 * Runs the compiled IR (default dist/pipelines/protein.yaml, compiled first when missing) on this machine:
 * every task as a subprocess (default) or as a `docker run` of its executor's image (--runner docker),
 * dependencies first, independent tasks concurrently (at most --jobs, default the number of cores),
 * cached by input hash. Writes DIR/summary.json and each task's files under DIR/<task>/. Exit code 0
 * only when every task SUCCEEDED or was CACHED.
 */
import { spawnSync } from "child_process";
import { cpus } from "os";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "fs";
import { delimiter, join, resolve } from "path";
import { fileDigest, treeDigest } from "./cache";
import { dockerLauncher, ImageRecord, preflight } from "./docker-launcher";
import { executeTask, ExecuteOptions, subprocessLauncher, TaskLauncher } from "./execute";
import { JsonValue, LocalTask, parsePipeline } from "./ir";
import { parseParamFlag, resolveParameters } from "./parameters";
import { FinalState, runGraph } from "./schedule";
import { REPORT_TASK, writeIndexPage } from "./index-page";
import { checkStructureParams, irIsStale } from "./run-checks";
import { walkFlags } from "../cli-flags";
import { Usage, UsageError, asUsageErrors, runCli } from "../cli";
import type { PresetName } from "../protein/presets";

const REPO = resolve(__dirname, "../..");
export const DEFAULT_IR = join(REPO, "dist/pipelines/protein.yaml");
export const TEST_DATA_DIR = join(REPO, "images/amber/tests/data");

/**
 * A local run is offline: PDB entries come from the structures shipped as test data, which include
 * 1AKI, the tutorial's lysozyme (images/amber/tests/data/README.md). Both are overridable with --param.
 */
export const OFFLINE_DEFAULTS: Record<string, JsonValue> = { pdb_source: TEST_DATA_DIR, pdb_code: "1aki" };

export type RunnerName = "subprocess" | "docker";

export interface CliArgs {
  preset?: string;
  outDir: string;
  irPath: string;
  params: [string, string][];
  jobs: number;
  venv?: string;
  useCache: boolean;
  runner: RunnerName;
  image?: string;
  mounts: string[];
}

export const USAGE: Usage = {
  command: "pipeline:local",
  synopsis:
    "npm run pipeline:local -- --out DIR [--preset tiny|short|tutorial|production] [--param NAME=VALUE]… [--runner docker …]",
  about: `Runs the protein pipeline's IR on this machine, without a cluster: every task as a subprocess with real
AmberTools from PyPI (the Python env is made on first use by tools/python-env.sh), or as a docker run of its
image (--runner docker). Offline: the structure comes from images/amber/tests/data (PDB 1AKI by default).
Writes DIR/summary.json and each task's files under DIR/<task>/. Exit 0 when every task SUCCEEDED or was
CACHED, 1 otherwise, 2 on a usage error.`,
  flags: [
    ["--out DIR", "where task outputs and summary.json go (required)"],
    [
      "--preset NAME",
      "parameter preset: tiny (a smoke test), short, tutorial (the notebook's step counts) or production (5 ns)",
    ],
    ["--param NAME=VALUE", "override a pipeline parameter (repeatable), e.g. pdb_code=4e43"],
    ["--ir FILE", "the IR to run (default dist/pipelines/protein.yaml, compiled first when missing)"],
    ["--jobs N", "tasks at once (default: the number of cores)"],
    ["--no-cache", "run every task, ignoring results cached by input hash"],
    ["--venv DIR", "the AmberTools Python env (default $PROTEIN_STEPS_VENV, else made by tools/python-env.sh)"],
    ["--runner NAME", "subprocess (default) or docker"],
    ["--image REF", "with --runner docker: the image the IR names, a digest reference"],
    ["--mount DIR", "with --runner docker: a read-only data directory (repeatable), e.g. a pdb_source"],
  ],
};

export function parseArgs(argv: string[], cores: number): CliArgs {
  return asUsageErrors(() => parseArgsOrThrow(argv, cores));
}

function parseArgsOrThrow(argv: string[], cores: number): CliArgs {
  const args: Partial<CliArgs> & { params: [string, string][]; mounts: string[] } = {
    params: [],
    irPath: DEFAULT_IR,
    jobs: cores,
    useCache: true,
    runner: "subprocess",
    mounts: [],
  };
  walkFlags(argv, (flag, value) => {
    if (flag === "--preset") args.preset = value();
    else if (flag === "--out") args.outDir = value();
    else if (flag === "--ir") args.irPath = value();
    else if (flag === "--param") args.params.push(parseParamFlag(value()));
    else if (flag === "--venv") args.venv = value();
    else if (flag === "--no-cache") args.useCache = false;
    else if (flag === "--image") args.image = value();
    else if (flag === "--mount") args.mounts.push(resolve(value()));
    else if (flag === "--runner") {
      const runner = value();
      if (runner !== "subprocess" && runner !== "docker")
        throw new Error(`--runner ${runner}: use subprocess or docker`);
      args.runner = runner;
    } else if (flag === "--jobs") {
      const jobs = Number(value());
      if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs needs a positive integer`);
      args.jobs = jobs;
    } else {
      throw new Error(`unknown option ${flag}`);
    }
  });
  if (!args.outDir) throw new Error("--out DIR is required (where task outputs and summary.json go)");
  if (args.runner === "docker" && args.venv !== undefined)
    throw new Error("--venv is for the subprocess runner; --runner docker runs the image's own environment");
  if (args.runner !== "docker" && (args.image !== undefined || args.mounts.length > 0))
    throw new Error("--image and --mount need --runner docker");
  for (const dir of args.mounts) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--mount ${dir}: not a directory`);
  }
  return args as CliArgs;
}

export interface TaskSummary {
  name: string;
  state: FinalState;
  seconds: number;
  error?: string;
}

export interface Summary {
  runner: string;
  /** the images the tasks ran in (docker runner) */
  images?: ImageRecord[];
  /** the pipeline parameters the run resolved (defaults, preset, --param) */
  parameters: Record<string, JsonValue>;
  /** wall time of the whole run, for benchmarks that compare runners */
  wallSeconds: number;
  tasks: TaskSummary[];
}

/** A launcher other than subprocesses, made once the IR is read; it may refuse the IR before anything is written. */
export type LauncherFactory = (tasks: LocalTask[]) => { launcher: TaskLauncher; images?: ImageRecord[] };

export interface RunOptions {
  irPath: string;
  outDir: string;
  parameterLayers: Record<string, JsonValue>[];
  params: [string, string][];
  jobs: number;
  /** environment of subprocess tasks (the default launcher) */
  env: NodeJS.ProcessEnv;
  launcher?: LauncherFactory;
  useCache: boolean;
  /** part of every task's cache key: a change of the step runner's code invalidates the cache */
  codeVersion: string;
  log: (line: string) => void;
}

export async function runPipeline(options: RunOptions): Promise<Summary> {
  if (!existsSync(options.irPath)) throw new Error(`${options.irPath} does not exist: run \`npm run compile\` first`);
  const pipeline = parsePipeline(readFileSync(options.irPath, "utf8"));
  const started = Date.now();
  const pipelineParameters = resolveParameters(pipeline.parameters, options.parameterLayers, options.params);
  const { launcher, images } = options.launcher
    ? options.launcher(pipeline.tasks)
    : { launcher: subprocessLauncher(options.env), images: undefined };
  mkdirSync(options.outDir, { recursive: true });
  const byName = new Map<string, LocalTask>(pipeline.tasks.map((t) => [t.name, t]));
  const execute: ExecuteOptions = {
    outDir: options.outDir,
    pipelineParameters,
    launcher,
    useCache: options.useCache,
    codeVersion: options.codeVersion,
  };
  const seconds = new Map<string, number>();
  const total = pipeline.tasks.length;
  let finished = 0;
  const width = String(total).length;
  const progress = (name: string, state: FinalState, took: number, error?: string) => {
    finished += 1;
    const counter = `[${String(finished).padStart(width)}/${total}]`;
    options.log(`${counter} ${state.padEnd(9)} ${name} (${took.toFixed(1)} s)${error ? ` — ${error}` : ""}`);
  };
  const outcomes = await runGraph(
    pipeline.tasks,
    async (name) => {
      const started = process.hrtime.bigint();
      const result = await executeTask(byName.get(name)!, execute, byName).catch((error: Error) => ({
        state: "FAILED" as const,
        error: error.message,
      }));
      const took = Number(process.hrtime.bigint() - started) / 1e9;
      seconds.set(name, took);
      progress(name, result.state, took, result.error);
      return result;
    },
    options.jobs,
  );
  const tasks: TaskSummary[] = [...outcomes].map(([name, outcome]) => {
    if (outcome.state === "SKIPPED") progress(name, "SKIPPED", 0, outcome.error);
    return {
      name,
      state: outcome.state,
      seconds: Math.round((seconds.get(name) ?? 0) * 10) / 10,
      ...(outcome.error ? { error: outcome.error } : {}),
    };
  });
  const summary: Summary = {
    runner: launcher.name,
    ...(images ? { images } : {}),
    parameters: pipelineParameters,
    wallSeconds: Math.round((Date.now() - started) / 100) / 10,
    tasks,
  };
  writeFileSync(join(options.outDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  return summary;
}

/** The venv with AmberTools + biobb: --venv, else $PROTEIN_STEPS_VENV, else made/reused by tools/python-env.sh. */
function findVenv(explicit: string | undefined, log: (line: string) => void): string {
  const chosen = explicit ?? process.env.PROTEIN_STEPS_VENV;
  if (chosen) return resolve(chosen);
  log("preparing the AmberTools Python env (tools/python-env.sh; first time installs from PyPI)…");
  const result = spawnSync(
    "bash",
    [join(REPO, "tools/python-env.sh"), "amber", join(REPO, "images/amber/requirements-test.txt")],
    {
      stdio: ["ignore", "pipe", "inherit"],
      encoding: "utf8",
    },
  );
  if (result.status !== 0) throw new Error("tools/python-env.sh failed to create the AmberTools venv (see above)");
  return result.stdout.trim().split("\n").pop()!;
}

/** The step runner's code and pinned dependencies: what a local task's result depends on besides its inputs. */
function stepRunnerVersion(): string {
  const amber = join(REPO, "images/amber");
  return `${treeDigest(join(amber, "protein_steps"), [".py"])}:${fileDigest(join(amber, "requirements-test.txt"))}`;
}

export function stepRunnerEnv(venv: string, base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const path = [join(REPO, "images/amber/bin"), join(venv, "bin"), base.PATH ?? ""].join(delimiter);
  return { ...base, PATH: path, AMBERHOME: venv };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, cpus().length);
  const log = (line: string) => console.log(line);
  // npm runs scripts in the package's folder; INIT_CWD is where the user typed the command.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  args.outDir = resolve(cwd, args.outDir);
  args.irPath = resolve(cwd, args.irPath);
  // Imported here so the runner's modules stay independent of the protein pipeline's sources.
  const { presets, runContext } = await import("../protein/presets");
  const layers: Record<string, JsonValue>[] = [];
  if (args.preset !== undefined) {
    const preset = (presets as Record<string, Record<string, JsonValue>>)[args.preset];
    if (!preset) throw new UsageError(`unknown preset ${args.preset}; use ${Object.keys(presets).join(" or ")}`);
    layers.push(preset);
  }
  layers.push(OFFLINE_DEFAULTS);
  const preset = args.preset as PresetName | undefined;
  layers.push({ run_context: runContext(preset, Object.fromEntries(args.params)) });
  // Before any environment is built: the structure exists, and a relative source means the current directory.
  const structure = checkStructureParams(args.params, OFFLINE_DEFAULTS, cwd);
  args.params.push(["pdb_source", structure.pdbSource]);
  if (resolve(args.irPath) === DEFAULT_IR && irIsStale(DEFAULT_IR, [join(REPO, "pipelines")])) {
    log("the IR is missing or older than pipelines/: compiling it (npm run compile)…");
    const compiled = spawnSync("npm", ["run", "--silent", "compile"], { cwd: REPO, stdio: "inherit" });
    if (compiled.status !== 0) throw new Error("npm run compile failed (see above)");
  }
  log(
    `offline defaults: ${Object.entries(OFFLINE_DEFAULTS)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")} (override with --param)`,
  );
  const common = {
    irPath: resolve(args.irPath),
    outDir: resolve(args.outDir),
    parameterLayers: layers,
    params: args.params,
    jobs: args.jobs,
    useCache: args.useCache,
    log,
  };
  let summary: Summary;
  if (args.runner === "docker") {
    // The offline default pdb_source is a host directory: mounted read-only so the default run works here too.
    const docker = { expectedImage: args.image, dataDirs: [TEST_DATA_DIR, ...args.mounts], log };
    summary = await runPipeline({
      ...common,
      env: {},
      launcher: (tasks) => {
        const images = preflight(tasks, docker);
        for (const image of images) log(`docker runner: ${image.reference} (image id ${image.id}, user ${image.user})`);
        return { launcher: dockerLauncher(images, docker), images };
      },
      // The image reference is a content digest and is part of every task's cache key.
      codeVersion: "docker",
    });
  } else {
    const venv = findVenv(args.venv, log);
    // The run report's reference bands ship with the step runner: a malformed file fails here, not after the MD.
    const bands = spawnSync(join(venv, "bin", "python"), ["-m", "protein_steps.verdict"], {
      cwd: join(REPO, "images/amber"),
      encoding: "utf8",
    });
    if (bands.status !== 0) throw new Error(`the run report's reference bands: ${bands.stderr.trim()}`);
    summary = await runPipeline({
      ...common,
      env: stepRunnerEnv(venv, process.env),
      codeVersion: stepRunnerVersion(),
    });
  }
  const counts = new Map<string, number>();
  for (const task of summary.tasks) counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
  const outDir = resolve(args.outDir);
  log(`${[...counts].map(([state, n]) => `${n} ${state}`).join(", ")}; summary: ${join(outDir, "summary.json")}`);
  log(`index of every plot, log and structure: ${writeIndexPage(outDir, `local run ${outDir}`)}`);
  const report = join(outDir, REPORT_TASK, "plot.html");
  if (existsSync(report)) log(`run report: ${report}`);
  return summary.tasks.every((t) => t.state === "SUCCEEDED" || t.state === "CACHED") ? 0 : 1;
}

export const cli = (argv: string[]): Promise<number> => runCli(USAGE, argv, main);

if (require.main === module) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
