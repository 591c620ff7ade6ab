/**
 * `npm run up|preview|destroy` on a machine without the Pulumi CLI: install the version this project
 * pins (the `@pulumi/pulumi` SDK's own version) into a project-local directory with the Automation API's
 * `PulumiCommand.install`, and print the directory holding `pulumi` for scripts/stack.sh to put on PATH.
 * An install already there is reused (`install` checks `<root>/bin/pulumi version` first).
 */
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { readFileSync } from "fs";
import { join, resolve } from "path";

export interface EnsurePulumiCliOptions {
  /** Install root; the CLI lands in `<root>/bin`. Default `<project>/.pulumi-cli/<version>`. */
  root?: string;
  /** The installer. Default `PulumiCommand.install` (downloads Pulumi's install script). */
  install?: (opts: { version: string; root: string }) => Promise<{ command: string }>;
  /** Where progress is said. Default stderr, so stdout carries only the directory. */
  say?: (line: string) => void;
}

export function pinnedPulumiVersion(projectDir: string): string {
  const sdk = JSON.parse(readFileSync(join(projectDir, "node_modules/@pulumi/pulumi/package.json"), "utf8"));
  return String(sdk.version);
}

// Without `version`, install() uses the SDK's own version, which is the version pinned here.
const defaultInstall = (opts: { version: string; root: string }) => PulumiCommand.install({ root: opts.root });

/** Returns the directory holding the pinned `pulumi`, installing it there first when needed. */
export async function ensurePulumiCli(projectDir: string, options: EnsurePulumiCliOptions = {}): Promise<string> {
  const version = pinnedPulumiVersion(projectDir);
  const root = resolve(options.root ?? join(projectDir, ".pulumi-cli", version));
  const say = options.say ?? ((line: string) => process.stderr.write(`${line}\n`));
  const install = options.install ?? defaultInstall;
  say(`No pulumi on PATH: using Pulumi CLI ${version} in ${root} (installed there on first use).`);
  try {
    const cli = await install({ version, root });
    return resolve(cli.command, "..");
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new Error(
      `could not install Pulumi CLI ${version} into ${root}: ${reason}. ` +
        "Install it yourself (https://www.pulumi.com/docs/install/) and put `pulumi` on PATH.",
    );
  }
}

if (require.main === module) {
  const projectDir = resolve(__dirname, "..");
  ensurePulumiCli(projectDir, { root: process.env.KFP_PROTEIN_PULUMI_ROOT || undefined }).then(
    (dir) => process.stdout.write(`${dir}\n`),
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
