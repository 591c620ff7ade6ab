import { execFileSync, spawnSync } from "child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { dirname, join, resolve } from "path";
import { ensurePulumiCli, pinnedPulumiVersion } from "../../scripts/ensure-pulumi-cli";

const project = resolve(__dirname, "../..");
const version = pinnedPulumiVersion(project);

/** A stand-in `pulumi` at <root>/bin that answers `version` and records every other call. */
function fakeCli(root: string, reports = `v${version}`): string {
  mkdirSync(join(root, "bin"), { recursive: true });
  const cli = join(root, "bin", "pulumi");
  writeFileSync(
    cli,
    `#!/bin/sh\nif [ "$1" = version ]; then echo ${reports}; exit 0; fi\necho "$*" >> "${root}/calls.log"\n`,
  );
  chmodSync(cli, 0o755);
  return cli;
}

describe("ensurePulumiCli", () => {
  it("pins the SDK's version", () => {
    const sdk = JSON.parse(readFileSync(join(project, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
    expect(version).toBe(sdk);
  });

  it("reuses a pinned CLI already in the install root (PulumiCommand.install checks before downloading)", async () => {
    const root = mkdtempSync(join(tmpdir(), "pulumi-root-"));
    fakeCli(root);
    const said: string[] = [];
    await expect(ensurePulumiCli(project, { root, say: (line) => said.push(line) })).resolves.toBe(join(root, "bin"));
    expect(said).toEqual([`No pulumi on PATH: using Pulumi CLI ${version} in ${root} (installed there on first use).`]);
  });

  it("installs the pinned version into an empty root", async () => {
    const root = join(mkdtempSync(join(tmpdir(), "pulumi-root-")), "cli");
    const calls: Array<{ version: string; root: string }> = [];
    const dir = await ensurePulumiCli(project, {
      root,
      say: () => undefined,
      install: async (opts) => {
        calls.push(opts);
        return { command: fakeCli(opts.root) };
      },
    });
    expect(calls).toEqual([{ version, root }]);
    expect(dir).toBe(join(root, "bin"));
    expect(existsSync(join(dir, "pulumi"))).toBe(true);
  });

  it("names the root and the fix when the install fails", async () => {
    const root = mkdtempSync(join(tmpdir(), "pulumi-root-"));
    const failing = ensurePulumiCli(project, {
      root,
      say: () => undefined,
      install: async () => {
        throw new Error("getaddrinfo ENOTFOUND\nstack…");
      },
    });
    await expect(failing).rejects.toThrow(
      `could not install Pulumi CLI ${version} into ${root}: getaddrinfo ENOTFOUND. Install it yourself`,
    );
  });
});

describe("scripts/stack.sh without pulumi on PATH", () => {
  it("uses the project-local CLI and runs the action with it", () => {
    const root = mkdtempSync(join(tmpdir(), "pulumi-root-"));
    fakeCli(root);
    const node = dirname(execFileSync("sh", ["-c", "command -v node"], { encoding: "utf8" }).trim());
    const result = spawnSync("bash", [join(project, "scripts/stack.sh"), "preview", "--diff"], {
      encoding: "utf8",
      env: {
        PATH: `${node}:/usr/bin:/bin`,
        HOME: process.env.HOME,
        KFP_PROTEIN_PULUMI_ROOT: root,
        PULUMI_BACKEND_URL: `file://${root}`,
        PULUMI_CONFIG_PASSPHRASE: "test",
        PULUMI_STACK: "t1",
      },
    });
    expect(result.status).toBe(0);
    expect(result.stderr.match(/No pulumi on PATH/g)).toHaveLength(1);
    expect(readFileSync(join(root, "calls.log"), "utf8").split("\n")).toEqual([
      "stack select t1",
      expect.stringMatching(/^preview --stack t1 --config-file \/\S+\/Pulumi\.t1\.yaml --diff$/),
      "",
    ]);
  });
});
