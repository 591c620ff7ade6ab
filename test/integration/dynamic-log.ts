/**
 * What a user sees of a dynamic provider's progress lines during `pulumi up`: a tiny program whose
 * dynamic resource logs three lines two seconds apart from `create` (with `pulumi.log.info`, as the
 * stack's providers do, and with `console.log`), run with the real engine. The lines must reach
 * `up`'s normal (non-debug) output while `create` still runs, not only at the end.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { fileBackendUrl } from "../../scripts/e2e/ephemeral-stack";

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const provider = {
  async create() {
    for (let i = 1; i <= 3; i++) {
      pulumi.log.info("LOGINFO " + i + " at " + Date.now());
      console.log("CONSOLELOG " + i);
      await new Promise((r) => setTimeout(r, 2000));
    }
    return { id: "probe", outs: {} };
  },
};
class Probe extends pulumi.dynamic.Resource {
  constructor(name) { super(provider, name, {}, {}); }
}
new Probe("probe");
`;

export interface SeenLine {
  text: string;
  /** When the line reached `up`'s output, in ms since `up` started. */
  atMs: number;
}

/** Runs the probe with the CLI in `toolsBin` and returns the output lines with their arrival times. */
export async function runDynamicLogProbe(toolsBin: string, repoRoot: string, workDir: string): Promise<SeenLine[]> {
  fs.mkdirSync(path.join(workDir, "state"), { recursive: true });
  fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), "name: dynamic-log-probe\nruntime: nodejs\n");
  fs.writeFileSync(path.join(workDir, "index.js"), PROGRAM);
  fs.writeFileSync(path.join(workDir, "package.json"), '{"name":"dynamic-log-probe","main":"index.js"}\n');
  const modules = path.join(workDir, "node_modules");
  if (!fs.existsSync(modules)) fs.symlinkSync(path.join(repoRoot, "node_modules"), modules);
  const env = {
    ...process.env,
    PATH: `${toolsBin}:${process.env.PATH ?? ""}`,
    PULUMI_HOME: path.join(workDir, "home"),
    PULUMI_BACKEND_URL: fileBackendUrl(path.join(workDir, "state")),
    PULUMI_CONFIG_PASSPHRASE: "probe",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  const pulumi = path.join(toolsBin, "pulumi");
  await new Promise<void>((resolve, reject) =>
    execFile(pulumi, ["stack", "init", "probe"], { cwd: workDir, env }, (e) => (e ? reject(e) : resolve())),
  );
  const started = Date.now();
  const seen: SeenLine[] = [];
  await new Promise<void>((resolve, reject) => {
    const child = execFile(pulumi, ["up", "--yes", "--skip-preview", "--stack", "probe"], { cwd: workDir, env });
    let pending = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop() ?? "";
      for (const text of lines) seen.push({ text, atMs: Date.now() - started });
    });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`pulumi up exited ${code}`))));
  });
  return seen;
}

/** Problems with what the user saw: each line must show up live (before the resource is created). */
export function dynamicLogProblems(seen: SeenLine[]): string[] {
  const created = seen.find((l) => /dynamic:Resource probe created/.test(l.text));
  if (!created) return ["`up` never reported the probe resource created"];
  const problems: string[] = [];
  for (const marker of ["LOGINFO 1", "LOGINFO 3", "CONSOLELOG 1", "CONSOLELOG 3"]) {
    const first = seen.find((l) => l.text.includes(marker));
    if (!first) problems.push(`"${marker}" never reached up's output`);
    else if (first.atMs > created.atMs)
      problems.push(`"${marker}" reached up's output only after the resource was created`);
  }
  const one = seen.find((l) => l.text.includes("LOGINFO 1"));
  const three = seen.find((l) => l.text.includes("LOGINFO 3"));
  if (one && three && three.atMs - one.atMs < 2_000) {
    problems.push("the lines arrived together, not as they were logged 2 s apart");
  }
  return problems;
}
