/**
 * Every command the README and docs/ show works as written on a fresh clone: it names an npm script or a
 * file that exists, takes only flags its command lists in --help, and never needs a bare `pulumi` (which a
 * fresh machine does not have: `npm run …` brings the pinned one).
 */
import * as fs from "fs";
import * as path from "path";
import { Usage, usageFlagNames } from "../../pipelines/cli";
import { USAGE as compile } from "../../scripts/compile";
import { USAGE as e2e } from "../../scripts/e2e/args";
import { USAGE as local } from "../../pipelines/local/run";
import { USAGE as render } from "../../scripts/render/main";
import { USAGE as results } from "../../scripts/results/main";
import { USAGE as ui } from "../../scripts/ui";
import { USAGE as watch } from "../../scripts/watch/main";

const root = path.resolve(__dirname, "../..");
const scripts = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).scripts as Record<string, string>;
const USAGES: Record<string, Usage> = {
  compile,
  e2e,
  "pipeline:local": local,
  render,
  results,
  ui,
  watch,
};
/** Commands a user has besides npm (the README's prerequisites), and shell built-ins. */
const TOOLS = new Set(["bash", "npx", "kubectl", "minikube", "docker", "git", "export", "cd"]);

export interface ShownCommand {
  file: string;
  command: string;
}

/** Lines of ```sh blocks (continuations joined, comments cut) and inline `npm …`/`bash …` spans. */
export function shownCommands(file: string, text: string): ShownCommand[] {
  const found: string[] = [];
  for (const block of text.matchAll(/```sh\n([\s\S]*?)```/g)) {
    const joined = block[1].replace(/\\\n\s*/g, " ");
    for (const line of joined.split("\n")) {
      const command = line.replace(/\s#\s.*$/, "").trim();
      if (command) found.push(command);
    }
  }
  for (const span of text.matchAll(/`((?:npm|bash) [^`]+)`/g)) found.push(span[1]);
  return found.map((command) => ({ file, command }));
}

/** What is wrong with one shown command on a fresh clone; empty when nothing is. */
export function commandProblems(command: string): string[] {
  const words = command
    .replace(/[[\]…]/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  const [tool, sub, name] = words;
  if (tool === "pulumi") return ["a bare pulumi: a fresh machine has none (use the npm run command that wraps it)"];
  if (tool === "bash") return fs.existsSync(path.join(root, sub ?? "")) ? [] : [`${sub} does not exist`];
  if (tool !== "npm") return TOOLS.has(tool) ? [] : [`${tool} is not a prerequisite`];
  if (sub === "test" || sub === "ci") return [];
  if (sub !== "run" || !name) return [`npm ${sub}: not an npm command this project uses`];
  if (!(name in scripts)) return [`npm run ${name}: no such script in package.json`];
  const usage = USAGES[name];
  const dashes = words.indexOf("--");
  if (!usage || dashes < 0) return [];
  const { valued, switches } = usageFlagNames(usage);
  return words
    .slice(dashes + 1)
    .filter((w) => w.startsWith("--"))
    .map((w) => w.slice(2).split("=")[0])
    .filter((flag) => ![...valued, ...switches, "help"].includes(flag))
    .map((flag) => `npm run ${name}: --${flag} is not one of its flags`);
}

const files = ["README.md", ...fs.readdirSync(path.join(root, "docs")).map((f) => `docs/${f}`)].filter((f) =>
  f.endsWith(".md"),
);
const shown = files.flatMap((file) => shownCommands(file, fs.readFileSync(path.join(root, file), "utf8")));

describe("commands shown in README.md and docs/", () => {
  it("are found (the README's quick start among them)", () => {
    const readme = shown.filter((c) => c.file === "README.md").map((c) => c.command);
    expect(readme.slice(0, 2)).toEqual(["npm run up", "npm test"]);
    expect(shown.length).toBeGreaterThan(20);
  });

  it("each names an npm script or a file that exists, with flags its command takes", () => {
    const problems = shown.flatMap(({ file, command }) =>
      commandProblems(command).map((p) => `${file}: ${command}: ${p}`),
    );
    expect(problems).toEqual([]);
  });
});

describe("commandProblems", () => {
  it("catches a bare pulumi, a missing script, a missing file and an unknown flag", () => {
    expect(commandProblems("pulumi stack output pipelineRunUrl")).toEqual([
      "a bare pulumi: a fresh machine has none (use the npm run command that wraps it)",
    ]);
    expect(commandProblems("npm run nope")).toEqual(["npm run nope: no such script in package.json"]);
    expect(commandProblems("bash scripts/nope.sh")).toEqual(["scripts/nope.sh does not exist"]);
    expect(commandProblems("npm run watch -- --run x --follow")).toEqual([
      "npm run watch: --follow is not one of its flags",
    ]);
    expect(commandProblems("npm run results [-- --run ID] [--out DIR] [--trajectories]")).toEqual([]);
  });
});
