import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parseArgs, runPipeline, RunOptions } from "../../../pipelines/local/run";
import { fakeIr } from "../../fixtures/local-ir";

/** make → (upper, count) → join; broken → after-broken; lazy exits 0 without its output. */
const ir = fakeIr(
  {
    make: { script: 'printf "%s" "$2" > "$4"', params: { word: { pipeline: "word" } }, outputs: ["out"] },
    upper: { script: 'tr a-z A-Z < "$2" > "$4"', inputs: { data: "make.out" }, outputs: ["out"] },
    count: { script: 'wc -c < "$2" | tr -d " " > "$4"', inputs: { data: "make.out" }, outputs: ["out"] },
    join: { script: 'cat "$2" "$4" > "$6"', inputs: { a: "upper.out", b: "count.out" }, outputs: ["out"] },
    broken: { script: 'echo "working"; echo "protein-step broken: input is bad" >&2; exit 3', after: ["make"] },
    "after-broken": { script: "true", after: ["broken"] },
    lazy: { script: "true", outputs: ["out"] },
  },
  { word: { type: "STRING", default: "hello" } },
);

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "local-run-"));
  const irPath = join(dir, "pipeline.yaml");
  writeFileSync(irPath, ir);
  const lines: string[] = [];
  const options: RunOptions = {
    irPath,
    outDir: join(dir, "out"),
    parameterLayers: [],
    params: [],
    jobs: 2,
    env: process.env,
    useCache: true,
    codeVersion: "test",
    log: (line) => lines.push(line),
  };
  return { options, lines };
}

const states = (summary: { tasks: { name: string; state: string }[] }) =>
  Object.fromEntries(summary.tasks.map((t) => [t.name, t.state]));

describe("local runner: running an IR", () => {
  it("runs every task as a subprocess in dependency order and writes outputs and summary.json", async () => {
    const { options, lines } = setup();
    const summary = await runPipeline(options);
    expect(states(summary)).toEqual({
      make: "SUCCEEDED",
      upper: "SUCCEEDED",
      count: "SUCCEEDED",
      join: "SUCCEEDED",
      broken: "FAILED",
      "after-broken": "SKIPPED",
      lazy: "FAILED",
    });
    expect(readFileSync(join(options.outDir, "join", "out"), "utf8")).toBe("HELLO5\n");
    const written = JSON.parse(readFileSync(join(options.outDir, "summary.json"), "utf8"));
    expect(written).toEqual(summary);
    expect(summary.tasks.every((t) => typeof t.seconds === "number" && t.seconds >= 0)).toBe(true);
    expect(lines).toHaveLength(7);
    expect(lines.some((line) => /^\[\s*\d\/7\] SUCCEEDED join \(/.test(line))).toBe(true);
  });

  it("says why a task failed and why its dependants did not run", async () => {
    const { options } = setup();
    const byName = Object.fromEntries((await runPipeline(options)).tasks.map((t) => [t.name, t]));
    expect(byName.broken.error).toBe("exit code 3: protein-step broken: input is bad\n    working");
    expect(byName["after-broken"].error).toBe("not run: upstream task broken did not succeed");
    expect(byName.lazy.error).toBe("exit code 0 but no output file out");
    expect(readFileSync(join(options.outDir, "broken", "log.txt"), "utf8")).toContain("working");
  });

  it("serves unchanged tasks from the cache and reruns what a changed parameter reaches", async () => {
    const { options } = setup();
    await runPipeline(options);
    const again = await runPipeline(options);
    expect(states(again)).toMatchObject({
      make: "CACHED",
      upper: "CACHED",
      count: "CACHED",
      join: "CACHED",
      broken: "FAILED",
    });
    const changed = await runPipeline({ ...options, params: [["word", "bye"]] });
    expect(states(changed)).toMatchObject({ make: "SUCCEEDED", upper: "SUCCEEDED", join: "SUCCEEDED" });
    expect(readFileSync(join(options.outDir, "join", "out"), "utf8")).toBe("BYE3\n");
    const newCode = await runPipeline({ ...options, params: [["word", "bye"]], codeVersion: "test-2" });
    expect(states(newCode).join).toBe("SUCCEEDED");
    const uncached = await runPipeline({ ...options, params: [["word", "bye"]], useCache: false });
    expect(states(uncached).make).toBe("SUCCEEDED");
  });

  it("reports a missing IR with the command that builds it", async () => {
    const { options } = setup();
    await expect(runPipeline({ ...options, irPath: "/nonexistent/protein.yaml" })).rejects.toThrow(
      /run `npm run compile` first/,
    );
  });
});

describe("local runner: command line", () => {
  it("parses the documented flags and defaults --jobs to the core count", () => {
    const args = parseArgs(["--preset", "tiny", "--out", "d", "--param", "pdb_code=4e43", "--no-cache"], 2);
    expect(args).toMatchObject({
      preset: "tiny",
      outDir: "d",
      params: [["pdb_code", "4e43"]],
      jobs: 2,
      useCache: false,
    });
    expect(args.irPath).toMatch(/dist\/pipelines\/protein\.yaml$/);
  });

  it("rejects unknown flags, a missing --out and bad --jobs", () => {
    expect(() => parseArgs(["--preset", "tiny", "--outdir", "d"], 2)).toThrow(/unknown option --outdir/);
    expect(() => parseArgs(["--preset", "tiny"], 2)).toThrow(/--out DIR is required/);
    expect(() => parseArgs(["--out", "d", "--jobs", "0"], 2)).toThrow(/--jobs needs a positive integer/);
  });
});
