/**
 * `npm run compile [-- --stack NAME] [--set key=value …] [--out FILE.yaml|DIR] [--image REF] [--cuda-image REF]`
 *
 * Compiles the protein pipelines (pipelines/protein, which knows nothing of the stack) through the same
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
import { configFromEngineValues } from "../stacks/config/load";
import { StackConfig } from "../stacks/config";
import { PipelineImages, stackPipelineIr, stepOptions } from "../stacks/pipeline-run/pipeline-ir";
import { stackConfigValues } from "./render/stack-config";

export const PLACEHOLDER_IMAGE = `localhost:5000/amber@sha256:${"0".repeat(64)}`;
export const PLACEHOLDER_CUDA_IMAGE = `localhost:5000/amber@sha256:${"c".repeat(64)}`;
const USAGE =
  "usage: npm run compile -- [--stack NAME] [--set key=value …] [--out FILE.yaml|DIR] [--image REF] [--cuda-image REF]";

export interface CompileArgs {
  stack: string;
  sets: string[];
  /** A .yaml/.yml file: the stack's IR; otherwise a directory for both pipelines. */
  out: string;
  images: Required<PipelineImages>;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CompileArgs {
  const args: CompileArgs = {
    stack: "dev",
    sets: [],
    out: "dist/pipelines",
    images: {
      image: env.AMBER_IMAGE || PLACEHOLDER_IMAGE,
      cudaImage: env.AMBER_CUDA_IMAGE || PLACEHOLDER_CUDA_IMAGE,
    },
  };
  walkFlags(argv, (flag, value) => {
    if (flag === "--stack") args.stack = value();
    else if (flag === "--set") args.sets.push(value());
    else if (flag === "--out") args.out = value();
    else if (flag === "--image") args.images.image = value();
    else if (flag === "--cuda-image") args.images.cudaImage = value();
    else throw new Error(`unknown option ${flag}; ${USAGE}`);
  });
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

/** File name → IR text, as `main` writes them under `args.out`. */
export function compileOutputs(args: CompileArgs, cfg: StackConfig): Record<string, string> {
  if (isIrFile(args.out)) return { [args.out]: stackPipelineIr(cfg.pipeline, args.images) };
  const steps = stepOptions(cfg.pipeline, args.images);
  return {
    [join(args.out, "protein.yaml")]: compileProteinPipeline(steps),
    [join(args.out, "protein-batch.yaml")]: compileBatchPipeline({ ...steps, parallelism: cfg.pipeline.parallelism }),
  };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2), process.env);
  const cfg = loadStackConfig(args, resolve(__dirname, ".."));
  if (isIrFile(args.out) && !cfg.pipeline.enabled)
    console.error(`compile: note: pipeline.enabled is false in stack ${args.stack}, so up uploads no pipeline`);
  for (const [file, text] of Object.entries(compileOutputs(args, cfg))) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${file}`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error(`compile: ${(error as Error).message}`);
    process.exit(1);
  }
}
