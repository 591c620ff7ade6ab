import { spawnSync } from "child_process";
import { portForwardCommand } from "../../scripts/ui";

describe("ui: the kfpUiPortForward output is run as the shell would run it", () => {
  it("keeps a quoted value with blanks as one word and drops the quotes", () => {
    const [command, ...args] = portForwardCommand(`printf '%s\\n' --context='kind of ctx' -n kubeflow`);
    const printed = spawnSync(command, args, { encoding: "utf8" }).stdout;
    expect(printed.split("\n").filter(Boolean)).toEqual(["--context=kind of ctx", "-n", "kubeflow"]);
  });

  it("says what to run when the stack has no such output", () => {
    expect(() => portForwardCommand(undefined)).toThrow(/no kfpUiPortForward output: run `npm run up`/);
  });
});
