/**
 * npm run e2e [-- --kubeconfig PATH] [--context NAME] [--config KEY=VALUE]... [--out DIR] [--poll SECONDS]
 * The user's acceptance test of their machine or cluster: an ephemeral stack with the tiny preset, up, the run
 * until SUCCEEDED (the `npm run watch` loop), its results (`npm run results`), checked, then destroyed and removed,
 * also on failure and on Ctrl-C. The last line is the verdict with each phase's time (scripts/e2e/phases.ts).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "fs";
import { tmpdir } from "os";
import { delimiter, dirname, join, resolve } from "path";
import { OutputMap } from "@pulumi/pulumi/automation";
import { ensurePulumiCli } from "../ensure-pulumi-cli";
import { StackOutputs, targetFrom } from "../run-target";
import { main as results } from "../results/main";
import { runSources } from "../watch/main";
import { runView } from "../watch/progress";
import { watchRun } from "../watch/watch-run";
import { runCli } from "../../pipelines/cli";
import { E2eOptions, USAGE, e2eStackConfig, parseE2eArgs } from "./args";
import { engineFailure, resultProblems, stepProblems } from "./checks";
import { OpenedStack, fileBackendUrl, openEphemeralStack, uniqueStackName } from "./ephemeral-stack";
import { Phase, exitCode, runPhases, verdictLine } from "./phases";

const say = (line: string): void => void process.stdout.write(`${line}\n`);

function onPath(command: string): boolean {
  return (process.env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** The directory above bin/pulumi: undefined for the `pulumi` on PATH, else the pinned CLI (installed once). */
async function pulumiRoot(projectDir: string): Promise<string | undefined> {
  return onPath("pulumi") ? undefined : dirname(await ensurePulumiCli(projectDir));
}

function plainOutputs(map: OutputMap): StackOutputs {
  return Object.fromEntries(Object.entries(map).map(([key, output]) => [key, output.value])) as StackOutputs;
}

/** Files under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => statSync(join(dir, f)).isFile());
}

function e2ePhases(options: E2eOptions, name: string, workDir: string, projectDir: string) {
  const out = options.out ? resolve(options.out) : join(workDir, "results");
  // The engine's output, shown as it comes and kept per operation for the reason of a failure.
  let engineText = "";
  const engineOutput = (text: string): void => {
    engineText += text;
    process.stdout.write(text);
  };
  const color = process.stdout.isTTY ? "always" : "never";
  const pulumiOp = async <T>(op: () => Promise<T>): Promise<T> => {
    engineText = "";
    try {
      return await op();
    } catch (error) {
      throw new Error(engineFailure(engineText) ?? (error as Error).message);
    }
  };
  let opened: OpenedStack | undefined;
  let outputs: StackOutputs = {};
  let runId = "";
  const clusterFlags = {
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
  };
  const target = () => targetFrom(clusterFlags, outputs);
  // For `npm run results`: the stack's context unless one was given.
  const kubeFlags = () => {
    const context = options.context ?? outputs.kubeContext;
    return [
      ...(options.kubeconfig ? ["--kubeconfig", options.kubeconfig] : []),
      ...(context ? ["--context", context] : []),
    ];
  };

  const work: Phase[] = [
    {
      name: "stack",
      stopsOnInterrupt: false,
      run: async () => {
        opened = await openEphemeralStack({
          pulumiRoot: await pulumiRoot(projectDir),
          projectDir,
          workDir,
          name,
          config: e2eStackConfig(options),
        });
        say(`e2e: stack ${name} (state and passphrase in ${workDir})`);
      },
    },
    {
      name: "up",
      stopsOnInterrupt: false,
      run: async () => {
        await pulumiOp(() => opened!.stack.up({ onOutput: engineOutput, color }));
        outputs = plainOutputs(await opened!.stack.outputs());
        runId = String(outputs.pipelineRunId ?? "");
        if (!runId) throw new Error("the stack has no pipelineRunId output: was pipeline.enabled overridden?");
      },
    },
    {
      name: "run",
      stopsOnInterrupt: true,
      run: async () => {
        const t = target();
        const code = await watchRun(runId, {
          ...runSources(t),
          write: (text) => void process.stdout.write(text),
          tty: false,
          context: t.kube?.context,
          namespace: t.namespace,
          pollMs: options.pollSeconds * 1000,
        });
        if (code !== 0) throw new Error(`run ${runId} did not succeed (its failed steps are listed above)`);
      },
    },
    {
      name: "results",
      stopsOnInterrupt: true,
      run: async () => {
        // As for `npm run results`: KFP_PROTEIN_S3_ACCESS_KEY/_SECRET_KEY, when set, take the place of the stack's.
        const keys = outputs.minioCredentials;
        if (keys && !process.env.KFP_PROTEIN_S3_ACCESS_KEY) process.env.KFP_PROTEIN_S3_ACCESS_KEY = keys.accessKey;
        if (keys && !process.env.KFP_PROTEIN_S3_SECRET_KEY) process.env.KFP_PROTEIN_S3_SECRET_KEY = keys.secretKey;
        const code = await results(["--run", runId, "--out", out, ...kubeFlags()]);
        if (code !== 0) throw new Error(`npm run results exited ${code} (its reason is above)`);
      },
    },
    {
      name: "check",
      stopsOnInterrupt: true,
      run: async () => {
        const sources = runSources(target());
        const run = await sources.getRun(runId);
        const steps = await sources.getSteps!(run);
        const workflow = await sources.getWorkflow?.(runId).catch(() => undefined);
        const runDir = join(out, runId);
        const problems = [
          ...stepProblems(runView(run, { steps, workflow })),
          ...resultProblems(filesUnder(runDir), (f) => readFileSync(join(runDir, f), "utf8")),
        ];
        if (problems.length > 0) throw new Error(problems.join("; "));
        say(`e2e: every step SUCCEEDED; report and metrics in ${runDir}`);
      },
    },
  ];

  const leftBehind = (what: string) =>
    `${what}; the stack is kept: PULUMI_BACKEND_URL='${opened ? fileBackendUrl(opened.stateDir) : ""}' ` +
    `PULUMI_CONFIG_PASSPHRASE_FILE=${join(workDir, "passphrase")} pulumi destroy --yes --remove --stack ${name} ` +
    `--cwd ${opened?.projectCopy}`;
  const cleanup: Phase[] = [
    {
      name: "destroy",
      stopsOnInterrupt: false,
      run: async () => {
        if (!opened) return;
        await pulumiOp(() => opened!.stack.destroy({ onOutput: engineOutput, color })).catch((error: Error) => {
          throw new Error(leftBehind(`destroy failed (${error.message})`));
        });
      },
    },
    {
      name: "remove",
      stopsOnInterrupt: false,
      run: async () => {
        if (opened) await opened.workspace.removeStack(name);
        rmSync(workDir, { recursive: true, force: true });
      },
    },
  ];
  return { work, cleanup };
}

export const main = (argv: string[]): Promise<number> => runCli(USAGE, argv, (args) => e2e(parseE2eArgs(args)));

async function e2e(options: E2eOptions): Promise<number> {
  const projectDir = resolve(__dirname, "..", "..");
  const name = uniqueStackName("e2e");
  const workDir = mkdtempSync(join(tmpdir(), "kfp-protein-e2e-"));
  const interrupt = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupt.signal.aborted) return say(`e2e: ${signal} again: still cleaning up stack ${name}`);
    say(`e2e: ${signal}: stopping, then destroying and removing stack ${name}`);
    interrupt.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const { work, cleanup } = e2ePhases(options, name, workDir, projectDir);
  const verdict = await runPhases(work, cleanup, { interrupt: interrupt.signal, say });
  say(verdictLine(verdict, name));
  return exitCode(verdict);
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`e2e: ${error.message}\n`);
      process.exit(1);
    },
  );
}
