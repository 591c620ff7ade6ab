/**
 * `npm run compile [-- --image REF] [--out DIR] [--parallelism N] [--update-golden]`
 * Writes dist/pipelines/protein.yaml and dist/pipelines/protein-batch.yaml. The image comes from --image,
 * else $AMBER_IMAGE, else an obviously fake digest (the stack passes the real one).
 */
import { mkdirSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { compileBatchPipeline, compileProteinPipeline } from "./protein";
import { DEFAULT_BATCH_PARALLELISM } from "./protein/batch";
import { walkFlags } from "./cli-flags";

export const PLACEHOLDER_IMAGE = `localhost:5000/amber@sha256:${"0".repeat(64)}`;
export const GOLDEN_PATH = resolve(__dirname, "../test/fixtures/golden/protein.yaml");

export interface CompileArgs {
  image: string;
  outDir: string;
  parallelism: number;
  updateGolden: boolean;
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): CompileArgs {
  const args: CompileArgs = {
    image: env.AMBER_IMAGE || PLACEHOLDER_IMAGE,
    outDir: "dist/pipelines",
    parallelism: DEFAULT_BATCH_PARALLELISM,
    updateGolden: env.UPDATE_GOLDEN === "1",
  };
  walkFlags(argv, (flag, value) => {
    if (flag === "--image") args.image = value();
    else if (flag === "--out") args.outDir = value();
    else if (flag === "--parallelism") args.parallelism = Number(value());
    else if (flag === "--update-golden") args.updateGolden = true;
    else throw new Error(`unknown option ${flag}; use --image REF, --out DIR, --parallelism N, --update-golden`);
  });
  return args;
}

/** The golden is always compiled with the placeholder image, so it does not depend on the environment. */
export function goldenText(): string {
  return compileProteinPipeline({ image: PLACEHOLDER_IMAGE });
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
  if (args.updateGolden) {
    mkdirSync(resolve(GOLDEN_PATH, ".."), { recursive: true });
    writeFileSync(GOLDEN_PATH, goldenText());
    console.log(`updated ${GOLDEN_PATH}`);
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
