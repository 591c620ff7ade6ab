/**
 * `npm run compile` (usage below). Compiles the protein pipelines (pipelines/protein, which knows nothing of the stack) through the same
 * config loading and validation as `up`: the stack's Pulumi.<stack>.yaml (default dev) with `--set`
 * overrides (as `npm run render` reads them), so a bad setting fails here, naming the key, as in `up`.
 * - `--out FILE.yaml` (or .yml): exactly the IR `up` uploads for that config (the batch pipeline when
 *   pipeline.pdbCodes is set), to review it before an `up`.
 * - `--out DIR` (default dist/pipelines): protein.yaml and protein-batch.yaml, both with the config's
 *   step resources (and the batch's pipeline.parallelism), for the SDK check and the local runner.
 * The image comes from --image, else $AMBER_IMAGE, else an obviously fake digest; the CUDA variant, which
 * only MD steps that request a GPU run, from --cuda-image, else $AMBER_CUDA_IMAGE, else a fake digest
 * (`up` passes the digests of the images it built).
 */
import { mkdirSync, writeFileSync } from "fs";
import { dirname, join, resolve } from "path";
import { compileBatchPipeline, compileProteinPipeline } from "../pipelines/protein";
import { knownPipelineParameters } from "../pipelines/protein/parameters";
import { walkFlags } from "../pipelines/cli-flags";
import { Usage, asUsageErrors, runCli } from "../pipelines/cli";
import { configFromEngineValues } from "../stacks/config/load";
import { StackConfig } from "../stacks/config";
import { PipelineImages, stackPipelineIr, stepOptions } from "../stacks/pipeline-run/pipeline-ir";
import { stackConfigValues } from "./render/stack-config";

export const PLACEHOLDER_IMAGE = `localhost:5000/amber@sha256:${"0".repeat(64)}`;
export const PLACEHOLDER_CUDA_IMAGE = `localhost:5000/amber@sha256:${"c".repeat(64)}`;
export const USAGE: Usage = {
  command: "compile",
  synopsis:
    "npm run compile [-- --stack NAME] [--set KEY=VALUE]… [--out FILE.yaml|DIR] [--image REF] [--cuda-image REF]",
  about: `Compiles the protein pipeline to KFP v2 IR through the same config loading and validation as up: the
stack's Pulumi.<stack>.yaml with --set overrides, so a bad setting fails here naming the key. --out FILE.yaml
writes exactly the IR up uploads for that config; --out DIR writes protein.yaml and protein-batch.yaml.`,
  flags: [
    ["--stack NAME", "the stack whose config to compile with (default $PULUMI_STACK, else dev)"],
    ["--set KEY=VALUE", "override one config key, as `npm run config -- set --path KEY VALUE` would (repeatable)"],
    ["--out PATH", "a .yaml file: the IR up uploads; a directory: both pipelines (default dist/pipelines)"],
    ["--image REF", "the AMBER image, a digest reference (default $AMBER_IMAGE, else a placeholder)"],
    ["--cuda-image REF", "the CUDA image GPU MD steps run (default $AMBER_CUDA_IMAGE, else a placeholder)"],
  ],
};

export interface CompileArgs {
  stack: string;
  sets: string[];
  /** A .yaml/.yml file: the stack's IR; otherwise a directory for both pipelines. */
  out: string;
  images: Required<PipelineImages>;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CompileArgs {
  const args: CompileArgs = {
    stack: env.PULUMI_STACK || "dev",
    sets: [],
    out: "dist/pipelines",
    images: {
      image: env.AMBER_IMAGE || PLACEHOLDER_IMAGE,
      cudaImage: env.AMBER_CUDA_IMAGE || PLACEHOLDER_CUDA_IMAGE,
    },
  };
  asUsageErrors(() =>
    walkFlags(argv, (flag, value) => {
      if (flag === "--stack") args.stack = value();
      else if (flag === "--set") args.sets.push(value());
      else if (flag === "--out") args.out = value();
      else if (flag === "--image") args.images.image = value();
      else if (flag === "--cuda-image") args.images.cudaImage = value();
      else throw new Error(`unknown option ${flag}`);
    }),
  );
  return args;
}

export function isIrFile(out: string): boolean {
  return /\.ya?ml$/i.test(out);
}

/** The stack's validated config, read as `up` reads it (throws ConfigError listing every problem). */
export function loadStackConfig(args: CompileArgs, projectDir: string): StackConfig {
  return configFromEngineValues(
    stackConfigValues(projectDir, args.stack, args.sets),
    args.stack,
    knownPipelineParameters(),
  );
}

/** A stack that builds no image runs `amber.image`: the IR names it unless --image or $AMBER_IMAGE says otherwise. */
function imagesFor(images: Required<PipelineImages>, cfg: StackConfig): Required<PipelineImages> {
  return !cfg.amber.build && images.image === PLACEHOLDER_IMAGE ? { ...images, image: cfg.amber.image } : images;
}

/** File name → IR text, as `main` writes them under `args.out`. */
export function compileOutputs(args: CompileArgs, cfg: StackConfig): Record<string, string> {
  const images = imagesFor(args.images, cfg);
  if (isIrFile(args.out)) return { [args.out]: stackPipelineIr(cfg.pipeline, images) };
  const steps = stepOptions(cfg.pipeline, images);
  return {
    [join(args.out, "protein.yaml")]: compileProteinPipeline(steps),
    [join(args.out, "protein-batch.yaml")]: compileBatchPipeline({ ...steps, parallelism: cfg.pipeline.parallelism }),
  };
}

function main(argv: string[]): number {
  const args = parseArgs(argv, process.env);
  const cfg = loadStackConfig(args, resolve(__dirname, ".."));
  if (isIrFile(args.out) && !cfg.pipeline.enabled)
    console.error(`compile: note: pipeline.enabled is false in stack ${args.stack}, so up uploads no pipeline`);
  for (const [file, text] of Object.entries(compileOutputs(args, cfg))) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
  return 0;
}

export const cli = (argv: string[]): Promise<number> => runCli(USAGE, argv, main);

if (require.main === module) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
