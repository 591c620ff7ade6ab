import { UsageError } from "../../pipelines/cli";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import { dirname, resolve } from "path";
import {
  PLACEHOLDER_CUDA_IMAGE,
  PLACEHOLDER_IMAGE,
  compileOutputs,
  loadStackConfig,
  parseArgs,
} from "../../scripts/compile";
import { stackPipelineIr } from "../../stacks/pipeline-run/pipeline-ir";
import { compileProteinPipeline } from "../../pipelines/protein";

const GOLDEN_PATH = resolve(__dirname, "../fixtures/golden/protein.yaml");
const HINT =
  "the protein IR changed: review the diff, then run `UPDATE_GOLDEN=1 npx jest test/scripts/compile.test.ts`";

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
  it("defaults to the dev stack, dist/pipelines and obviously fake digest-pinned images", () => {
    expect(PLACEHOLDER_IMAGE).toBe(`localhost:5000/amber@sha256:${"0".repeat(64)}`);
    expect(parseArgs([], {})).toEqual({
      stack: "dev",
      sets: [],
      out: "dist/pipelines",
      images: { image: PLACEHOLDER_IMAGE, cudaImage: PLACEHOLDER_CUDA_IMAGE },
    });
  });

  it("takes the images from --image/--cuda-image over AMBER_IMAGE/AMBER_CUDA_IMAGE", () => {
    const env = {
      AMBER_IMAGE: `env/amber@sha256:${"1".repeat(64)}`,
      AMBER_CUDA_IMAGE: `env/cuda@sha256:${"2".repeat(64)}`,
    };
    expect(parseArgs([], env).images).toEqual({ image: env.AMBER_IMAGE, cudaImage: env.AMBER_CUDA_IMAGE });
    expect(parseArgs(["--image", "cli@sha256:x", "--cuda-image", "cuda@sha256:y"], env).images).toEqual({
      image: "cli@sha256:x",
      cudaImage: "cuda@sha256:y",
    });
  });

  it("collects --stack, every --set and --out, and knows nothing of the golden file (the test updates it)", () => {
    expect(parseArgs(["--stack", "gpu", "--set", "a=1", "--set", "b=2", "--out", "ir.yaml"], {})).toMatchObject({
      stack: "gpu",
      sets: ["a=1", "b=2"],
      out: "ir.yaml",
    });
    expect(() => parseArgs(["--update-golden"], {})).toThrow(/unknown option --update-golden/);
  });

  it("rejects unknown options and missing values as usage errors (exit 2 with the usage line)", () => {
    expect(() => parseArgs(["--imgae", "x"], {})).toThrow(new UsageError("unknown option --imgae"));
    expect(() => parseArgs(["--image"], {})).toThrow(new UsageError("--image needs a value"));
  });

  it("defaults to $PULUMI_STACK, as every command does", () => {
    expect(parseArgs([], { PULUMI_STACK: "lab" }).stack).toBe("lab");
  });
});

describe("compile through the stack's config", () => {
  const projectDir = resolve(__dirname, "../..");
  const compile = (argv: string[]) => {
    const args = parseArgs(argv, {});
    return compileOutputs(args, loadStackConfig(args, projectDir));
  };

  it("writes to FILE.yaml exactly the IR up uploads for the config: the batch pipeline for pipeline.pdbCodes", () => {
    const sets = ["--set", 'pipeline.pdbCodes=["1aki","4e43"]', "--set", "pipeline.parallelism=3"];
    const outputs = compile([...sets, "--out", "review/ir.yaml"]);
    const args = parseArgs([...sets, "--out", "review/ir.yaml"], {});
    const cfg = loadStackConfig(args, projectDir);
    expect(Object.keys(outputs)).toEqual(["review/ir.yaml"]);
    expect(outputs["review/ir.yaml"]).toBe(stackPipelineIr(cfg.pipeline, { image: PLACEHOLDER_IMAGE }));
    expect(outputs["review/ir.yaml"]).toContain("parallelismLimit: 3");
  });

  it("compiles both pipelines into a directory with the config's step resources", () => {
    const outputs = compile(["--set", "pipeline.resources.analysis.memoryLimit=3Gi", "--out", "dir"]);
    expect(Object.keys(outputs).sort()).toEqual(["dir/protein-batch.yaml", "dir/protein.yaml"]);
    for (const text of Object.values(outputs)) expect(text).toContain("resourceMemoryLimit: 3Gi");
  });

  it("fails as up would on bad config, naming each key, and writes nothing", () => {
    expect(() =>
      compile(["--set", "pipeline.resources.md.gpu=1", "--set", "pipeline.resources.md.cpuLimit=lots"]),
    ).toThrow(
      /pipeline.resources.md.cpuLimit: "lots" is not a positive CPU quantity[\s\S]*pipeline.resources.md.gpu is 1 but md_engine is sander/,
    );
    expect(() => compile(["--set", "x"])).toThrow("--set x: expected key=value");
  });
});
