/**
 * npm run render -- --out DIR [--stack NAME] [--set key=value …]
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
import { installRenderMocks } from "./collect";
import { stackConfigValues } from "./stack-config";
import { writeRendered } from "./write";

export interface RenderArgs {
  out: string;
  stack: string;
  sets: string[];
}

export function parseRenderArgs(argv: string[]): RenderArgs {
  const args: Partial<RenderArgs> & { sets: string[] } = { stack: "dev", sets: [] };
  walkFlags(argv, (flag, value) => {
    if (flag === "--out") args.out = value();
    else if (flag === "--stack") args.stack = value();
    else if (flag === "--set") args.sets.push(value());
    else
      throw new Error(
        `unknown argument ${flag}. Usage: npm run render -- --out DIR [--stack NAME] [--set key=value …]`,
      );
  });
  if (!args.out)
    throw new Error("--out DIR is required. Usage: npm run render -- --out DIR [--stack NAME] [--set key=value …]");
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

if (require.main === module) {
  const projectDir = path.resolve(__dirname, "..", "..");
  Promise.resolve()
    .then(() => parseRenderArgs(process.argv.slice(2)))
    .then((args) =>
      render(args, projectDir).then((files) => console.log(`wrote ${files.length} objects to ${args.out}`)),
    )
    .catch((e: Error) => {
      console.error(e.message);
      process.exit(1);
    });
}
