import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { dirname, resolve } from "path";
import { PLACEHOLDER_IMAGE, parseArgs } from "../../pipelines/compile";
import { compileProteinPipeline } from "../../pipelines/protein";

const GOLDEN_PATH = resolve(__dirname, "../fixtures/golden/protein.yaml");
const HINT =
  "the protein IR changed: review the diff, then run `UPDATE_GOLDEN=1 npx jest test/pipelines/compile.test.ts`";

/** The golden is always compiled with the placeholder image, so it does not depend on the environment. */
const goldenText = (): string => compileProteinPipeline({ image: PLACEHOLDER_IMAGE });

if (process.env.UPDATE_GOLDEN === "1") {
  mkdirSync(dirname(GOLDEN_PATH), { recursive: true });
  writeFileSync(GOLDEN_PATH, goldenText());
}

describe("golden protein IR", () => {
  it("matches test/fixtures/golden/protein.yaml byte for byte", () => {
    if (!existsSync(GOLDEN_PATH)) throw new Error(`${GOLDEN_PATH} is missing: ${HINT}`);
    const expected = readFileSync(GOLDEN_PATH, "utf8");
    const actual = goldenText();
    if (actual !== expected) {
      const actualLines = actual.split("\n");
      const expectedLines = expected.split("\n");
      const line = actualLines.findIndex((text, i) => text !== expectedLines[i]);
      throw new Error(
        `${HINT}\nfirst difference at line ${line + 1}:\n  golden:   ${expectedLines[line]}\n  compiled: ${actualLines[line]}`,
      );
    }
  });
});

describe("compile options", () => {
  it("defaults to an obviously fake digest-pinned image", () => {
    expect(PLACEHOLDER_IMAGE).toBe(`localhost:5000/amber@sha256:${"0".repeat(64)}`);
    expect(parseArgs([], {}).image).toBe(PLACEHOLDER_IMAGE);
  });

  it("takes the image from --image over AMBER_IMAGE", () => {
    const env = { AMBER_IMAGE: `env/amber@sha256:${"1".repeat(64)}` };
    expect(parseArgs([], env).image).toBe(env.AMBER_IMAGE);
    expect(parseArgs(["--image", "cli@sha256:x"], env).image).toBe("cli@sha256:x");
  });

  it("reads output options, and knows nothing of the golden file (the test updates it)", () => {
    expect(() => parseArgs(["--update-golden"], {})).toThrow(/unknown option --update-golden/);
    expect(parseArgs(["--out", "x", "--parallelism", "4"], {})).toMatchObject({ outDir: "x", parallelism: 4 });
  });

  it("rejects unknown options and missing values with the usage", () => {
    expect(() => parseArgs(["--imgae", "x"], {})).toThrow(/unknown option --imgae; use --image REF/);
    expect(() => parseArgs(["--image"], {})).toThrow("--image needs a value");
  });
});
