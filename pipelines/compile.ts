/**
 * `npm run compile [-- --image REF] [--out DIR] [--parallelism N]`
 * Writes dist/pipelines/protein.yaml and dist/pipelines/protein-batch.yaml. The image comes from --image,
 * else $AMBER_IMAGE, else an obviously fake digest (the stack passes the real one).
 */
import { mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { compileBatchPipeline, compileProteinPipeline } from "./protein";
import { DEFAULT_BATCH_PARALLELISM } from "./protein/batch";
import { walkFlags } from "./cli-flags";

export const PLACEHOLDER_IMAGE = `localhost:5000/amber@sha256:${"0".repeat(64)}`;

export interface CompileArgs {
  image: string;
  outDir: string;
  parallelism: number;
}

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
    else throw new Error(`unknown option ${flag}; use --image REF, --out DIR, --parallelism N`);
  });
  return args;
}

function main(): void {
  const args = parseArgs(process.argv.slice(2), process.env);
  mkdirSync(args.outDir, { recursive: true });
  const outputs: Record<string, string> = {
    "protein.yaml": compileProteinPipeline({ image: args.image }),
    "protein-batch.yaml": compileBatchPipeline({ image: args.image, parallelism: args.parallelism }),
  };
  for (const [file, text] of Object.entries(outputs)) {
    writeFileSync(join(args.outDir, file), text);
    console.log(`wrote ${join(args.outDir, file)}`);
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
