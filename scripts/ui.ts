/**
 * npm run ui (usage below): port-forwards the stack's KFP UI and prints its URL; Ctrl-C stops it.
 */
import { spawn } from "child_process";
import { Usage, parseUsageFlags, runCli } from "../pipelines/cli";
import { chosenStack, readStackOutputs } from "./run-target";

export const USAGE: Usage = {
  command: "ui",
  synopsis: "npm run ui [-- --stack NAME]",
  about: `Port-forwards the KFP UI of the stack (kubectl port-forward, as the stack's kfpUiPortForward output
says) and prints its URL; Ctrl-C stops it. The stack's outputs are read as npm run outputs reads them.`,
  flags: [["--stack NAME", "the stack whose UI to open (default $PULUMI_STACK, else dev)"]],
};

/**
 * The port-forward command line from the stack's outputs. Its values are shell-quoted (a context name may hold
 * spaces), so bash parses it: splitting on blanks would pass the quotes on as part of the words.
 */
export function portForwardCommand(forward: unknown): string[] {
  if (typeof forward !== "string" || forward.trim() === "") {
    throw new Error("the stack has no kfpUiPortForward output: run `npm run up` with this version of the project");
  }
  return ["bash", "-c", `exec ${forward.trim()}`];
}

async function main(argv: string[]): Promise<number> {
  const stack = chosenStack(parseUsageFlags(argv, USAGE));
  const outputs = readStackOutputs("port-forward KFP's ml-pipeline-ui service yourself", stack);
  const [command, ...args] = portForwardCommand(outputs.kfpUiPortForward);
  process.stdout.write(
    `KFP UI of stack ${stack}: ${outputs.kfpUiUrl}  (${String(outputs.kfpUiPortForward).trim()}; Ctrl-C stops it)\n`,
  );
  const child = spawn(command, args, { stdio: "inherit" });
  return new Promise((resolve) => {
    child.on("error", (error) => {
      process.stderr.write(`ui: could not run ${command}: ${error.message}\n`);
      resolve(1);
    });
    child.on("exit", (code, signal) => resolve(signal === "SIGINT" ? 0 : (code ?? 1)));
  });
}

export const cli = (argv: string[]): Promise<number> => runCli(USAGE, argv, main);

if (require.main === module) {
  cli(process.argv.slice(2)).then((code) => process.exit(code));
}
