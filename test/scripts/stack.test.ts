/**
 * scripts/stack.sh (npm run up, preview, destroy, outputs, config) with a stand-in `pulumi` that behaves as
 * the real one does where it matters here: `stack init` writes the passphrase salt into the stack's config
 * file in its working directory, and up/preview write it into the file given by --config-file.
 */
import { execFileSync, spawnSync } from "child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join, resolve } from "path";

const project = resolve(__dirname, "../..");
const node = dirname(execFileSync("sh", ["-c", "command -v node"], { encoding: "utf8" }).trim());

const FAKE_PULUMI = `#!/bin/bash
state=$FAKE_STATE
echo "$*" >> "$state/calls.log"
echo "$PULUMI_BACKEND_URL" > "$state/backend-url"
case "$1 $2" in
  "whoami "*) exit 1 ;;
  "stack select") [ -f "$state/stacks/$3" ] || { echo "error: no stack named '$3' found" >&2; exit 255; } ;;
  "stack init")
    mkdir -p "$state/stacks" && touch "$state/stacks/$3" && echo "Created stack '$3'" >&2
    echo "encryptionsalt: v1:fake" >> "Pulumi.$3.yaml" ;;
  "stack output") [ -f "$state/stacks/$4/up" ] && echo '{"pipelineRunId": "r1"}' || echo '{}' ;;
  "up "* | "preview "*)
    while [ $# -gt 0 ]; do
      if [ "$1" = --config-file ]; then cp "$2" "$state/config-seen.yaml"; echo "encryptionsalt: v1:fake" >> "$2"; fi
      shift
    done ;;
esac
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  calls: string[];
  state: string;
}

function stackSh(
  args: string[],
  env: Record<string, string> = {},
  state = mkdtempSync(join(tmpdir(), "stack-sh-")),
): Run {
  const bin = join(state, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, "pulumi"), FAKE_PULUMI);
  chmodSync(join(bin, "pulumi"), 0o755);
  const result = spawnSync("bash", [join(project, "scripts/stack.sh"), ...args], {
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      PATH: `${bin}:${node}:/usr/bin:/bin`,
      HOME: state,
      FAKE_STATE: state,
      PULUMI_BACKEND_URL: `file://${state}`,
      ...env,
    },
  });
  const log = join(state, "calls.log");
  const calls = existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls, state };
}

const withPassphrase = { PULUMI_CONFIG_PASSPHRASE: "test" };

describe("scripts/stack.sh", () => {
  it.each(["up", "preview", "destroy", "outputs", "config"])(
    "%s --help prints the usage with --stack, exit 0",
    (action) => {
      const run = stackSh([action, "--help"]);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`usage: npm run ${action} [-- --stack NAME]`);
      expect(run.stdout).toMatch(/--stack NAME +the stack \(default \$PULUMI_STACK, else dev\)/);
      expect(run.calls).toEqual([]);
    },
  );

  it("a usage error exits 2 with the usage line", () => {
    const run = stackSh(["up", "--stack"], withPassphrase);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      "up: --stack needs a stack name\nusage: npm run up [-- --stack NAME] [pulumi up flags…]  (--help for details)\n",
    );
  });

  it("without a passphrase and without a terminal, says once what to set and runs nothing", () => {
    const run = stackSh(["up"]);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      "up: stack dev keeps its secrets encrypted with a passphrase, and there is no terminal to ask for it: set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) and run again.",
    );
    expect(run.calls).toEqual([]);
  });

  it("a first up creates the stack away from the work tree and reads a copy of Pulumi.<stack>.yaml", () => {
    const tracked = readFileSync(join(project, "Pulumi.dev.yaml"), "utf8");
    const run = stackSh(["up", "--refresh"], withPassphrase);
    expect(run.status).toBe(0);
    expect(run.calls[0]).toBe("stack select dev");
    expect(run.calls[1]).toBe("stack init dev --no-select");
    expect(run.calls[2]).toBe("stack select dev");
    expect(run.calls[3]).toMatch(/^up --yes --stack dev --config-file \/\S+\/Pulumi\.dev\.yaml --refresh$/);
    expect(readFileSync(join(run.state, "config-seen.yaml"), "utf8")).toBe(tracked);
    // What pulumi wrote (the salt) went to the scratch copies, not to the tracked file.
    expect(readFileSync(join(project, "Pulumi.dev.yaml"), "utf8")).toBe(tracked);
    expect(run.stderr).toContain("Created stack 'dev'");
  });

  it("--stack beats PULUMI_STACK; a stack without a file gets an empty config", () => {
    // A name no one has a Pulumi.<stack>.yaml for in the work tree.
    const stack = `t${Date.now().toString(36)}`;
    const state = mkdtempSync(join(tmpdir(), "stack-sh-"));
    mkdirSync(join(state, "stacks"));
    writeFileSync(join(state, "stacks", stack), "");
    const run = stackSh(["preview", "--stack", stack], { ...withPassphrase, PULUMI_STACK: "other" }, state);
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      `stack select ${stack}`,
      expect.stringMatching(new RegExp(`^preview --stack ${stack} --config-file /\\S+/Pulumi\\.${stack}\\.yaml$`)),
    ]);
    expect(readFileSync(join(state, "config-seen.yaml"), "utf8")).toBe("config: {}\n");
    expect(existsSync(join(project, `Pulumi.${stack}.yaml`))).toBe(false);
  });

  it("one output of a stack that never came up: says so and what to run", () => {
    const state = mkdtempSync(join(tmpdir(), "stack-sh-"));
    mkdirSync(join(state, "stacks"));
    writeFileSync(join(state, "stacks", "dev"), "");
    const run = stackSh(["outputs", "pipelineRunUrl"], withPassphrase, state);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n").pop()).toBe(
      "stack dev has no outputs: it exists but has never come up completely. Run `npm run up` first.",
    );
  });

  it("outputs of a stack that does not exist says what to run", () => {
    const run = stackSh(["outputs", "--stack", "lab", "--json"], withPassphrase);
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split("\n").pop()).toMatch(
      /^no stack lab in file:\/\/\S+: run `npm run up -- --stack lab` first$/,
    );
  });

  it("the default local backend writes no .attrs sidecars (metadata=skip)", () => {
    const run = stackSh(["preview"], { ...withPassphrase, PULUMI_BACKEND_URL: "" });
    expect(run.status).toBe(0);
    expect(readFileSync(join(run.state, "backend-url"), "utf8").trim()).toBe(
      `file://${project}/.pulumi-state?metadata=skip`,
    );
  });

  it("removes an empty .attrs sidecar a killed pulumi left in a file backend, says so, and keeps the rest", () => {
    const state = mkdtempSync(join(tmpdir(), "stack-sh-"));
    const stacks = join(state, ".pulumi", "stacks", "kfp-protein-stack");
    mkdirSync(stacks, { recursive: true });
    writeFileSync(join(stacks, "dev.json"), "{}");
    writeFileSync(join(stacks, "dev.json.attrs"), "");
    writeFileSync(join(stacks, "lab.json.attrs"), '{"user.content_type":"application/octet-stream"}\n');
    const run = stackSh(
      ["outputs", "--json"],
      { ...withPassphrase, PULUMI_BACKEND_URL: `file://${state}?no_tmp_dir=true` },
      state,
    );
    expect(existsSync(join(stacks, "dev.json.attrs"))).toBe(false);
    expect(existsSync(join(stacks, "lab.json.attrs"))).toBe(true);
    expect(existsSync(join(stacks, "dev.json"))).toBe(true);
    expect(run.stderr).toContain(
      `Removed ${join(stacks, "dev.json.attrs")}: an empty file that a killed pulumi left beside the stack's state`,
    );
  });
});
