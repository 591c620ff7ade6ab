/**
 * Every user command answers --help/-h with its usage (every flag it accepts) and exit 0, reports a usage
 * error with the usage line and exit 2, and says what to run when the stack exists but never came up.
 */
import { spawnSync } from "child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join, resolve } from "path";
import { Usage, helpText, runCli, usageFlagNames } from "../../pipelines/cli";
import * as compile from "../../scripts/compile";
import * as local from "../../pipelines/local/run";
import * as render from "../../scripts/render/main";
import * as results from "../../scripts/results/main";
import * as ui from "../../scripts/ui";
import * as watch from "../../scripts/watch/main";

const project = resolve(__dirname, "../..");

interface Captured {
  code: number;
  out: string;
  err: string;
}

async function capture(run: () => Promise<number>): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, "write").mockImplementation((t) => out.push(String(t)) > 0);
  const stderr = jest.spyOn(process.stderr, "write").mockImplementation((t) => err.push(String(t)) > 0);
  const log = jest.spyOn(console, "log").mockImplementation((t) => void out.push(`${t}\n`));
  try {
    return { code: await run(), out: out.join(""), err: err.join("") };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    log.mockRestore();
  }
}

const commands: Array<[string, Usage, (argv: string[]) => Promise<number>]> = [
  ["watch", watch.USAGE, watch.cli],
  ["results", results.USAGE, results.cli],
  ["render", render.USAGE, (argv) => render.cli(argv)],
  ["ui", ui.USAGE, ui.cli],
  ["compile", compile.USAGE, (argv) => compile.cli(argv)],
  ["pipeline:local", local.USAGE, local.cli],
];

describe.each(commands)("npm run %s", (name, usage, cli) => {
  it.each([["--help"], ["-h"]])("%s prints the usage with every flag, exit 0", async (flag) => {
    const run = await capture(() => cli([flag]));
    expect(run.code).toBe(0);
    expect(run.out).toBe(helpText(usage));
    expect(run.out.startsWith(`usage: npm run ${name}`)).toBe(true);
    for (const [flagText] of usage.flags) expect(run.out).toContain(`  ${flagText}  `);
  });

  it("an unknown flag is a usage error: the message and the usage line, exit 2", async () => {
    const run = await capture(() => cli(["--no-such-flag"]));
    expect(run.code).toBe(2);
    expect(run.err).toMatch(
      new RegExp(`^${name}: .*--no-such-flag.*\\nusage: npm run ${name}.*\\(--help for details\\)\\n$`),
    );
  });
});

describe("usage flags", () => {
  it("are told apart as valued and switches by their placeholder", () => {
    expect(usageFlagNames(watch.USAGE)).toEqual({
      valued: ["stack", "run", "endpoint", "kubeconfig", "context", "namespace", "poll"],
      switches: ["plain"],
    });
  });

  it("every command that acts on a stack takes --stack", () => {
    for (const usage of [watch.USAGE, results.USAGE, render.USAGE, ui.USAGE, compile.USAGE]) {
      expect(usage.flags.map(([flag]) => flag)).toContain("--stack NAME");
    }
  });

  it("any other failure is the message alone, exit 1", async () => {
    const err: string[] = [];
    const code = await runCli(watch.USAGE, [], () => Promise.reject(new Error("boom")), {
      out: () => undefined,
      err: (t) => void err.push(t),
    });
    expect([code, err]).toEqual([1, ["watch: boom\n"]]);
  });
});

describe("compile --stack", () => {
  it("takes the stack's image (amber.build false) and parallelism; flags and --set win", () => {
    const dir = mkdtempSync(join(tmpdir(), "compile-stack-"));
    writeFileSync(join(dir, "Pulumi.yaml"), "name: kfp-protein-stack\n");
    const image = `reg.example/amber@sha256:${"a".repeat(64)}`;
    writeFileSync(
      join(dir, "Pulumi.lab.yaml"),
      `config:\n  kfp-protein-stack:amber:\n    build: false\n    image: ${image}\n  kfp-protein-stack:pipeline.parallelism: "5"\n  kfp-protein-stack:cluster.mode: existing\n`,
    );
    const batchIr = (argv: string[], env: NodeJS.ProcessEnv) => {
      const args = compile.parseArgs([...argv, "--out", join(dir, "out")], env);
      return compile.compileOutputs(args, compile.loadStackConfig(args, dir))[join(dir, "out", "protein-batch.yaml")];
    };
    const lab = batchIr(["--stack", "lab"], {});
    expect(lab).toContain(image);
    expect(lab).toMatch(/parallelismLimit: 5\b/);
    const given = `flag.example/amber@sha256:${"b".repeat(64)}`;
    const overridden = batchIr(["--set", "pipeline.parallelism=1", "--image", given], { PULUMI_STACK: "lab" });
    expect(overridden).toContain(given);
    expect(overridden).not.toContain(image);
    expect(overridden).toMatch(/parallelismLimit: 1\b/);
  });
});

/** A stand-in pulumi whose stack `dev` exists but never came up: `stack output` prints `{}`, as pulumi does. */
function neverUpStack(outputs = "{}"): Record<string, string> {
  const state = mkdtempSync(join(tmpdir(), "never-up-"));
  mkdirSync(join(state, "bin"));
  writeFileSync(
    join(state, "bin", "pulumi"),
    `#!/bin/sh\ncase "$1 $2" in\n  "stack select") exit 0 ;;\n  "stack output") echo '${outputs}' ;;\n  *) exit 1 ;;\nesac\n`,
  );
  chmodSync(join(state, "bin", "pulumi"), 0o755);
  return {
    PATH: `${join(state, "bin")}:${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${state}`,
    PULUMI_CONFIG_PASSPHRASE: "test",
    PULUMI_STACK: "",
  };
}

describe("a stack that never came up, or came up without a run", () => {
  const saved = { ...process.env };
  beforeEach(() => Object.assign(process.env, neverUpStack()));
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  const neverUp = (without: string) =>
    `stack dev has no outputs: it exists but has never come up completely. Run \`npm run up\` first, or ${without}`;

  it("watch says so and what to run, exit 2", async () => {
    const run = await capture(() => watch.cli([]));
    expect(run.code).toBe(2);
    expect(run.err).toBe(`watch: ${neverUp("pass --endpoint URL and --run ID")}\n`);
  });

  it("results says so and what to run, exit 2", async () => {
    const run = await capture(() => results.cli(["--out", mkdtempSync(join(tmpdir(), "results-"))]));
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      `results: ${neverUp("pass --run ID and --s3-endpoint URL with KFP_PROTEIN_S3_ACCESS_KEY and KFP_PROTEIN_S3_SECRET_KEY set")}\n`,
    );
  });

  it("a stack that came up without a pipeline run: watch says so and what to do, exit 2", async () => {
    Object.assign(process.env, neverUpStack('{"kfpApiEndpoint": "http://127.0.0.1:1"}'));
    const run = await capture(() => watch.cli([]));
    expect(run.code).toBe(2);
    expect(run.err).toBe(
      "watch: stack dev is up but started no pipeline run (pipeline.enabled is false): pass --run ID, or set pipeline.enabled true and run `npm run up`\n",
    );
  });

  it("ui says so and what to run, exit 1", async () => {
    const run = await capture(() => ui.cli(["--stack", "dev"]));
    expect(run.code).toBe(1);
    expect(run.err).toBe(`ui: ${neverUp("port-forward KFP's ml-pipeline-ui service yourself")}\n`);
  });
});

describe("the commands' own entry points", () => {
  it("render --help exits 0 with the usage, as `npm run render -- --help` runs it", () => {
    const script = JSON.parse(readFileSync(join(project, "package.json"), "utf8")).scripts.render as string;
    expect(script).toBe("ts-node --transpile-only scripts/render/main.ts");
    const result = spawnSync(
      join(project, "node_modules/.bin/ts-node"),
      ["--transpile-only", "scripts/render/main.ts", "--help"],
      {
        cwd: project,
        encoding: "utf8",
      },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(helpText(render.USAGE));
  });
});

describe("npm run bench:science (bash)", () => {
  const bench = (...args: string[]) =>
    spawnSync("bash", [join(project, "scripts/bench-science.sh"), ...args], { encoding: "utf8" });

  it("--help prints the usage with its arguments, exit 0, and runs nothing", () => {
    const result = bench("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^usage: npm run bench:science \[-- \[--engine sander\|openmm\] \[OUT_DIR\] \| --table DIR\.\.\.\]\n/,
    );
    expect(result.stdout).toContain("  --table DIR... ");
    expect(result.stdout).toContain("  --engine E ");
    expect(result.stdout).toContain("BENCH_SEEDS");
    expect(result.stdout).toContain("  -h, --help ");
  });

  it("a usage error exits 2 with the usage line", () => {
    const result = bench("--tabel", "x");
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "bench:science: unknown argument --tabel\nusage: npm run bench:science [-- [--engine sander|openmm] [OUT_DIR] | --table DIR...]\n",
    );
  });

  it("an engine other than sander or openmm exits 2 naming it, before any run", () => {
    const result = bench("--engine", "pmemd");
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^bench:science: --engine takes sander or openmm, got "pmemd"\nusage: /);
  });
});
