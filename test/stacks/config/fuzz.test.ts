/**
 * Random and adversarial stack configs: every outcome is an accepted config or a ConfigError whose every
 * problem names its key, and every accepted config gives values a Kubernetes API server takes (../../fakes/kube-rules).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import fc from "fast-check";
import {
  CONFIG_KEYS,
  ConfigError,
  flattenConfig,
  parseStackConfig,
  PROJECT,
  StackConfig,
} from "../../../stacks/config";
import { nodeFileAccess } from "../../../stacks/config/files";
import { knownPipelineParameters, pipelineParameters } from "../../../pipelines/protein/parameters";
import { isContainerImage, isDns1123Label, isPort, storageRequestProblem } from "../../fakes/kube-rules";
import { SHARED_KFP_DIR } from "../../fixtures/shared-kfp";

const home = fs.mkdtempSync(path.join(os.tmpdir(), "config-fuzz-"));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
const KNOWN_KEYS = Object.keys(CONFIG_KEYS);
const sha = "a".repeat(64);
const deepObject = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

const adversarialText = fc.constantFrom(
  ...["", " ", "0", "-1", "1", "2", "4", "60", "600", "65535", "65536", "2147483647", "2147483648", "35791"],
  ...["1e+23", "1e21", "1e400", "NaN", "Infinity", "5000.5", "true", "false", "yes", "null"],
  ...["0Gi", "10Gi", "0.5", "1.5Gi", "20 GB", "9000000Ei", "8g", "0g", "40g", "v1.34.0", "docker", "2.17.0", "2.16.0"],
  ...["minikube", "existing", "remote", "path", "minio", "seaweedfs", "archive", "tiny", "short", "1aki", "zzzz"],
  ...["my--image:1", "a__b:1", "[::1]:5000/x:1", "quay.io:70000/x:1", "nginx:latest", `l:5000/amber@sha256:${sha}`],
  ...[`r/${"a".repeat(260)}:1`, "http://localhost:8888", "http://u:p@h:1/x", "http://h:70000", "localhost:8888"],
  ...["/dev/zero", home, SHARED_KFP_DIR, "/nonexistent/kubeconfig", "/etc/passwd/x"],
  ...['{"__proto__":{"temperature":1}}', '{"constructor":1}', '{"toString":"x"}', '{"temperature":1e400}'],
  ...['{"traj_interval":0}', '{"free_steps":10}', '{"heat_steps":1e21}', '{"seed":-1}', "[1,2]", '["1aki","4e43"]'],
  ...['{"mode":"existing"}', '{"minikube":{"cpus":"1e+23"}}', '{"":1}'],
);
const text = fc.oneof(
  { weight: 6, arbitrary: adversarialText },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map(deepObject) },
);
/** Values as the engine may hand them: text, or typed JSON values. */
const value = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const key = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...KNOWN_KEYS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("", "__proto__", "constructor", "toString", "cluster", "cluster.minikube.cpus.x"),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);
const stackName = fc.oneof(
  { weight: 4, arbitrary: fc.constant("dev") },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,69}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 70 }) },
);
/** A config as parseStackConfig gets it, straight or through flattenConfig from the engine's text. */
const rawConfig = fc.oneof(
  fc.dictionary(key, value, { maxKeys: 5 }),
  fc
    .dictionary(key, text, { maxKeys: 5 })
    .map((all) =>
      flattenConfig(Object.fromEntries(Object.entries(all).map(([k, v]) => [`${PROJECT}:${k}`, v])), PROJECT),
    ),
);

/** The problem begins with a key it was given, a known key, or the stack name, as the key or quoted. */
function namesAKey(problem: string, given: string[]): boolean {
  const names = [...KNOWN_KEYS, ...given].flatMap((k) => [k, JSON.stringify(k).slice(0, 60)]);
  return (
    problem.startsWith("the stack name ") ||
    names.some(
      (n) => problem.startsWith(`${n}:`) || problem.startsWith(`${n} `) || (n.length > 50 && problem.startsWith(n)),
    )
  );
}

/** What an API server (or the program reading a value as text) would refuse of an accepted config. */
function kubeProblems(cfg: StackConfig): string[] {
  const problems: string[] = [];
  const storages: [string, string][] = [
    ["kfp.mysqlStorage", cfg.kfp.mysqlStorage],
    ["registry.storage", cfg.registry.storage],
  ];
  if (cfg.objectStore.kind === "minio") storages.push(["minio.storage", cfg.objectStore.storage]);
  for (const [k, q] of storages) {
    const problem = storageRequestProblem(q);
    if (problem) problems.push(`${k}: ${problem}`);
  }
  if (cfg.cluster.minikube && !isDns1123Label(cfg.cluster.minikube.profile)) problems.push("minikube profile");
  for (const port of [cfg.registry.hostPort, cfg.workflowController.metricsPort, cfg.workflowController.telemetryPort])
    if (!isPort(port)) problems.push(`port ${port}`);
  const images = [cfg.registry.image, cfg.registry.proxyImage];
  if (cfg.objectStore.kind === "minio") images.push(cfg.objectStore.image);
  if (!cfg.amber.build) images.push(cfg.amber.image);
  for (const image of images) if (!isContainerImage(image)) problems.push(`image ${JSON.stringify(image)}`);
  // Written as text into annotations, flags and the pipeline spec's int32, or used as a timer's milliseconds.
  const integers = {
    cpus: cfg.cluster.minikube?.cpus ?? 2,
    readiness: cfg.kfp.readinessTimeoutSeconds,
    parallelism: cfg.pipeline.parallelism,
  };
  for (const [name, n] of Object.entries(integers))
    if (!/^\d+$/.test(String(n)) || n > 2 ** 31 - 1) problems.push(`${name} ${n}`);
  for (const ms of [cfg.kfp.readinessTimeoutSeconds * 1000, cfg.pipeline.timeoutSeconds * 1000])
    if (!(ms > 0 && ms <= 2 ** 31 - 1)) problems.push(`timer ${ms} ms`);
  for (const [name, v] of Object.entries(pipelineParameters(cfg.pipeline))) {
    if (typeof v === "number" && !Number.isFinite(v)) problems.push(`parameter ${name} ${v}`);
  }
  return problems;
}

describe("any config is accepted or refused naming its keys (fast-check)", () => {
  it("never throws anything else, and what it accepts a Kubernetes API server takes", () => {
    let accepted = 0;
    fc.assert(
      fc.property(rawConfig, stackName, (raw, stack) => {
        let cfg: StackConfig;
        try {
          cfg = parseStackConfig(raw, {
            stackName: stack,
            env: { HOME: home },
            pipelineParameters: knownPipelineParameters(),
            files: nodeFileAccess,
          });
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          const unnamed = e.problems.filter((p) => !namesAKey(p, Object.keys(raw)));
          if (unnamed.length > 0) throw new Error(`problems naming no key: ${unnamed.join(" | ")}`);
          return;
        }
        accepted++;
        expect(kubeProblems(cfg)).toEqual([]);
      }),
      { numRuns: 400 },
    );
    // The generators reach both outcomes (a property over refusals only would prove little).
    expect(accepted).toBeGreaterThan(20);
  });
});
