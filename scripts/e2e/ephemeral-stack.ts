/**
 * A throwaway stack of this project through the Automation API: a unique name, a file backend and a random
 * passphrase in its own directory, so it touches neither the user's stacks nor the work tree. The project's
 * Pulumi.yaml is copied there with `main` pointing back at the project, so the stack's config file is written
 * there too. Used by `npm run e2e` and by the integration tier (test/integration/stack.ts).
 */
import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { ConfigMap, LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";

export interface OpenStackOptions {
  /** Directory holding bin/pulumi; default: `pulumi` on PATH. */
  pulumiRoot?: string;
  projectDir: string;
  /** Holds the project copy, the state and the passphrase file; created when missing. */
  workDir: string;
  name: string;
  /** Flat keys, set as paths (as `pulumi config set --path` does: Pulumi.yaml declares dotted keys as paths). */
  config: Record<string, string>;
  /** More environment for every pulumi command (e.g. PULUMI_HOME). */
  env?: Record<string, string>;
}

export interface OpenedStack {
  stack: Stack;
  workspace: LocalWorkspace;
  env: Record<string, string>;
  projectCopy: string;
  stateDir: string;
}

/**
 * A file backend's URL for `dir`, with `metadata=skip`: without it the blob store behind Pulumi's file backend
 * (gocloud's fileblob) rewrites a `.attrs` file beside every checkpoint in place, so a pulumi killed at that
 * moment leaves it empty and every later command on the stack fails with "failed to load checkpoint: EOF".
 * The checkpoint itself is written to a temp file and renamed, so with no sidecar a kill cannot corrupt it.
 */
export function fileBackendUrl(dir: string): string {
  return `file://${dir}?metadata=skip`;
}

export function uniqueStackName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

export async function openEphemeralStack(o: OpenStackOptions): Promise<OpenedStack> {
  const projectCopy = path.join(o.workDir, "project");
  const stateDir = path.join(o.workDir, "state");
  for (const d of [projectCopy, stateDir]) fs.mkdirSync(d, { recursive: true });
  writeProjectFile(o.projectDir, projectCopy, stateDir);
  const passphrase = randomBytes(16).toString("hex");
  // Kept beside the state, so a stack whose destroy failed can still be destroyed by hand.
  fs.writeFileSync(path.join(o.workDir, "passphrase"), passphrase, { mode: 0o600 });
  const env: Record<string, string> = {
    PULUMI_BACKEND_URL: fileBackendUrl(stateDir),
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // The program runs from the project copy, where no tsconfig.json is: use the project's (compiler options and
    // transpiler), as `pulumi up` in the work tree does.
    PULUMI_NODEJS_TSCONFIG_PATH: path.join(o.projectDir, "tsconfig.json"),
    ...o.env,
  };
  const pulumiCommand = await PulumiCommand.get(o.pulumiRoot ? { root: o.pulumiRoot } : {});
  const workspace = await LocalWorkspace.create({ workDir: projectCopy, envVars: env, pulumiCommand });
  const stack = await Stack.create(o.name, workspace);
  const config: ConfigMap = Object.fromEntries(Object.entries(o.config).map(([k, v]) => [k, { value: v }]));
  await stack.setAllConfig(config, true);
  return { stack, workspace, env, projectCopy, stateDir };
}

/**
 * The project's Pulumi.yaml in the copy: `main` and the plugins' paths pointing back at the project (the engine
 * resolves them from the file's folder), state in `stateDir`.
 */
export function writeProjectFile(projectDir: string, projectCopy: string, stateDir: string): void {
  const settings = parseYaml(fs.readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as Record<string, unknown>;
  const fromCopy = (p: string) => path.relative(projectCopy, path.resolve(projectDir, p));
  settings.main = fromCopy((settings.main as string | undefined) ?? ".");
  const plugins = (settings.plugins ?? {}) as Record<string, { path?: string }[] | undefined>;
  for (const list of Object.values(plugins))
    for (const plugin of list ?? []) if (plugin.path) plugin.path = fromCopy(plugin.path);
  settings.backend = { url: fileBackendUrl(stateDir) };
  fs.writeFileSync(path.join(projectCopy, "Pulumi.yaml"), stringifyYaml(settings));
}
