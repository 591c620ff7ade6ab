/**
 * An ephemeral stack (scripts/e2e/ephemeral-stack.ts) run by the locally built engine: PULUMI_HOME in its temp
 * dir, no plugin downloads, and what the tier needs beside it (export with secrets, another checkout's program).
 */
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { openEphemeralStack, uniqueStackName, writeProjectFile } from "../../scripts/e2e/ephemeral-stack";
import { run } from "./exec";
import { Deployment } from "./state";

export interface EphemeralStack {
  name: string;
  stack: Stack;
  workspace: LocalWorkspace;
  env: Record<string, string>;
  /** The file backend's directory. */
  stateDir: string;
  /** `pulumi stack export --show-secrets` (the Automation API's export keeps secrets encrypted). */
  exportWithSecrets(): Promise<Deployment>;
  /** Runs the stack's next operations with another checkout's program (same project name and config). */
  useProject(projectDir: string): void;
  /** Destroys what is left (when anything is) and removes the stack. Never throws; returns problems. */
  dispose(): Promise<string[]>;
}

export interface EphemeralStackOptions {
  /** Directory holding bin/pulumi and the plugins (test/integration/toolchain/build-test-tools.sh output, minus /bin). */
  toolsRoot: string;
  projectDir: string;
  workDir: string;
  namePrefix: string;
  config: Record<string, string>;
}

export async function createEphemeralStack(o: EphemeralStackOptions): Promise<EphemeralStack> {
  const name = uniqueStackName(o.namePrefix);
  const pulumiHome = path.join(o.workDir, "pulumi-home");
  fs.mkdirSync(pulumiHome, { recursive: true });
  const bin = path.join(o.toolsRoot, "bin");
  const { stack, workspace, env, projectCopy, stateDir } = await openEphemeralStack({
    pulumiRoot: o.toolsRoot,
    projectDir: o.projectDir,
    workDir: o.workDir,
    name,
    config: o.config,
    env: {
      PATH: `${bin}:${process.env.PATH ?? ""}`,
      PULUMI_HOME: pulumiHome,
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    },
  });

  const exportWithSecrets = async (): Promise<Deployment> => {
    const { stdout } = await run(path.join(bin, "pulumi"), ["stack", "export", "--show-secrets", "--stack", name], {
      cwd: projectCopy,
      env: { ...process.env, ...env },
    });
    return (JSON.parse(stdout) as { deployment: Deployment }).deployment;
  };

  const dispose = async (): Promise<string[]> => {
    const problems: string[] = [];
    try {
      const state = await stack.exportStack();
      const resources = (state.deployment as Deployment | undefined)?.resources ?? [];
      if (resources.length > 0) await stack.destroy({ color: "never" });
    } catch (e) {
      problems.push(`destroy during teardown failed: ${(e as Error).message}`);
    }
    try {
      await workspace.removeStack(name, { force: true });
    } catch (e) {
      problems.push(`removing stack ${name} failed: ${(e as Error).message}`);
    }
    return problems;
  };

  const useProject = (projectDir: string): void => {
    writeProjectFile(projectDir, projectCopy, stateDir);
    env.PULUMI_NODEJS_TSCONFIG_PATH = path.join(projectDir, "tsconfig.json");
    workspace.envVars.PULUMI_NODEJS_TSCONFIG_PATH = env.PULUMI_NODEJS_TSCONFIG_PATH;
  };

  return { name, stack, workspace, env, stateDir, exportWithSecrets, useProject, dispose };
}
