/**
 * A new user's failing first `npm run up`, through the real engine, in a fresh clone with a new HOME and no
 * `pulumi` on PATH (scripts/stack.sh takes the pinned CLI: KFP_PROTEIN_PULUMI_ROOT points at the built one,
 * which ensure-pulumi-cli reuses). minikube is too old and Docker does not answer (stand-ins on PATH), then a
 * stack is given a bad config with `npm run config`. Each message must be shown once with its fix, without a
 * stack trace or "unhandled exception", and `git status` must show nothing but the user's new stack file.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { sidecarsUnder } from "./state-sidecars";

export interface CommandOutcome {
  command: string;
  status: number | null;
  output: string;
}

export interface FirstUpOutcome {
  preflight: CommandOutcome;
  config: CommandOutcome;
  /** `git status --porcelain` after both. */
  gitStatus: string;
  /** `.attrs` files in the default local backend (.pulumi-state), whose URL says metadata=skip: none. */
  stateSidecars: string[];
}

export const PREFLIGHT_FIX = /minikube: found v1\.30\.0, needs 1\.37\.0 or newer[^\n]*Fix: /g;
export const CONFIG_FIX = /kfp\.version: "latest" is not a release version/g;
const BAD_STACK_FILE = "Pulumi.bad.yaml";

const STAND_INS: Record<string, string> = {
  minikube: '#!/bin/sh\n[ "$1" = version ] && { echo v1.30.0; exit 0; }\nexit 1\n',
  docker: '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" >&2\nexit 1\n',
};

/** The tracked files of `repoRoot` as they are in its work tree, committed into a new repository. */
function freshClone(repoRoot: string, dir: string): void {
  const files = spawnSync("git", ["ls-files", "-z"], { cwd: repoRoot, encoding: "utf8" }).stdout.split("\0");
  for (const file of files.filter((f) => f && fs.existsSync(path.join(repoRoot, f)))) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, file), path.join(dir, file));
  }
  const git = (...args: string[]) => spawnSync("git", args, { cwd: dir, encoding: "utf8" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.name=itest", "-c", "user.email=itest@localhost", "commit", "-qm", "fresh clone");
  // The dependencies come from the project (a symlink, which git would list): what npm ci would install.
  fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
  fs.appendFileSync(path.join(dir, ".git", "info", "exclude"), "/node_modules\n");
}

export function runFirstUp(toolsBin: string, repoRoot: string, workDir: string): FirstUpOutcome {
  const clone = path.join(workDir, "clone");
  const standIns = path.join(workDir, "stand-ins");
  fs.mkdirSync(clone, { recursive: true });
  fs.mkdirSync(standIns, { recursive: true });
  fs.mkdirSync(path.join(workDir, "home"), { recursive: true });
  for (const [name, text] of Object.entries(STAND_INS))
    fs.writeFileSync(path.join(standIns, name), text, { mode: 0o755 });
  freshClone(repoRoot, clone);
  const env: NodeJS.ProcessEnv = {
    PATH: [standIns, path.dirname(process.execPath), "/usr/bin", "/bin"].join(":"),
    HOME: path.join(workDir, "home"),
    KFP_PROTEIN_PULUMI_ROOT: path.dirname(toolsBin),
    PULUMI_CONFIG_PASSPHRASE: "first-up",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    NPM_CONFIG_UPDATE_NOTIFIER: "false",
  };
  const npm = (...args: string[]): CommandOutcome => {
    const result = spawnSync("npm", ["run", ...args], { cwd: clone, env, encoding: "utf8", timeout: 10 * 60_000 });
    return { command: `npm run ${args.join(" ")}`, status: result.status, output: result.stdout + result.stderr };
  };
  const preflight = npm("up");
  npm("config", "--", "--stack", "bad", "set", "--path", "kfp.version", "latest");
  const config = npm("up", "--", "--stack", "bad");
  const gitStatus = spawnSync("git", ["status", "--porcelain"], { cwd: clone, encoding: "utf8" }).stdout;
  return { preflight, config, gitStatus, stateSidecars: sidecarsUnder(path.join(clone, ".pulumi-state")) };
}

function commandProblems(run: CommandOutcome, fix: RegExp): string[] {
  const problems: string[] = [];
  const tail = run.output.trim().split("\n").slice(-12).join("\n");
  if (run.status === 0) problems.push(`\`${run.command}\` succeeded`);
  const fixes = run.output.match(fix)?.length ?? 0;
  if (fixes !== 1)
    problems.push(`\`${run.command}\` showed the message with its fix ${fixes} times, not once:\n${tail}`);
  if (/unhandled exception/i.test(run.output)) problems.push(`\`${run.command}\` reported an unhandled exception`);
  if (/^\s+at .+:\d+:\d+\)?$/m.test(run.output)) problems.push(`\`${run.command}\` printed a stack trace`);
  return problems;
}

export function firstUpProblems(o: FirstUpOutcome): string[] {
  const stray = o.gitStatus
    .split("\n")
    .filter((line) => line.trim() !== "" && line !== `?? ${BAD_STACK_FILE}`)
    .map((line) => `git status after the failed ups: ${line}`);
  return [
    ...commandProblems(o.preflight, PREFLIGHT_FIX),
    ...commandProblems(o.config, CONFIG_FIX),
    ...stray,
    ...o.stateSidecars.map((f) => `the local backend wrote a sidecar, which a killed pulumi can leave empty: ${f}`),
  ];
}
