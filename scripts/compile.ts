/**
 * npm run compile (usage below): the protein pipeline's KFP v2 IR, as a stack uploads it with --stack.
 */
import { resolve } from "path";
import { COMPILE_FLAGS, CompileArgs, parseArgs, writeCompiled } from "../pipelines/compile";
import { Usage, UsageError, runCli } from "../pipelines/cli";
import { readStackConfig } from "./render/stack-config";

export const USAGE: Usage = {
  command: "compile",
  synopsis: "npm run compile [-- --stack NAME] [--image REF] [--out DIR] [--parallelism N]",
  about: `Writes protein.yaml (one protein) and protein-batch.yaml (a ParallelFor over PDB codes), KFP v2 IR.
With --stack (or $PULUMI_STACK), the image and parallelism are that stack's (its Pulumi.<stack>.yaml:
amber.image when amber.build is false, pipeline.parallelism); flags given win.`,
  flags: [
    ["--stack NAME", "compile as this stack uploads it (default $PULUMI_STACK; none: the defaults)"],
    ...COMPILE_FLAGS,
  ],
};

/** The compile arguments: the flags, on top of the stack's config when a stack is chosen. */
export function compileArgs(argv: string[], env: NodeJS.ProcessEnv, projectDir: string): CompileArgs {
  let stack = env.PULUMI_STACK || undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] !== "--stack") rest.push(argv[i]);
    else if (!argv[i + 1] || argv[i + 1].startsWith("--")) throw new UsageError("--stack needs a value");
    else stack = argv[++i];
  }
  const given = (flag: string) => rest.includes(flag);
  const args = parseArgs(rest, env);
  if (stack === undefined) return args;
  const cfg = readStackConfig(projectDir, stack);
  if (!given("--image") && !cfg.amber.build) args.image = cfg.amber.image;
  if (!given("--parallelism")) args.parallelism = cfg.pipeline.parallelism;
  return args;
}

export const cli = (argv: string[], projectDir = resolve(__dirname, "..")): Promise<number> =>
  runCli(USAGE, argv, (args) => {
    for (const file of writeCompiled(compileArgs(args, process.env, projectDir))) console.log(`wrote ${file}`);
    return 0;
  });

if (require.main === module) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
