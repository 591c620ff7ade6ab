import { CommandOutcome, firstUpProblems, FirstUpOutcome } from "../first-up";

const preflightOut = ` +  pulumi:pulumi:Stack kfp-protein-stack-dev create error: Preflight failed (2 problems); nothing was created:
Diagnostics:
  pulumi:pulumi:Stack (kfp-protein-stack-dev):
    error: Preflight failed (2 problems); nothing was created:
      - minikube: found v1.30.0, needs 1.37.0 or newer for cluster.minikube.kubernetesVersion v1.34.0. Fix: upgrade minikube
      - docker: installed, but its daemon did not answer`;
const configOut = `Diagnostics:
  pulumi:pulumi:Stack (kfp-protein-stack-bad):
    error: Invalid stack configuration (1 problem); nothing was created:
      - kfp.version: "latest" is not a release version such as 2.17.0 (branches and "latest" are not pinned).`;

const run = (command: string, output: string, status = 255): CommandOutcome => ({ command, status, output });
const outcome = (o: Partial<FirstUpOutcome> = {}): FirstUpOutcome => ({
  preflight: run("npm run up", preflightOut),
  config: run("npm run up -- --stack bad", configOut),
  gitStatus: "?? Pulumi.bad.yaml\n",
  stateSidecars: [],
  ...o,
});

describe("firstUpProblems", () => {
  it("accepts each message once, a failed exit and only the user's new stack file in git status", () => {
    expect(firstUpProblems(outcome())).toEqual([]);
  });

  it("reports a stack trace, an unhandled exception, a message twice and a dirty tracked file", () => {
    const traced = `${preflightOut}\nRunning program failed with an unhandled exception:\n    at loadConfig (/p/stacks/config/load.ts:9:10)\n${preflightOut}`;
    const problems = firstUpProblems(
      outcome({ preflight: run("npm run up", traced), gitStatus: " M Pulumi.dev.yaml\n?? Pulumi.bad.yaml\n" }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^`npm run up` showed the message with its fix 2 times, not once/),
      "`npm run up` reported an unhandled exception",
      "`npm run up` printed a stack trace",
      "git status after the failed ups:  M Pulumi.dev.yaml",
    ]);
  });

  it("reports a sidecar the local backend wrote", () => {
    expect(firstUpProblems(outcome({ stateSidecars: [".pulumi/stacks/kfp-protein-stack/dev.json.attrs"] }))).toEqual([
      "the local backend wrote a sidecar, which a killed pulumi can leave empty: .pulumi/stacks/kfp-protein-stack/dev.json.attrs",
    ]);
  });

  it("reports an up that succeeded or never showed the config message", () => {
    expect(firstUpProblems(outcome({ config: run("npm run up -- --stack bad", "Resources: 1 created", 0) }))).toEqual([
      "`npm run up -- --stack bad` succeeded",
      expect.stringMatching(/^`npm run up -- --stack bad` showed the message with its fix 0 times, not once/),
    ]);
  });
});
