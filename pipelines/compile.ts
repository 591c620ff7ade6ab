/**
 * The IR compiler behind `npm run compile` (scripts/compile.ts adds --stack and --help).
 * Writes dist/pipelines/protein.yaml and dist/pipelines/protein-batch.yaml. The image comes from --image,
 * else $AMBER_IMAGE, else an obviously fake digest (the stack passes the real one).
 */
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { compileBatchPipeline, compileProteinPipeline } from "./protein";
import { DEFAULT_BATCH_PARALLELISM } from "./protein/batch";
import { walkFlags } from "./cli-flags";
import { UsageError } from "./cli";

export const PLACEHOLDER_IMAGE = `localhost:5000/amber@sha256:${"0".repeat(64)}`;

export interface CompileArgs {
  image: string;
  outDir: string;
  parallelism: number;
}

/** The flags parseArgs accepts, for the command's --help. */
export const COMPILE_FLAGS: Array<[string, string]> = [
  ["--image REF", "the AMBER image every step runs, a digest reference (default $AMBER_IMAGE, else a placeholder)"],
  ["--out DIR", "where protein.yaml and protein-batch.yaml go (default dist/pipelines)"],
  ["--parallelism N", "how many proteins the batch pipeline runs at once (0 = no limit)"],
];

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CompileArgs {
  const args: CompileArgs = {
    image: env.AMBER_IMAGE || PLACEHOLDER_IMAGE,
    outDir: "dist/pipelines",
    parallelism: DEFAULT_BATCH_PARALLELISM,
  };
  walkFlags(argv, (flag, value) => {
    if (flag === "--image") args.image = value();
    else if (flag === "--out") args.outDir = value();
    else if (flag === "--parallelism") args.parallelism = Number(value());
    else throw new UsageError(`unknown option ${flag}; use --image REF, --out DIR, --parallelism N`);
  });
  return args;
}

/** Writes both IR files; returns their paths. */
export function writeCompiled(args: CompileArgs): string[] {
  mkdirSync(args.outDir, { recursive: true });
  const outputs: Record<string, string> = {
    "protein.yaml": compileProteinPipeline({ image: args.image }),
    "protein-batch.yaml": compileBatchPipeline({ image: args.image, parallelism: args.parallelism }),
  };
  return Object.entries(outputs).map(([file, text]) => {
    writeFileSync(join(args.outDir, file), text);
    return join(args.outDir, file);
  });
}
