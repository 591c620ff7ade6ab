import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError, flattenConfig, parseStackConfig, PROJECT, StackConfig } from "../../../stacks/config";
import { nodeFileAccess } from "../../../stacks/config/files";
import { knownPipelineParameters } from "../../../pipelines/protein/parameters";
import { SHARED_KFP_DIR } from "../../fixtures/shared-kfp";

const ctx = { stackName: "dev", env: { HOME: "/nonexistent-home" }, pipelineParameters: knownPipelineParameters() };
const parse = (raw: Record<string, unknown>, stackName = "dev"): StackConfig =>
  parseStackConfig(raw, { ...ctx, stackName, files: nodeFileAccess });

function problemsOf(raw: Record<string, unknown>, stackName = "dev"): string[] {
  try {
    parse(raw, stackName);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
  throw new Error("expected a ConfigError");
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "config-bounds-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("values a later layer would refuse are config problems", () => {
  it.each(["kfp.mysqlStorage", "minio.storage", "registry.storage"])("%s of 0 (an empty volume)", (key) => {
    expect(problemsOf({ [key]: "0" })).toEqual([expect.stringMatching(new RegExp(`^${key}: "0" is no storage`))]);
    expect(problemsOf({ [key]: "0Gi" })).toEqual([expect.stringMatching(new RegExp(`^${key}: "0Gi" is no storage`))]);
  });

  it("a storage size beyond what a Kubernetes quantity holds", () => {
    expect(problemsOf({ "minio.storage": "9000000Ei" })).toEqual([
      expect.stringMatching(/^minio\.storage: "9000000Ei" is more than a Kubernetes quantity holds/),
    ]);
  });

  it("pipeline.parallelism of 2^31, which the pipeline spec's int32 cannot hold (2^31-1 can)", () => {
    expect(problemsOf({ "pipeline.parallelism": String(2 ** 31) })).toEqual([
      expect.stringMatching(/^pipeline\.parallelism: 2147483648 is out of range 0-2147483647/),
    ]);
    expect(parse({ "pipeline.parallelism": String(2 ** 31 - 1) }).pipeline.parallelism).toBe(2 ** 31 - 1);
  });

  it.each([
    ["cluster.minikube.cpus", "1000000000000000000000000"],
    ["cluster.minikube.cpus", 1e23],
    ["kfp.readinessTimeoutSeconds", 1e21],
    ["pipeline.timeoutMinutes", "100000000000000000000000"],
  ])("%s = %s, never passed on as 1e+23", (key, value) => {
    expect(problemsOf({ [key]: value })).toEqual([
      expect.stringMatching(new RegExp(`^${key}: expected a whole number`)),
    ]);
  });

  it.each([
    ["cluster.minikube.cpus", "2000", /out of range 2-1024/],
    ["kfp.readinessTimeoutSeconds", "2147484", /out of range 60-2147483/],
    ["pipeline.timeoutMinutes", "35792", /out of range 1-35791/],
  ])("%s = %s, beyond what minikube or a timer takes", (key, value, message) => {
    expect(problemsOf({ [key]: value })).toEqual([expect.stringMatching(message)]);
  });

  it.each(["__proto__", "constructor", "toString", "hasOwnProperty"])(
    "pipeline.parameters naming %s: an unknown parameter, not a way around the check",
    (name) => {
      expect(problemsOf({ "pipeline.parameters": `{"${name}": {"temperature": 1}}` })).toEqual([
        expect.stringMatching(
          new RegExp(`^pipeline\\.parameters: "${name}" is not a parameter of the protein pipeline`),
        ),
      ]);
    },
  );

  it("a parameter of 1e400, which JSON reads as Infinity and a run would carry as null", () => {
    expect(problemsOf({ "pipeline.parameters": '{"temperature": 1e400}' })).toEqual([
      'pipeline.parameters: "temperature" must be a finite number, got Infinity.',
    ]);
  });

  it("a step count beyond sander's 32-bit integers", () => {
    expect(problemsOf({ "pipeline.parameters": '{"heat_steps": 1e21}' })).toEqual([
      expect.stringMatching(/"heat_steps" must be a whole number of steps from 1 to 2147483647, got 1e\+21/),
    ]);
  });

  it("traj_interval 0: the free MD writes no frame and the analyses fail at run time", () => {
    expect(problemsOf({ "pipeline.parameters": '{"traj_interval": 0}' })).toEqual([
      expect.stringMatching(/^pipeline\.parameters: "traj_interval" must be a whole number of steps from 1/),
    ]);
  });

  it("traj_interval beyond free_steps, the preset's or the overridden", () => {
    expect(problemsOf({ "pipeline.parameters": '{"traj_interval": 3000}' })).toEqual([
      expect.stringMatching(/"traj_interval" 3000 is more than "free_steps" 2500/),
    ]);
    expect(problemsOf({ "pipeline.parameters": '{"free_steps": 10}' })).toEqual([
      expect.stringMatching(/"traj_interval" 500 is more than "free_steps" 10/),
    ]);
    expect(parse({ "pipeline.parameters": '{"traj_interval": 10, "free_steps": 10}' }).pipeline).toBeDefined();
  });

  it.each([
    ["minio.image", "a port over 65535", "quay.io:70000/minio/minio:1.0", /port 70000 is outside 1-65535/],
    ["registry.image", "a name over 255 characters", `r/${"a".repeat(255)}:1`, /its name is longer than 255/],
    ["registry.proxyImage", "an uppercase path", "Nginx:1.29", /not \[host\[:port\]\/\]path/],
  ])("%s with %s: no image reference", (key, _what, image, why) => {
    expect(problemsOf({ [key]: image })).toEqual([expect.stringMatching(new RegExp(`^${key}: .*`))]);
    expect(problemsOf({ [key]: image })[0]).toMatch(why);
  });

  it("an amber.image with a port over 65535", () => {
    const image = `localhost:99999/amber@sha256:${"a".repeat(64)}`;
    expect(problemsOf({ "amber.build": "false", "amber.image": image })).toEqual([
      expect.stringMatching(/^amber\.image: .* is not a digest reference \(port 99999 is outside 1-65535\)/),
    ]);
  });

  it("a kfp.apiEndpoint with a port over 65535", () => {
    expect(problemsOf({ "kfp.apiEndpoint": "http://localhost:70000" })).toEqual([
      expect.stringMatching(/^kfp\.apiEndpoint: "http:\/\/localhost:70000" is not an http\(s\) URL/),
    ]);
  });

  it("a stack name whose derived minikube profile exceeds a DNS label's 63 characters", () => {
    const stack = "s".repeat(55);
    expect(problemsOf({ "cluster.minikube.manage": "true" }, stack)).toEqual([
      expect.stringMatching(
        /^cluster\.minikube\.profile: "kfp-protein-s+" \(derived from the stack name\) must be a DNS label/,
      ),
    ]);
    expect(problemsOf({}, "s".repeat(64))).toEqual([expect.stringMatching(/^the stack name "s+" must be a DNS label/)]);
  });

  it("a minikube memory of 0", () => {
    expect(problemsOf({ "cluster.minikube.memory": "0g" })).toEqual([
      'cluster.minikube.memory: "0g" is not a size such as 8g or 8192m.',
    ]);
  });
});

describe("keys and values of any shape are config problems naming the key", () => {
  it("an empty key", () => {
    const raw = flattenConfig({ [`${PROJECT}:`]: "x" }, PROJECT);
    expect(problemsOf(raw)).toEqual([expect.stringMatching(/^"": unknown config key \(an empty key\)/)]);
  });

  it("an unknown key whose fix command a shell would run as a command substitution", () => {
    expect(problemsOf({ "$(touch x)": "1" })).toEqual([
      `"$(touch x)": unknown config key. Fix: npm run config -- rm --path '$(touch x)' (known keys are listed in Pulumi.yaml and README).`,
    ]);
  });

  it.each(["toString", "constructor", "__proto__"])("a config key %s (an Object.prototype name)", (key) => {
    const raw = flattenConfig({ [`${PROJECT}:${key}`]: "x" }, PROJECT);
    expect(problemsOf(raw)).toEqual([expect.stringMatching(new RegExp(`^${key}: unknown config key`))]);
  });

  it("a deeply nested value, without overflowing the stack", () => {
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const raw = flattenConfig({ [`${PROJECT}:cluster`]: deep, [`${PROJECT}:pipeline.parameters`]: deep }, PROJECT);
    const problems = problemsOf(raw);
    expect(problems[0]).toMatch(/^cluster\.a\.a\.a\.a\.a\.a\.a: unknown config key/);
    expect(problems[1]).toMatch(/^pipeline\.parameters: "a" is not a parameter/);
    expect(problemsOf({ "pipeline.pdbCodes": JSON.parse(`${"[".repeat(50_000)}${"]".repeat(50_000)}`) })).toEqual([
      expect.stringMatching(/^pipeline\.pdbCodes: expected a list of strings, got a list/),
    ]);
  });

  it("a kubeconfig path that is a directory (EISDIR)", () => {
    expect(problemsOf({ "cluster.kubeconfig": tmp })).toEqual([
      expect.stringMatching(/^cluster\.kubeconfig: ".*" is a directory where a file is expected \(EISDIR\)/),
    ]);
  });

  it("a kfp.path of /dev/zero, never read to its (missing) end", () => {
    expect(problemsOf({ "kfp.source": "path", "kfp.path": "/dev/zero" })).toEqual([
      expect.stringMatching(/^kfp\.path: "\/dev\/zero" is not a regular file/),
    ]);
  });

  it("a kfp.path directory whose .yaml entry is a directory", () => {
    const dir = path.join(tmp, "manifests");
    fs.mkdirSync(path.join(dir, "nested.yaml"), { recursive: true });
    expect(problemsOf({ "kfp.source": "path", "kfp.path": dir })).toEqual([
      expect.stringMatching(/^kfp\.path: ".*nested\.yaml" is a directory where a file is expected/),
    ]);
  });

  it("a problem with a file names its whole path, however long", () => {
    const dir = path.join(tmp, "a-folder-name-long-enough-that-the-path-is-over-eighty-characters", "manifests");
    fs.mkdirSync(path.join(dir, "nested.yaml"), { recursive: true });
    expect(problemsOf({ "kfp.source": "path", "kfp.path": dir })).toEqual([
      `kfp.path: ${JSON.stringify(path.join(dir, "nested.yaml"))} is a directory where a file is expected (EISDIR). ` +
        "Fix: npm run config -- set --path kfp.path <file>",
    ]);
  });

  it("kfp.version that differs from the release of the manifests at kfp.path", () => {
    expect(problemsOf({ "kfp.source": "path", "kfp.path": SHARED_KFP_DIR, "kfp.version": "2.16.0" })).toEqual([
      expect.stringMatching(
        /^kfp\.version: "2\.16\.0" differs from the release of the manifests at kfp\.path \(2\.17\.0\)/,
      ),
    ]);
    expect(parse({ "kfp.source": "path", "kfp.path": SHARED_KFP_DIR }).kfp.version).toBe("2.17.0");
  });
});
