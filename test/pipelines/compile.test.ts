import { existsSync, readFileSync } from "fs";
import { GOLDEN_PATH, PLACEHOLDER_IMAGE, goldenText, parseArgs } from "../../pipelines/compile";

const HINT =
  "the protein IR changed: review the diff, then run `npm run compile -- --update-golden` (or UPDATE_GOLDEN=1 npm run compile)";

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

  it("reads golden update requests and output options", () => {
    expect(parseArgs(["--update-golden"], {}).updateGolden).toBe(true);
    expect(parseArgs([], { UPDATE_GOLDEN: "1" }).updateGolden).toBe(true);
    expect(parseArgs(["--out", "x", "--parallelism", "4"], {})).toMatchObject({ outDir: "x", parallelism: 4 });
  });

  it("rejects unknown options and missing values with the usage", () => {
    expect(() => parseArgs(["--imgae", "x"], {})).toThrow(/unknown option --imgae; use --image REF/);
    expect(() => parseArgs(["--image"], {})).toThrow("--image needs a value");
  });
});
