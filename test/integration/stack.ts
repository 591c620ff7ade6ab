/**
 * An ephemeral stack of a Pulumi project through the Automation API and the locally built engine:
 * unique name, file backend and PULUMI_HOME in a temp dir, passphrase secrets, no plugin downloads.
 * The project's Pulumi.yaml is copied to the temp dir with `main` pointing back at the project, so the
 * stack's config file is written there and the work tree stays untouched.
 */
import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { ConfigMap, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { run } from "./exec";
import { Deployment } from "./state";

export interface EphemeralStack {
  name: string;
  stack: Stack;
  workspace: LocalWorkspace;
  env: Record<string, string>;
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

export function uniqueStackName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

export async function createEphemeralStack(o: EphemeralStackOptions): Promise<EphemeralStack> {
  const name = uniqueStackName(o.namePrefix);
  const projectCopy = path.join(o.workDir, "project");
  const stateDir = path.join(o.workDir, "state");
  const pulumiHome = path.join(o.workDir, "pulumi-home");
  for (const d of [projectCopy, stateDir, pulumiHome]) fs.mkdirSync(d, { recursive: true });

  writeProjectFile(o.projectDir, projectCopy, stateDir);

  const bin = path.join(o.toolsRoot, "bin");
  const env: Record<string, string> = {
    PATH: `${bin}:${process.env.PATH ?? ""}`,
    PULUMI_HOME: pulumiHome,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: `itest-${randomBytes(8).toString("hex")}`,
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The program runs from the project copy, where no tsconfig.json is: use the project's (compiler
    // options and transpiler), as `pulumi up` in the work tree does.
    PULUMI_NODEJS_TSCONFIG_PATH: path.join(o.projectDir, "tsconfig.json"),
  };
  const pulumiCommand = await PulumiCommand.get({ root: o.toolsRoot });
  const workspace = await LocalWorkspace.create({ workDir: projectCopy, envVars: env, pulumiCommand });
  const stack = await Stack.create(name, workspace);
  const config: ConfigMap = Object.fromEntries(Object.entries(o.config).map(([k, v]) => [k, { value: v }]));
  // Keys as paths, as `pulumi config set --path` writes them: Pulumi.yaml declares dotted keys as paths.
  await stack.setAllConfig(config, true);

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

  return { name, stack, workspace, env, exportWithSecrets, useProject, dispose };
}

/** The project's Pulumi.yaml in the copy, `main` pointing back at the project, state in `stateDir`. */
function writeProjectFile(projectDir: string, projectCopy: string, stateDir: string): void {
  const settings = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  settings.main = path.relative(projectCopy, path.join(projectDir, (settings.main as string | undefined) ?? "."));
  settings.backend = { url: `file://${stateDir}` };
  fs.writeFileSync(path.join(projectCopy, "Pulumi.yaml"), stringifyYaml(settings));
}
