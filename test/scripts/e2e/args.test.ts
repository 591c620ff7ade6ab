import { UsageError, helpText } from "../../../pipelines/cli";
import { USAGE, e2eStackConfig, parseE2eArgs } from "../../../scripts/e2e/args";
import { uniqueStackName } from "../../../scripts/e2e/ephemeral-stack";
import { main } from "../../../scripts/e2e/main";

describe("parseE2eArgs", () => {
  it("reads cluster flags, repeated --config pairs (both spellings) and the poll interval", () => {
    expect(
      parseE2eArgs([
        "--kubeconfig",
        "/k",
        "--context=c",
        "--config",
        "kfp.source=path",
        "--config=pipeline.pdbCodes[0]=1aki",
        "--config",
        'pipeline.parameters={"a":1}',
        "--poll",
        "2",
      ]),
    ).toEqual({
      kubeconfig: "/k",
      context: "c",
      config: { "kfp.source": "path", "pipeline.pdbCodes[0]": "1aki", "pipeline.parameters": '{"a":1}' },
      out: undefined,
      pollSeconds: 2,
    });
  });

  it.each([
    [["--bogus"], /unknown argument "--bogus"/],
    [["--config", "novalue"], /--config needs KEY=VALUE, got "novalue"/],
    [["--config"], /--config needs KEY=VALUE, got ""/],
    [["--context"], /--context needs a value/],
    [["--poll", "0"], /--poll must be a positive number/],
    [["stray"], /unknown argument "stray"/],
  ])("rejects %j as a usage error", (argv, message) => {
    expect(() => parseE2eArgs(argv)).toThrow(UsageError);
    expect(() => parseE2eArgs(argv)).toThrow(message);
  });
});

describe("e2eStackConfig", () => {
  it("without a cluster flag: a minikube profile the stack owns, the tiny preset, no wait inside up", () => {
    expect(e2eStackConfig({ config: {}, pollSeconds: 10 })).toEqual({
      "cluster.mode": "minikube",
      "cluster.minikube.manage": "true",
      "pipeline.enabled": "true",
      "pipeline.preset": "tiny",
      "pipeline.wait": "false",
    });
  });

  it("with --kubeconfig/--context: the existing cluster; --config keys come last and win", () => {
    const config = e2eStackConfig({
      kubeconfig: "/k",
      context: "c",
      config: { "kfp.source": "path", "pipeline.preset": "short" },
      pollSeconds: 10,
    });
    expect(config).toMatchObject({
      "cluster.mode": "existing",
      "cluster.kubeconfig": "/k",
      "cluster.context": "c",
      "kfp.source": "path",
      "pipeline.preset": "short",
    });
    expect(config).not.toHaveProperty("cluster.minikube.manage");
    expect(e2eStackConfig({ context: "only", config: {}, pollSeconds: 1 })).not.toHaveProperty("cluster.kubeconfig");
  });
});

describe("uniqueStackName", () => {
  it("makes distinct DNS-label names with the prefix", () => {
    const a = uniqueStackName("e2e");
    expect(a).not.toBe(uniqueStackName("e2e"));
    expect(a).toMatch(/^e2e-[a-z0-9]+-[0-9a-f]{6}$/);
  });
});

describe("npm run e2e's answers before any stack exists", () => {
  let out: string[];
  let err: string[];
  beforeEach(() => {
    out = [];
    err = [];
    jest.spyOn(process.stdout, "write").mockImplementation((t) => out.push(String(t)) > 0);
    jest.spyOn(process.stderr, "write").mockImplementation((t) => err.push(String(t)) > 0);
  });
  afterEach(() => jest.restoreAllMocks());

  it("prints the usage with every flag on --help/-h, wherever it stands, and exits 0", async () => {
    for (const argv of [["--help"], ["--context", "c", "-h"]]) expect(await main(argv)).toBe(0);
    expect(out.join("")).toBe(`${helpText(USAGE)}${helpText(USAGE)}`);
    for (const flag of ["--kubeconfig", "--context", "--config", "--out", "--poll"])
      expect(out.join("")).toContain(flag);
    expect(err).toEqual([]);
  });

  it("exits 2 on a usage error with the reason and the usage line", async () => {
    expect(await main(["--context"])).toBe(2);
    expect(err.join("")).toBe(`e2e: --context needs a value\nusage: ${USAGE.synopsis}  (--help for details)\n`);
    expect(out).toEqual([]);
  });
});
