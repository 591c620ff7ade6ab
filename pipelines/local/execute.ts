/**
 * One task of a local run: its executor's command and args with placeholders resolved to files under
 * `<out>/<task>/`, started by a launcher (a subprocess here, a container in ./docker-launcher), output to
 * `<out>/<task>/log.txt`, skipped when the cache is valid.
 */
import { spawn } from "child_process";
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "fs";
import { dirname, join, resolve } from "path";
import { inputHash, isCached, recordSuccess } from "./cache";
import type { JsonValue, LocalTask } from "./ir";
import { renderParameter, resolvePlaceholders, TaskIo } from "./placeholders";
import type { RunResult } from "./schedule";
import { outputFileName } from "../results/output-files";

export const LOG_FILE = "log.txt";
export const EXECUTOR_OUTPUT_FILE = "executor_output.json";

/** How a task's resolved command line becomes a process. */
export interface TaskLauncher {
  /** Recorded in summary.json: `subprocess` or `docker`. */
  readonly name: string;
  /**
   * The process to start for `argv` (the executor's command + args, placeholders resolved). `taskDir` exists
   * and is empty (the launcher may prepare it, e.g. hand it to a container's user); `inputDirs` are the
   * directories of the task's input artifacts.
   */
  launch(task: LocalTask, argv: string[], taskDir: string, inputDirs: string[]): Launch;
  /** The one message that says why a launched task failed. */
  failure(launch: Launch, logText: string, exitCode: number | null, signal: string | null): string;
}

export interface Launch {
  program: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface ExecuteOptions {
  outDir: string;
  pipelineParameters: Record<string, JsonValue>;
  launcher: TaskLauncher;
  useCache: boolean;
  codeVersion: string;
}

/** Every task as a subprocess of this process, with `env` plus the executor's env, in its task directory. */
export function subprocessLauncher(env: NodeJS.ProcessEnv): TaskLauncher {
  return {
    name: "subprocess",
    launch: (task, argv, taskDir) => ({
      program: argv[0],
      args: argv.slice(1),
      env: { ...env, ...task.env },
      cwd: taskDir,
    }),
    failure: (_launch, logText, exitCode, signal) => failureReason(logText, exitCode, signal),
  };
}

export function taskDir(outDir: string, task: string): string {
  return resolve(outDir, task);
}

/** Local paths and values for a task's placeholders; upstream outputs must already exist. */
export function taskIo(task: LocalTask, options: ExecuteOptions, upstream: Map<string, LocalTask>): TaskIo {
  const dir = taskDir(options.outDir, task.name);
  const parameters: Record<string, JsonValue> = {};
  for (const [name, source] of Object.entries(task.parameters)) {
    if (source.kind === "constant") parameters[name] = source.value;
    else if (source.kind === "pipeline") {
      if (!(source.name in options.pipelineParameters))
        throw new Error(`task ${task.name}: no value for pipeline parameter ${source.name}`);
      parameters[name] = options.pipelineParameters[source.name];
    } else {
      const file = join(taskDir(options.outDir, source.producerTask), "parameters", source.outputParameterKey);
      if (!existsSync(file))
        throw new Error(
          `task ${task.name}: ${source.producerTask} wrote no output parameter ${source.outputParameterKey}`,
        );
      parameters[name] = readFileSync(file, "utf8");
    }
  }
  const inputArtifacts: TaskIo["inputArtifacts"] = {};
  for (const [name, source] of Object.entries(task.artifacts)) {
    const producer = upstream.get(source.producerTask);
    if (!producer) throw new Error(`task ${task.name}: unknown producer task ${source.producerTask}`);
    const schemaTitle = producer.outputArtifacts[source.outputArtifactKey];
    if (schemaTitle === undefined)
      throw new Error(`task ${task.name}: ${source.producerTask} has no output ${source.outputArtifactKey}`);
    inputArtifacts[name] = {
      path: join(taskDir(options.outDir, source.producerTask), outputFileName(source.outputArtifactKey)),
      schemaTitle,
    };
  }
  const outputArtifacts: TaskIo["outputArtifacts"] = {};
  for (const [name, schemaTitle] of Object.entries(task.outputArtifacts)) {
    // The names `npm run results` gives a cluster run's files (plot.html, mdout.log, …).
    outputArtifacts[name] = { path: join(dir, outputFileName(name)), schemaTitle };
  }
  const outputParameterFiles = Object.fromEntries(
    task.outputParameters.map((name) => [name, join(dir, "parameters", name)]),
  );
  return {
    parameters,
    inputArtifacts,
    outputArtifacts,
    outputParameterFiles,
    executorOutputFile: join(dir, EXECUTOR_OUTPUT_FILE),
  };
}

/** Lines of a failed task's log shown under its console line. */
export const FAILURE_TAIL_LINES = 8;

/**
 * Why a task failed: the runner's own message (else the last output line), then the log's last lines,
 * indented, so the console says what went wrong without opening log.txt.
 */
export function failureReason(logText: string, exitCode: number | null, signal: string | null): string {
  const lines = logText
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim());
  // The step runner's last own line is its verdict (the first repeats the command).
  const own = [...lines].reverse().find((line) => line.startsWith("protein-step "));
  const detail = (own ?? lines[lines.length - 1] ?? "no output").trim();
  const tail = lines.slice(-FAILURE_TAIL_LINES).filter((line) => line.trim() !== detail);
  const status = signal ? `killed by ${signal}` : `exit code ${exitCode}`;
  return [`${status}: ${detail}`, ...tail.map((line) => `    ${line}`)].join("\n");
}

export async function executeTask(
  task: LocalTask,
  options: ExecuteOptions,
  upstream: Map<string, LocalTask>,
): Promise<RunResult> {
  if (task.command.length === 0) throw new Error(`task ${task.name}: its executor has no command`);
  const dir = taskDir(options.outDir, task.name);
  const io = taskIo(task, options, upstream);
  const argv = [...task.command, ...task.args].map((arg) => resolvePlaceholders(arg, io));
  const hash = inputHash({
    codeVersion: options.codeVersion,
    image: task.image,
    command: task.command,
    args: task.args,
    parameters: Object.fromEntries(Object.entries(io.parameters).map(([k, v]) => [k, renderParameter(v)])),
    inputFiles: Object.fromEntries(Object.entries(io.inputArtifacts).map(([k, ref]) => [k, ref.path])),
  });
  const outputs = Object.values(io.outputArtifacts).map((ref) => ref.path);
  if (options.useCache && task.enableCache && isCached(dir, hash, outputs)) return { state: "CACHED" };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "parameters"), { recursive: true });
  const inputDirs = [...new Set(Object.values(io.inputArtifacts).map((ref) => dirname(ref.path)))].sort();
  const launch = options.launcher.launch(task, argv, dir, inputDirs);
  const log = createWriteStream(join(dir, LOG_FILE));
  const { code, signal } = await new Promise<{ code: number | null; signal: string | null }>((done, fail) => {
    const child = spawn(launch.program, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on("error", (error) => fail(new Error(`cannot start ${launch.program}: ${error.message} (is it on PATH?)`)));
    child.on("close", (exitCode, exitSignal) => done({ code: exitCode, signal: exitSignal }));
  }).finally(() => new Promise((ended) => log.end(ended)));
  const logText = readFileSync(join(dir, LOG_FILE), "utf8");
  if (code !== 0) return { state: "FAILED", error: options.launcher.failure(launch, logText, code, signal) };
  const missing = outputs.filter((path) => !existsSync(path) || !statSync(path).isFile());
  if (missing.length > 0) {
    return {
      state: "FAILED",
      error: `exit code 0 but no output file ${missing.map((p) => p.slice(dir.length + 1)).join(", ")}`,
    };
  }
  recordSuccess(dir, hash);
  return { state: "SUCCEEDED" };
}
