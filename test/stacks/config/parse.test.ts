import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { editDistance, flattenConfig, parseStackConfig, StackConfig } from "../../../stacks/config";
import { CONFIG_KEYS } from "../../../stacks/config/schema";
import { configProblems } from "../../fixtures/config-problems";

const KNOWN = {
  pdb_code: "1aki",
  temperature: 300,
  heat_steps: 2500,
  min_vacuo_restraint_weight: 50,
  forcefield: "protein.ff14SB",
  free_md_protocol: "tutorial",
  seed: 71277,
};
const ctx = { stackName: "dev", env: { HOME: "/home/u" }, pipelineParameters: KNOWN };

function parse(raw: Record<string, unknown>): StackConfig {
  return parseStackConfig(raw, ctx);
}

const problemsOf = (raw: Record<string, unknown>): string[] => configProblems(() => parse(raw));

describe("defaults", () => {
  it("give a minikube stack with MinIO, a built image and the tutorial run", () => {
    const cfg = parse({});
    expect(cfg.cluster).toMatchObject({
      mode: "minikube",
      context: "minikube",
      kubeconfigPath: "/home/u/.kube/config",
    });
    expect(cfg.cluster.minikube).toMatchObject({ manage: false, profile: "minikube", cpus: 4 });
    expect(cfg.kfp.source).toEqual({ kind: "remote", version: "2.17.0" });
    expect(cfg.objectStore.kind).toBe("minio");
    expect(cfg.amber).toEqual({ build: true });
    expect(cfg.pipeline).toMatchObject({
      preset: "tutorial",
      pdbCode: "1aki",
      wait: true,
      timeoutSeconds: 240 * 60,
      onDestroy: "archive",
      apiOutageSeconds: 300,
      onPodFault: "terminate",
    });
  });

  it("name a managed minikube profile after the stack", () => {
    expect(parse({ "cluster.minikube.manage": "true" }).cluster).toMatchObject({
      context: "kfp-protein-dev",
      minikube: { profile: "kfp-protein-dev" },
    });
  });

  it("take KUBECONFIG's first entry as the kubeconfig path", () => {
    const raw = {
      "cluster.mode": "existing",
      "amber.build": "false",
      "amber.image": `r/amber@sha256:${"c".repeat(64)}`,
    };
    const cfg = parseStackConfig(raw, { ...ctx, env: { KUBECONFIG: "/a/kc:/b/kc", HOME: "/h" } });
    expect(cfg.cluster).toEqual({ mode: "existing", context: "", kubeconfigPath: "/a/kc" });
  });

  it("accept typed values as well as the strings Pulumi stores", () => {
    const cfg = parse({ "cluster.minikube.cpus": 6, "pipeline.wait": false, "workflowController.metricsPort": "9091" });
    expect(cfg.cluster.minikube!.cpus).toBe(6);
    expect(cfg.pipeline.wait).toBe(false);
    expect(cfg.workflowController.metricsPort).toBe(9091);
  });

  it("resolve a local KFP path and an existing-cluster test setup", () => {
    const cfg = parse({
      "cluster.mode": "existing",
      "cluster.kubeconfig": "/tmp/kc",
      "cluster.context": "kwok",
      "kfp.source": "path",
      "kfp.path": "/srv/kfp",
      "amber.build": "false",
      "amber.image": `localhost:5000/amber@sha256:${"a".repeat(64)}`,
      "kfp.apiEndpoint": "http://127.0.0.1:8888/",
    });
    expect(cfg.kfp.source).toEqual({ kind: "path", path: "/srv/kfp" });
    expect(cfg.kfp.apiEndpoint).toBe("http://127.0.0.1:8888");
    expect(cfg.amber).toEqual({ build: false, image: `localhost:5000/amber@sha256:${"a".repeat(64)}` });
  });

  it("carry pipeline parameter overrides through", () => {
    expect(
      parse({ "pipeline.parameters": '{"temperature": 310, "heat_steps": 100}' }).pipeline.parameterOverrides,
    ).toEqual({ temperature: 310, heat_steps: 100 });
  });
});

describe("bad config", () => {
  const digest = `localhost:5000/amber@sha256:${"b".repeat(64)}`;
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      "a typo'd key, with the closest known key suggested",
      { "cluster.minikube.cpu": "4" },
      /cluster\.minikube\.cpu: unknown config key.*Did you mean "cluster\.minikube\.cpus"/,
    ],
    [
      "an unknown key far from any known one",
      { frobnicate: "x" },
      /frobnicate: unknown config key\. Fix: npm run config -- rm --path frobnicate/,
    ],
    ["a boolean that is not true/false", { "amber.build": "yes" }, /amber\.build: expected true or false, got "yes"/],
    [
      "an integer that is not a number",
      { "cluster.minikube.cpus": "four" },
      /cluster\.minikube\.cpus: expected a whole number/,
    ],
    ["a fractional integer", { "registry.hostPort": "5000.5" }, /registry\.hostPort: expected a whole number/],
    ["an unknown cluster mode", { "cluster.mode": "kind" }, /cluster\.mode: "kind" is not one of minikube, existing/],
    ["a malformed KFP version", { "kfp.version": "2.17" }, /kfp\.version: "2\.17" is not a release version/],
    ["a floating KFP version", { "kfp.version": "latest" }, /kfp\.version: "latest"/],
    ["a KFP 1.x version", { "kfp.version": "1.8.22" }, /not a KFP 2\.x release/],
    ["a path source without a path", { "kfp.source": "path" }, /kfp\.source is "path" but kfp\.path is empty/],
    ["a path given with the remote source", { "kfp.path": "/x" }, /kfp\.path is set but kfp\.source is "remote"/],
    [
      "a metrics port out of range",
      { "workflowController.metricsPort": "70000" },
      /workflowController\.metricsPort: 70000 is out of range 1-65535/,
    ],
    ["a zero host port", { "registry.hostPort": "0" }, /registry\.hostPort: 0 is out of range 1-65535/],
    [
      "a metrics port on the healthz port",
      { "workflowController.metricsPort": "6060" },
      /6060 is the workflow-controller's healthz port/,
    ],
    ["metrics and telemetry on one port", { "workflowController.metricsPort": "8081" }, /both 8081: that is the clash/],
    [
      "a managed minikube with an existing cluster",
      { "cluster.mode": "existing", "cluster.minikube.manage": "true", "amber.build": "false", "amber.image": digest },
      /manage is true but cluster\.mode is "existing"/,
    ],
    [
      "an image build without minikube",
      { "cluster.mode": "existing" },
      /amber\.build is true but cluster\.mode is "existing"/,
    ],
    [
      "an image build without the registry",
      { "registry.enabled": "false" },
      /amber\.build is true but registry\.enabled is false/,
    ],
    ["a given image while building", { "amber.image": digest }, /amber\.image is set but amber\.build is true/],
    ["no image when not building", { "amber.build": "false" }, /amber\.build is false but amber\.image is empty/],
    [
      "an image by tag instead of digest",
      { "amber.build": "false", "amber.image": "localhost:5000/amber:1.0" },
      /amber\.image: "localhost:5000\/amber:1\.0" is not a digest reference/,
    ],
    [
      "a :latest image",
      { "amber.build": "false", "amber.image": "amber:latest" },
      /amber\.image: "amber:latest" is not a digest reference/,
    ],
    ["a short digest", { "amber.build": "false", "amber.image": "amber@sha256:abc" }, /is not a digest reference/],
    [
      "a MinIO image on latest",
      { "minio.image": "quay.io/minio/minio:latest" },
      /minio\.image: "quay\.io\/minio\/minio:latest" is not pinned/,
    ],
    ["a registry image without a tag", { "registry.image": "registry" }, /registry\.image: "registry" is not pinned/],
    ["a PDB code too short", { "pipeline.pdbCode": "1ak" }, /pipeline\.pdbCode: "1ak" is not a PDB ID/],
    [
      "a PDB code not starting with a digit",
      { "pipeline.pdbCode": "zzzz" },
      /pipeline\.pdbCode: "zzzz" is not a PDB ID/,
    ],
    [
      "a negative step count",
      { "pipeline.parameters": '{"heat_steps": -5}' },
      /"heat_steps" must be a whole number of steps from 1 to 2147483647, got -5/,
    ],
    [
      "a fractional step count",
      { "pipeline.parameters": '{"heat_steps": 2.5}' },
      /"heat_steps" must be a whole number of steps from 1/,
    ],
    [
      "a negative restraint weight",
      { "pipeline.parameters": '{"min_vacuo_restraint_weight": -1}' },
      /"min_vacuo_restraint_weight" must not be negative/,
    ],
    [
      "an unknown free-MD protocol",
      { "pipeline.parameters": '{"free_md_protocol": "nve"}' },
      /pipeline\.parameters: "free_md_protocol" must be one of tutorial, npt, got "nve"/,
    ],
    [
      "a seed that is not a whole number",
      { "pipeline.parameters": '{"seed": 1.5}' },
      /pipeline\.parameters: "seed" must be a whole number from 0 to 2147483647, or -1/,
    ],
    [
      "an unknown pipeline parameter",
      { "pipeline.parameters": '{"temprature": 300}' },
      /"temprature" is not a parameter of the protein pipeline/,
    ],
    [
      "a parameter of the wrong type",
      { "pipeline.parameters": '{"temperature": "hot"}' },
      /"temperature" must be a number/,
    ],
    [
      "parameters that are not JSON",
      { "pipeline.parameters": "{temperature: 300" },
      /pipeline\.parameters: not valid JSON/,
    ],
    ["parameters that are a JSON list", { "pipeline.parameters": "[1,2]" }, /must be a JSON object/],
    [
      "the PDB code as a parameter override",
      { "pipeline.parameters": '{"pdb_code": "2lzm"}' },
      /set the PDB code with pipeline\.pdbCode/,
    ],
    [
      "a malformed minikube memory",
      { "cluster.minikube.memory": "8 gigs" },
      /cluster\.minikube\.memory: "8 gigs" is not a size/,
    ],
    [
      "too few minikube CPUs",
      { "cluster.minikube.cpus": "1" },
      /cluster\.minikube\.cpus: 1 is out of range 2-1024 \(minikube's minimum is 2/,
    ],
    ["a malformed Kubernetes version", { "cluster.minikube.kubernetesVersion": "1.34" }, /must look like v1\.34\.0/],
    [
      "an unknown minikube driver",
      { "cluster.minikube.driver": "hyperv2" },
      /cluster\.minikube\.driver: "hyperv2" is not one of/,
    ],
    ["a malformed PVC size", { "minio.storage": "20 GB" }, /minio\.storage: "20 GB" is not a Kubernetes quantity/],
    [
      "a non-positive run timeout",
      { "pipeline.timeoutMinutes": "0" },
      /pipeline\.timeoutMinutes: 0 is out of range 1-35791/,
    ],
    [
      "a negative API outage window",
      { "pipeline.apiOutageSeconds": "-1" },
      /pipeline\.apiOutageSeconds: -1 is out of range 0-2147483 \(0 means no outage retries/,
    ],
    [
      "an unknown destroy mode",
      { "pipeline.onDestroy": "keep" },
      /pipeline\.onDestroy: "keep" is not one of archive, delete/,
    ],
    [
      "an unknown stuck-pod action",
      { "pipeline.onPodFault": "ignore" },
      /pipeline\.onPodFault: "ignore" is not one of leave, terminate/,
    ],
    [
      "an unknown preset",
      { "pipeline.preset": "huge" },
      /pipeline\.preset: "huge" is not one of tutorial, short, tiny, production/,
    ],
    [
      "an API endpoint that is not a URL",
      { "kfp.apiEndpoint": "localhost:8888" },
      /kfp\.apiEndpoint: "localhost:8888" is not an http\(s\) URL/,
    ],
    [
      "a readiness timeout too short to start KFP",
      { "kfp.readinessTimeoutSeconds": "5" },
      /kfp\.readinessTimeoutSeconds: 5 is out of range 60-2147483 \(KFP needs minutes to start/,
    ],
    ["an unknown object store", { "objectStore.kind": "s3" }, /objectStore\.kind: "s3" is not one of minio, seaweedfs/],
    [
      "a context that differs from the managed profile",
      { "cluster.minikube.manage": "true", "cluster.context": "other" },
      /cluster\.context "other" differs from the managed profile/,
    ],
    ["an empty pipeline name", { "pipeline.name": "  " }, /pipeline\.name is empty/],
  ];

  it.each(cases)("rejects %s", (_label, raw, expected) => {
    const problems = problemsOf(raw);
    expect(problems.some((p) => expected.test(p))).toBe(true);
  });

  it("lists every problem in one error instead of stopping at the first", () => {
    const problems = problemsOf({
      "kfp.version": "x",
      "pipeline.pdbCode": "1",
      "workflowController.metricsPort": "0",
      "amber.build": "maybe",
    });
    expect(problems).toHaveLength(4);
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "amber.build",
      "kfp.version",
      "pipeline.pdbCode",
      "workflowController.metricsPort",
    ]);
  });

  it("says in its message that nothing was created and lists each problem on its own line", () => {
    expect(() => parse({ "kfp.version": "x", "cluster.mode": "y" })).toThrow(
      /2 problems\); nothing was created:\n {2}- cluster\.mode.*\n {2}- kfp\.version/s,
    );
  });

  it("rejects a stack name that cannot name cluster objects", () => {
    expect(() => parseStackConfig({}, { ...ctx, stackName: "my_stack!" })).toThrow(
      /stack name "my_stack!" must be a DNS label/,
    );
  });
});

describe("pipeline.pdbCodes (a batch)", () => {
  it("is off when empty (the declared default): one protein, pipeline.pdbCode", () => {
    expect(parse({}).pipeline.pdbCodes).toBeUndefined();
    expect(parse({ "pipeline.pdbCodes": [] }).pipeline.pdbCodes).toBeUndefined();
  });

  it.each([
    ["a list, as the engine hands a --path value", ["1AKI", "4e43"]],
    ["JSON text", '["1aki", "4E43"]'],
    ["comma-separated text", "1aki, 4e43"],
  ])("reads %s, lower-cased, with the default parallelism", (_what, value) => {
    expect(parse({ "pipeline.pdbCodes": value }).pipeline).toMatchObject({
      pdbCodes: ["1aki", "4e43"],
      parallelism: 2,
    });
  });

  it("reads the list as the engine hands it (checked with the 3.248.0 engine: set --path 'pipeline.pdbCodes[0]')", () => {
    const all = { "kfp-protein-stack:pipeline": '{"parallelism":2,"pdbCode":"1aki","pdbCodes":["1AKI","4e43"]}' };
    expect(parse(flattenConfig(all, "kfp-protein-stack")).pipeline).toMatchObject({ pdbCodes: ["1aki", "4e43"] });
  });

  it("takes pipeline.parallelism", () => {
    expect(parse({ "pipeline.pdbCodes": ["1aki"], "pipeline.parallelism": "4" }).pipeline.parallelism).toBe(4);
  });

  it("reports every bad entry at once, naming the key and the fix", () => {
    expect(problemsOf({ "pipeline.pdbCodes": ["1aki", "1ak", "zzzz", "1AKI"], "pipeline.parallelism": "-1" })).toEqual([
      "pipeline.parallelism: -1 is out of range 0-2147483647 (0 means no limit; the pipeline spec holds a 32-bit integer). Fix: npm run config -- set --path pipeline.parallelism 2",
      'pipeline.pdbCodes: "1ak" is not a PDB ID (4 characters: a digit then 3 letters or digits, e.g. 1aki).',
      'pipeline.pdbCodes: "zzzz" is not a PDB ID (4 characters: a digit then 3 letters or digits, e.g. 1aki).',
      "pipeline.pdbCodes: 1aki listed more than once. Fix: list each protein once.",
    ]);
  });

  it("rejects a blank entry", () => {
    expect(problemsOf({ "pipeline.pdbCodes": ["1aki", " "] })).toEqual([
      'pipeline.pdbCodes: "" is not a PDB ID (4 characters: a digit then 3 letters or digits, e.g. 1aki).',
    ]);
  });

  it("rejects what is not a list of strings", () => {
    expect(problemsOf({ "pipeline.pdbCodes": [1, 2] })[0]).toMatch(
      /^pipeline\.pdbCodes: expected a list of strings, got \[1,2\]/,
    );
  });
});

describe("Pulumi.yaml", () => {
  const project = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "Pulumi.yaml"), "utf8"));

  it("declares exactly the keys the config module reads", () => {
    expect(Object.keys(project.config).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
  });

  it.each(Object.entries(CONFIG_KEYS))("declares %s with the same type and default", (key, spec) => {
    expect(project.config[key].type).toBe(spec.type);
    expect(project.config[key].default).toEqual(spec.default);
    if (spec.items) expect(project.config[key].items).toEqual({ type: spec.items });
    expect(project.config[key].description.length).toBeGreaterThan(10);
  });

  it("has a dev stack whose config parses cleanly", () => {
    const dev = YAML.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "Pulumi.dev.yaml"), "utf8")).config;
    // As the engine hands structured values to the program: one JSON object per top-level key.
    const all = Object.fromEntries(
      Object.entries(dev).map(([k, v]) => [k, typeof v === "object" ? JSON.stringify(v) : String(v)]),
    );
    const cfg = parse(flattenConfig(all, "kfp-protein-stack"));
    expect(cfg.cluster.minikube!.manage).toBe(true);
    expect(cfg.cluster.minikube!.memory).toBe("10g");
    expect(cfg.workflowController.metricsPort).toBe(9091);
  });
});

describe("structured config (set with --path)", () => {
  it("flattens the objects the engine hands over into dotted keys", () => {
    const all = {
      "kfp-protein-stack:cluster": '{"mode":"existing","minikube":{"manage":false,"cpus":4}}',
      "kfp-protein-stack:kfp": '{"version":"2.17.0"}',
      "kubernetes:context": "elsewhere",
    };
    expect(flattenConfig(all, "kfp-protein-stack")).toEqual({
      "cluster.mode": "existing",
      "cluster.minikube.manage": false,
      "cluster.minikube.cpus": 4,
      "kfp.version": "2.17.0",
    });
  });

  it("lets a key set without --path win over the declared default's object", () => {
    const all = { "kfp-protein-stack:cluster": '{"mode":"minikube"}', "kfp-protein-stack:cluster.mode": "existing" };
    expect(flattenConfig(all, "kfp-protein-stack")).toEqual({ "cluster.mode": "existing" });
  });

  it("keeps JSON strings that are values, not config objects", () => {
    const all = { "kfp-protein-stack:pipeline.parameters": '{"temperature": 310}' };
    expect(flattenConfig(all, "kfp-protein-stack")).toEqual({ "pipeline.parameters": '{"temperature": 310}' });
  });

  it("reports a misspelt nested key with the nearest known one", () => {
    const raw = flattenConfig({ "kfp-protein-stack:cluster": '{"minikube":{"cpu":4}}' }, "kfp-protein-stack");
    expect(problemsOf(raw)).toEqual([
      expect.stringMatching(/^cluster\.minikube\.cpu: unknown config key\. Did you mean "cluster\.minikube\.cpus"/),
    ]);
  });
});

describe("misc", () => {
  it("measures edit distance", () => {
    expect(editDistance("cluster.minikube.cpu", "cluster.minikube.cpus")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });
});
