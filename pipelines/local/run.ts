/**
 * `npm run pipeline:local -- --preset tiny|short|tutorial --out DIR [--ir FILE] [--param NAME=VALUE]…
 *   [--jobs N] [--venv DIR] [--no-cache]`
 *
 * Runs the compiled IR (default dist/pipelines/protein.yaml, from `npm run compile`) on this machine:
 * every task as a subprocess, dependencies first, independent tasks concurrently (at most --jobs,
 * default the number of cores), cached by input hash. Writes DIR/summary.json and each task's files
 * under DIR/<task>/. Exit code 0 only when every task SUCCEEDED or was CACHED.
 */
import { spawnSync } from "child_process";
import { cpus } from "os";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { delimiter, join, resolve } from "path";
import { fileDigest, treeDigest } from "./cache";
import { executeTask, ExecuteOptions } from "./execute";
import { JsonValue, LocalTask, parsePipeline } from "./ir";
import { parseParamFlag, resolveParameters } from "./parameters";
import { FinalState, runGraph } from "./schedule";
import { walkFlags } from "../cli-flags";

const REPO = resolve(__dirname, "../..");
export const DEFAULT_IR = join(REPO, "dist/pipelines/protein.yaml");
export const TEST_DATA_DIR = join(REPO, "images/amber/tests/data");

/**
 * A local run is offline: PDB entries come from the structures shipped as test data, which include
 * 1AKI, the tutorial's lysozyme (images/amber/tests/data/README.md). Both are overridable with --param.
 */
export const OFFLINE_DEFAULTS: Record<string, JsonValue> = { pdb_source: TEST_DATA_DIR, pdb_code: "1aki" };

export interface CliArgs {
  preset?: string;
  outDir: string;
  irPath: string;
  params: [string, string][];
  jobs: number;
  venv?: string;
  useCache: boolean;
}

export function parseArgs(argv: string[], cores: number): CliArgs {
  const args: Partial<CliArgs> & { params: [string, string][] } = {
    params: [],
    irPath: DEFAULT_IR,
    jobs: cores,
    useCache: true,
  };
  walkFlags(argv, (flag, value) => {
    if (flag === "--preset") args.preset = value();
    else if (flag === "--out") args.outDir = value();
    else if (flag === "--ir") args.irPath = value();
    else if (flag === "--param") args.params.push(parseParamFlag(value()));
    else if (flag === "--venv") args.venv = value();
    else if (flag === "--no-cache") args.useCache = false;
    else if (flag === "--jobs") {
      const jobs = Number(value());
      if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs needs a positive integer`);
      args.jobs = jobs;
    } else {
      throw new Error(
        `unknown option ${flag}; use --preset tiny|short|tutorial --out DIR [--ir FILE] [--param NAME=VALUE] [--jobs N] [--venv DIR] [--no-cache]`,
      );
    }
  });
  if (!args.outDir) throw new Error("--out DIR is required (where task outputs and summary.json go)");
  return args as CliArgs;
}

export interface TaskSummary {
  name: string;
  state: FinalState;
  seconds: number;
  error?: string;
}

export interface Summary {
  tasks: TaskSummary[];
}

export interface RunOptions {
  irPath: string;
  outDir: string;
  parameterLayers: Record<string, JsonValue>[];
  params: [string, string][];
  jobs: number;
  env: NodeJS.ProcessEnv;
  useCache: boolean;
  /** part of every task's cache key: a change of the step runner's code invalidates the cache */
  codeVersion: string;
  log: (line: string) => void;
}

export async function runPipeline(options: RunOptions): Promise<Summary> {
  if (!existsSync(options.irPath)) throw new Error(`${options.irPath} does not exist: run \`npm run compile\` first`);
  const pipeline = parsePipeline(readFileSync(options.irPath, "utf8"));
  const pipelineParameters = resolveParameters(pipeline.parameters, options.parameterLayers, options.params);
  mkdirSync(options.outDir, { recursive: true });
  const byName = new Map<string, LocalTask>(pipeline.tasks.map((t) => [t.name, t]));
  const execute: ExecuteOptions = {
    outDir: options.outDir,
    pipelineParameters,
    env: options.env,
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
  const summary: Summary = { tasks };
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

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2), cpus().length);
  const log = (line: string) => console.log(line);
  // Imported here so the runner's modules stay independent of the protein pipeline's sources.
  const { presets } = await import("../protein/presets");
  const layers: Record<string, JsonValue>[] = [];
  if (args.preset !== undefined) {
    const preset = (presets as Record<string, Record<string, JsonValue>>)[args.preset];
    if (!preset) throw new Error(`unknown preset ${args.preset}; use ${Object.keys(presets).join(" or ")}`);
    layers.push(preset);
  }
  layers.push(OFFLINE_DEFAULTS);
  log(
    `offline defaults: ${Object.entries(OFFLINE_DEFAULTS)
      .map(([k, v]) => `${k}=${v}`)
      .join(" ")} (override with --param)`,
  );
  const venv = findVenv(args.venv, log);
  const summary = await runPipeline({
    irPath: resolve(args.irPath),
    outDir: resolve(args.outDir),
    parameterLayers: layers,
    params: args.params,
    jobs: args.jobs,
    env: stepRunnerEnv(venv, process.env),
    useCache: args.useCache,
    codeVersion: stepRunnerVersion(),
    log,
  });
  const counts = new Map<string, number>();
  for (const task of summary.tasks) counts.set(task.state, (counts.get(task.state) ?? 0) + 1);
  log(
    `${[...counts].map(([state, n]) => `${n} ${state}`).join(", ")}; summary: ${join(resolve(args.outDir), "summary.json")}`,
  );
  return summary.tasks.every((t) => t.state === "SUCCEEDED" || t.state === "CACHED") ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`pipeline:local: ${error.message}`);
      process.exit(2);
    },
  );
}
