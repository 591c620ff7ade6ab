import { parseStackConfig, StackConfig } from "../../../stacks/config";
import { amberBuildPlatform, normalizeArch } from "../../../stacks/preflight/arch";
import { gatherFacts, PreflightError, preflightProblems, runPreflight } from "../../../stacks/preflight/preflight";
import { RunResult, Runner, shellProbe } from "../../../stacks/preflight/probe";
import { atLeastAlso, compareVersions, minikubeNeededFor, parseVersion } from "../../../stacks/preflight/versions";
import { FakeMachine, fakeProbe } from "../../fakes/fake-probe";

function config(raw: Record<string, unknown> = {}): StackConfig {
  return parseStackConfig(
    { "kfp.source": "path", "kfp.path": "/kfp", "cluster.minikube.manage": "true", ...raw },
    { stackName: "dev", env: { HOME: "/home/u" } },
  );
}

describe("versions", () => {
  it.each([
    ["v1.37.0\n", [1, 37, 0]],
    ["1.36", [1, 36, 0]],
    ["linux-28.3.2", [28, 3, 2]],
    ["27.5.1-ce", [27, 5, 1]],
    ["dev", undefined],
  ])("parses %j", (text, expected) => {
    expect(parseVersion(text)).toEqual(expected);
  });

  it("compares numerically, not as text", () => {
    expect(compareVersions([1, 9, 0], [1, 10, 0])).toBeLessThan(0);
    expect(compareVersions([18, 9, 0], [18, 9, 0])).toBe(0);
  });

  it.each([
    ["v1.34.0", { atLeast: [1, 37, 0] }],
    ["v1.33.1", { atLeast: [1, 36, 0] }],
    ["v1.33.0", { atLeast: [1, 36, 0] }],
    ["v1.30.0", { atLeast: [1, 33, 0] }],
    ["v1.28.3", { atLeast: [1, 33, 0] }],
    ["v1.35.0", { newerThan: [1, 37, 0] }],
  ])("Kubernetes %s needs minikube %j", (k8s, expected) => {
    expect(minikubeNeededFor(parseVersion(k8s)!)).toEqual(expected);
  });

  it("the default Kubernetes version and the README's minikube requirement agree", () => {
    const cfg = config();
    expect(cfg.cluster.minikube!.kubernetesVersion).toBe("v1.34.0");
    expect(minikubeNeededFor(parseVersion(cfg.cluster.minikube!.kubernetesVersion)!)).toEqual({ atLeast: [1, 37, 0] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const readme: string = require("fs").readFileSync(require("path").join(__dirname, "../../../README.md"), "utf8");
    expect(readme).toMatch(/\| minikube \| 1\.37 or newer/);
  });
});

describe("architecture", () => {
  it.each([
    ["x86_64", "amd64"],
    ["x64", "amd64"],
    ["aarch64", "arm64"],
    ["arm64", "arm64"],
    ["ppc64le", "ppc64le"],
  ])("%s is %s", (raw, arch) => {
    expect(normalizeArch(raw)).toBe(arch);
  });

  it("builds natively where the wheels exist and refuses emulation elsewhere", () => {
    expect(amberBuildPlatform("x86_64")).toEqual({ platform: "linux/amd64" });
    expect(amberBuildPlatform("aarch64")).toEqual({
      problem: expect.stringMatching(/architecture is arm64.*exist only for amd64.*emulated.*amber\.build false/),
    });
  });
});

describe("preflight", () => {
  it("passes a good machine and builds for the running node's architecture", () => {
    const asked: string[] = [];
    expect(runPreflight(config(), fakeProbe({}, asked))).toEqual({ amberPlatform: "linux/amd64" });
    expect(asked).toEqual(["minikube", "docker", "node:kfp-protein-dev"]);
  });

  it("takes this machine's architecture when the profile does not run yet", () => {
    const asked: string[] = [];
    expect(runPreflight(config(), fakeProbe({ nodeArch: undefined, hostArch: "x64" }, asked))).toEqual({
      amberPlatform: "linux/amd64",
    });
    expect(asked).toContain("host");
  });

  it("asks nothing of an existing cluster with a prebuilt image", () => {
    const asked: string[] = [];
    const cfg = config({
      "cluster.minikube.manage": "false",
      "cluster.mode": "existing",
      "amber.build": "false",
      "amber.image": `r/amber@sha256:${"a".repeat(64)}`,
    });
    expect(runPreflight(cfg, fakeProbe({}, asked))).toEqual({});
    expect(asked).toEqual([]);
  });

  it("checks Docker only for the docker driver", () => {
    const asked: string[] = [];
    runPreflight(config({ "cluster.minikube.driver": "kvm2" }), fakeProbe({}, asked));
    expect(asked).not.toContain("docker");
  });

  const problemsFor = (machine: Parameters<typeof fakeProbe>[0], raw: Record<string, unknown> = {}) => {
    const cfg = config(raw);
    return preflightProblems(cfg, gatherFacts(cfg, fakeProbe(machine))).problems;
  };
  const missing: RunResult = { ok: false, missing: true, message: "spawn ENOENT" };

  it.each([
    [
      { minikube: missing },
      /^minikube: not found on PATH; needs 1\.37\.0 or newer for cluster\.minikube\.kubernetesVersion v1\.34\.0\. Fix: install it/,
    ],
    [
      { minikube: { ok: true, stdout: "v1.36.0" } },
      /^minikube: found v1\.36\.0, needs 1\.37\.0 or newer for cluster\.minikube\.kubernetesVersion v1\.34\.0\. Fix: upgrade minikube/,
    ],
    [
      { docker: missing },
      /^docker: not found on PATH; needs a running Docker 18\.9\.0 or newer for cluster\.minikube\.driver docker/,
    ],
    [
      { docker: { ok: true, stdout: "linux-17.12.1" } },
      /^docker: found 17\.12\.1, needs 18\.9\.0 or newer for cluster\.minikube\.driver docker/,
    ],
    [{ docker: { ok: true, stdout: "windows-28.0.0" } }, /^docker: the daemon runs windows containers/],
    [{ nodeArch: "aarch64" }, /^amber\.build: the node's architecture is arm64/],
  ] as [FakeMachine, RegExp][])("%j fails with one clear line", (machine, message) => {
    const problems = problemsFor(machine);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  describe("cluster.minikube.gpus", () => {
    const gpus = { "cluster.minikube.gpus": "all" };
    const nvidia: RunResult = {
      ok: true,
      stdout: '{"nvidia":{"path":"nvidia-container-runtime"},"runc":{"path":"runc"}}',
    };

    it("asks Docker for its runtimes only when GPUs are passed through", () => {
      const asked: string[] = [];
      runPreflight(config(gpus), fakeProbe({ dockerRuntimes: nvidia }, asked));
      expect(asked).toContain("docker-runtimes");
      const plain: string[] = [];
      runPreflight(config(), fakeProbe({}, plain));
      expect(plain).not.toContain("docker-runtimes");
    });

    it("needs Docker's nvidia runtime (the NVIDIA Container Toolkit), naming the key and the fix", () => {
      expect(problemsFor({ dockerRuntimes: nvidia }, gpus)).toEqual([]);
      const problems = problemsFor({}, gpus);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        /^docker: no nvidia runtime \(docker info lists \{"io\.containerd\.runc\.v2".*minikube's --gpus needs the NVIDIA Container Toolkit for cluster\.minikube\.gpus all\. Fix: install it and run sudo nvidia-ctk runtime configure/,
      );
    });

    it("names the GPU requirement beside the Kubernetes one when minikube is too old", () => {
      const problems = problemsFor({ dockerRuntimes: nvidia, minikube: { ok: true, stdout: "v1.31.2" } }, gpus);
      expect(problems).toEqual([
        expect.stringMatching(
          /^minikube: found v1\.31\.2, needs 1\.37\.0 or newer for cluster\.minikube\.kubernetesVersion v1\.34\.0 and cluster\.minikube\.gpus all \(--gpus: 1\.32\.0\+\)/,
        ),
      ]);
    });

    it("takes the stricter of the Kubernetes and the --gpus minimum", () => {
      expect(atLeastAlso({ atLeast: [1, 31, 0] }, [1, 32, 0])).toEqual({ atLeast: [1, 32, 0] });
      expect(atLeastAlso({ atLeast: [1, 37, 0] }, [1, 32, 0])).toEqual({ atLeast: [1, 37, 0] });
      expect(atLeastAlso({ newerThan: [1, 31, 0] }, [1, 32, 0])).toEqual({ atLeast: [1, 32, 0] });
      expect(atLeastAlso({ newerThan: [1, 37, 0] }, [1, 32, 0])).toEqual({ newerThan: [1, 37, 0] });
    });
  });

  it("accepts minikube 1.36 for Kubernetes v1.33.1", () => {
    expect(
      problemsFor({ minikube: { ok: true, stdout: "v1.36.0" } }, { "cluster.minikube.kubernetesVersion": "v1.33.1" }),
    ).toEqual([]);
  });

  it("lists every problem in one error", () => {
    let error: PreflightError | undefined;
    try {
      runPreflight(config(), fakeProbe({ minikube: missing, docker: missing, hostArch: "arm64" }));
    } catch (e) {
      error = e as PreflightError;
    }
    expect(error).toBeInstanceOf(PreflightError);
    expect(error!.problems.map((p) => p.split(":")[0])).toEqual(["minikube", "docker", "amber.build"]);
    expect(error!.message).toMatch(/^Preflight failed \(3 problems\); nothing was created:/);
  });
});

describe("the shell probe", () => {
  it("runs the commands minikube's own checks run, and reads the node only when the profile runs", () => {
    const calls: string[] = [];
    const answers: Record<string, RunResult> = {
      "minikube version --short": { ok: true, stdout: "v1.37.0\n" },
      "docker version --format {{.Server.Os}}-{{.Server.Version}}": { ok: true, stdout: "linux-28.3.2\n" },
      "docker info --format {{json .Runtimes}}": { ok: true, stdout: '{"runc":{}}\n' },
      "minikube status --profile p --format {{.Host}}": { ok: true, stdout: "Running\n" },
      "minikube ssh --profile p -- uname -m": { ok: true, stdout: "x86_64\n" },
      "minikube status --profile stopped --format {{.Host}}": { ok: false, missing: false, message: "exit 7" },
    };
    const run: Runner = (file, args) => {
      const key = [file, ...args].join(" ");
      calls.push(key);
      return answers[key] ?? { ok: false, missing: true, message: "ENOENT" };
    };
    const probe = shellProbe(run, "x64");
    expect(probe.minikubeVersion()).toEqual({ ok: true, stdout: "v1.37.0\n" });
    expect(probe.dockerVersion()).toEqual({ ok: true, stdout: "linux-28.3.2\n" });
    expect(probe.dockerRuntimes()).toEqual({ ok: true, stdout: '{"runc":{}}\n' });
    expect(probe.nodeArch("p")).toBe("x86_64");
    expect(probe.nodeArch("stopped")).toBeUndefined();
    expect(calls).not.toContain("minikube ssh --profile stopped -- uname -m");
    expect(probe.hostArch()).toBe("x64");
  });
});
