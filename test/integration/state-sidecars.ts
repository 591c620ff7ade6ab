/**
 * The file backend's `.attrs` sidecars, on a real engine's state. Without `metadata=skip` (fileBackendUrl) the blob
 * store rewrites one in place beside each checkpoint; this tier's engine kill once landed in that moment and left
 * it empty, and every command on the stack then failed with "failed to load checkpoint: EOF". Checked here: the
 * engine writes none with our URL, an empty one still breaks a state (so the repair is still needed), and a
 * user's command (`npm run outputs`, scripts/stack.sh) removes it and reads the stack again.
 */
import * as fs from "fs";
import * as path from "path";
import { run } from "./exec";
import { EphemeralStack } from "./stack";

const EMPTY_SIDECAR_ERROR = "failed to load checkpoint: EOF";

/** The `.attrs` sidecars under a file backend's directory (none when it does not exist), relative to it. */
export function sidecarsUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".attrs"));
}

export async function stateSidecarProblems(s: EphemeralStack, projectDir: string): Promise<string[]> {
  const sidecars = sidecarsUnder(s.stateDir);
  if (sidecars.length > 0)
    return [`the engine wrote .attrs sidecars in ${s.stateDir} despite metadata=skip: ${sidecars.join(", ")}`];
  const checkpoint = fs
    .readdirSync(s.stateDir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(s.stateDir, f))
    .find((f) => path.basename(f) === `${s.name}.json`);
  if (!checkpoint) return [`no checkpoint ${s.name}.json under ${s.stateDir}`];

  fs.writeFileSync(`${checkpoint}.attrs`, "");
  const broken = await s.stack.exportStack().then(
    () => "export succeeded",
    (e: Error) => e.message,
  );
  if (!broken.includes(EMPTY_SIDECAR_ERROR))
    return [`an empty sidecar no longer breaks the state (${broken.split("\n")[0]}): scripts/stack.sh's repair may go`];

  const outputs = await run(
    "bash",
    [path.join(projectDir, "scripts/stack.sh"), "outputs", "--stack", s.name, "--json"],
    {
      cwd: projectDir,
      env: { ...process.env, ...s.env },
    },
  ).catch((e: Error) => e);
  if (outputs instanceof Error) return [`npm run outputs on the broken state failed: ${outputs.message}`];
  const problems: string[] = [];
  if (!outputs.stderr.includes(`Removed ${checkpoint}.attrs`))
    problems.push(`npm run outputs did not say it removed the sidecar: ${outputs.stderr.trim()}`);
  if (Object.keys(JSON.parse(outputs.stdout) as object).length === 0)
    problems.push("npm run outputs printed no outputs");
  await s.stack.exportStack().catch((e: Error) => problems.push(`export after the repair failed: ${e.message}`));
  return problems;
}
