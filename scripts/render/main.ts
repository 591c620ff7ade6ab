/**
 * npm run render (usage below).
 *
 * Writes every Kubernetes object the stack would apply, after all transforms, as YAML files (as
 * `helm template` or `kustomize build` do), for review and GitOps. The stack's config goes through the
 * same loading and validation as `pulumi up` (loadConfig), and the objects through the same program
 * (createProteinPlatform), run under Pulumi's mocks: no engine, no cluster. Preflight tool checks are
 * skipped (nothing is applied); Secrets' values are redacted (they are generated on up).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, PROJECT } from "../../stacks/config";
import { createProteinPlatform } from "../../stacks/platform";
import { knownPipelineParameters } from "../../pipelines/protein/parameters";
import { walkFlags } from "../../pipelines/cli-flags";
import { Usage, UsageError, asUsageErrors, runCli } from "../../pipelines/cli";
import { installRenderMocks } from "./collect";
import { stackConfigValues } from "./stack-config";
import { writeRendered } from "./write";

export interface RenderArgs {
  out: string;
  stack: string;
  sets: string[];
}

export const USAGE: Usage = {
  command: "render",
  synopsis: "npm run render -- --out DIR [--stack NAME] [--set key=value …]",
  about: `Writes every Kubernetes object the stack would apply, after all transforms, one YAML file each, for
review and GitOps. The stack's config (Pulumi.<stack>.yaml) goes through the same validation as up; nothing
touches a cluster. --out must be new, empty or an earlier render's output, which is replaced whole.`,
  flags: [
    ["--out DIR", "where the YAML files go (required)"],
    ["--stack NAME", "read Pulumi.<NAME>.yaml (default $PULUMI_STACK, else dev)"],
    ["--set key=value", "override a config key as `npm run config -- set` would (repeatable)"],
  ],
};

export function parseRenderArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): RenderArgs {
  const args: Partial<RenderArgs> & { sets: string[] } = { stack: env.PULUMI_STACK || "dev", sets: [] };
  asUsageErrors(() =>
    walkFlags(argv, (flag, value) => {
      if (flag === "--out") args.out = value();
      else if (flag === "--stack") args.stack = value();
      else if (flag === "--set") args.sets.push(value());
      else throw new Error(`unknown argument ${flag}`);
    }),
  );
  if (!args.out) throw new UsageError("--out DIR is required");
  return args as RenderArgs;
}

/** Renders into args.out; returns the files written. Throws (writing nothing) on bad arguments or config. */
export async function render(args: RenderArgs, projectDir: string): Promise<string[]> {
  const collector = installRenderMocks(PROJECT, args.stack, stackConfigValues(projectDir, args.stack, args.sets));
  const cfg = loadConfig(knownPipelineParameters());
  createProteinPlatform(cfg, { probe: "skip" });
  await pulumi.runtime.disconnect();
  return writeRendered(args.out, collector.objects());
}

export const cli = (argv: string[], projectDir = path.resolve(__dirname, "..", "..")): Promise<number> =>
  runCli(USAGE, argv, async (args) => {
    const parsed = parseRenderArgs(args);
    const files = await render(parsed, projectDir);
    console.log(`wrote ${files.length} objects to ${parsed.out}`);
    return 0;
  });

if (require.main === module) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
