/**
 * The container tier's assertions as a CLI (test/containers/tier.sh calls it). Prints what it found;
 * exit code 1 with one line per problem when anything does not hold.
 *   check.ts run OUT_DIR REFERENCE UID
 *   check.ts image INSPECT_JSON_FILE DOCKERFILE REFERENCE…
 *   check.ts registry URL REPOSITORY TAG DIGEST IMAGE_ID
 */
import { readFileSync } from "fs";
import { imageProblems, ImageInspect, registryProblems, runReport } from "./checks";

/** 1AKI as the tutorial builds it with ff14SB (see ../shared/data/README.md). */
const LYSOZYME = { atoms: 1960, disulfides: 4 };

async function main(argv: string[]): Promise<string[]> {
  const [what, ...rest] = argv;
  if (what === "run" && rest.length === 3) {
    const [outDir, reference, uid] = rest;
    const report = runReport(outDir, { reference, uid: Number(uid), ...LYSOZYME });
    for (const fact of report.facts) console.log(`check run: ${fact}`);
    if (report.problems.length === 0) console.log(`check run: tasks=${report.tasks}`);
    return report.problems;
  }
  if (what === "image" && rest.length >= 2) {
    const [inspectFile, dockerfile, ...references] = rest;
    const inspected = (JSON.parse(readFileSync(inspectFile, "utf8")) as ImageInspect[])[0];
    return imageProblems(inspected, readFileSync(dockerfile, "utf8"), references);
  }
  if (what === "registry" && rest.length === 5) {
    const [url, repository, tag, digest, imageId] = rest;
    return registryProblems(url, repository, tag, digest, imageId);
  }
  throw new Error(
    `usage: check.ts run OUT_DIR REF UID | image INSPECT_JSON DOCKERFILE REF… | registry URL REPO TAG DIGEST ID`,
  );
}

main(process.argv.slice(2)).then(
  (problems) => {
    for (const problem of problems) console.error(`check ${process.argv[2]}: ${problem}`);
    process.exit(problems.length === 0 ? 0 : 1);
  },
  (error: Error) => {
    console.error(`check ${process.argv[2]}: ${error.message}`);
    process.exit(2);
  },
);
