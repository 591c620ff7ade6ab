import { parseStackConfig, StackConfig } from "../../../stacks/config";
import { parseToleration } from "../../../stacks/config/step-resources";
import { DEFAULT_STEP_RESOURCES } from "../../../pipelines/protein";
import { knownPipelineParameters } from "../../../pipelines/protein/parameters";
import { configProblems } from "../../fixtures/config-problems";

// md_engine/md_platform as the OpenMM engine's pipeline parameters will add them (pipelines/protein/presets.ts).
const KNOWN = { ...knownPipelineParameters(), md_engine: "sander", md_platform: "auto" };
const ctx = { stackName: "dev", env: { HOME: "/home/u" }, pipelineParameters: KNOWN };
const OPENMM = { "pipeline.parameters": '{"md_engine": "openmm"}' };
const GPU_NODE = { "cluster.minikube.manage": "true", "cluster.minikube.gpus": "all" };

const parse = (raw: Record<string, unknown>): StackConfig => parseStackConfig(raw, ctx);

const problemsOf = (raw: Record<string, unknown>): string[] => configProblems(() => parse(raw));

describe("pipeline.resources.<class>", () => {
  it("defaults to the step classes' built-in requests and limits, no GPU, no placement", () => {
    expect(parse({}).pipeline.resources).toEqual(DEFAULT_STEP_RESOURCES);
  });

  it("reads quantities, a GPU with its type, node labels and tolerations into the builder's resources", () => {
    const cfg = parse({
      ...OPENMM,
      ...GPU_NODE,
      "pipeline.resources.md.cpuRequest": "4",
      "pipeline.resources.md.cpuLimit": "8",
      "pipeline.resources.md.memoryLimit": "8Gi",
      "pipeline.resources.md.gpu": "2",
      "pipeline.resources.md.gpuType": "nvidia.com/mig-1g.10gb",
      "pipeline.resources.md.nodeSelector": ["nvidia.com/gpu.present=true", "pool=gpu"],
      "pipeline.resources.md.tolerations": '["nvidia.com/gpu:NoSchedule", "dedicated=md:NoExecute"]',
      "pipeline.resources.light.cpuLimit": "",
    });
    expect(cfg.pipeline.resources.md).toEqual({
      cpuRequest: "4",
      cpuLimit: "8",
      memoryRequest: "512Mi",
      memoryLimit: "8Gi",
      accelerator: { type: "nvidia.com/mig-1g.10gb", count: 2 },
      nodeSelector: { "nvidia.com/gpu.present": "true", pool: "gpu" },
      tolerations: [
        { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
        { key: "dedicated", operator: "Equal", value: "md", effect: "NoExecute" },
      ],
    });
    expect(cfg.pipeline.resources.light).not.toHaveProperty("cpuLimit");
    expect(cfg.cluster.minikube?.gpus).toBe("all");
  });

  it("reports every bad quantity, count and placement at once, naming each key", () => {
    const problems = problemsOf({
      "pipeline.resources.md.cpuLimit": "two",
      "pipeline.resources.md.memoryRequest": "4GB",
      "pipeline.resources.analysis.memoryRequest": "0",
      "pipeline.resources.light.cpuRequest": "2",
      "pipeline.resources.light.cpuLimit": "500m",
      "pipeline.resources.md.gpu": "-1",
      "pipeline.resources.analysis.gpu": "1",
      "pipeline.resources.md.gpuType": "gpu",
      "pipeline.resources.md.nodeSelector": ["gpu"],
      "pipeline.resources.md.tolerations": ["nvidia.com/gpu:Sometimes"],
    });
    expect(problems).toEqual([
      'pipeline.resources.md.cpuLimit: "two" is not a positive CPU quantity such as 1, 0.5 or 500m.',
      'pipeline.resources.md.memoryRequest: "4GB" is not a positive memory quantity such as 512Mi, 2Gi or 1G.',
      "pipeline.resources.md.gpu: -1 must be 0 (no GPU) or a positive count.",
      'pipeline.resources.md.gpuType: "gpu" is not an extended resource name such as nvidia.com/gpu (domain/name).',
      'pipeline.resources.md.nodeSelector: "gpu" is not a node label key=value such as nvidia.com/gpu.present=true.',
      'pipeline.resources.md.tolerations: "nvidia.com/gpu:Sometimes": the effect "Sometimes" is not one of NoSchedule, PreferNoSchedule, NoExecute.',
      'pipeline.resources.analysis.memoryRequest: "0" is not a positive memory quantity such as 512Mi, 2Gi or 1G.',
      "pipeline.resources.analysis.gpu: 1, but no analysis step uses a GPU (only MD steps on OpenMM do). Fix: npm run config -- rm --path pipeline.resources.analysis.gpu",
      "pipeline.resources.light.cpuRequest 2 is above pipeline.resources.light.cpuLimit 500m: Kubernetes refuses such a pod. Fix: raise the limit or lower the request.",
    ]);
  });

  it("takes CPU quantities the engine hands over as numbers (checked with the 3.248.0 engine)", () => {
    const md = parse({ "pipeline.resources.md.cpuRequest": 1, "pipeline.resources.md.cpuLimit": 4 }).pipeline.resources
      .md;
    expect(md).toMatchObject({ cpuRequest: "1", cpuLimit: "4" });
  });

  it("parses tolerations as kubectl taint writes taints", () => {
    expect(parseToleration("nvidia.com/gpu")).toEqual({ key: "nvidia.com/gpu", operator: "Exists" });
    expect(parseToleration("pool=gpu")).toEqual({ key: "pool", operator: "Equal", value: "gpu" });
    expect(parseToleration("=x:NoSchedule")).toMatch(/has no valid taint key/);
  });
});

describe("a GPU and the MD engine", () => {
  it("rejects a GPU for sander, naming both keys and the ways out", () => {
    const problems = problemsOf({ ...GPU_NODE, "pipeline.resources.md.gpu": "1" });
    expect(problems).toEqual([
      "pipeline.resources.md.gpu is 1 but md_engine is sander (from pipeline.preset tutorial), which runs on CPUs only and would leave the GPU idle. Fix: npm run config -- set --path pipeline.preset production (OpenMM), or set md_engine to openmm in pipeline.parameters, or npm run config -- set --path pipeline.resources.md.gpu 0",
    ]);
    expect(
      problemsOf({ ...GPU_NODE, "pipeline.resources.md.gpu": "1", "pipeline.parameters": '{"md_engine":"sander"}' })[0],
    ).toContain("md_engine is sander (from pipeline.parameters)");
  });

  it("accepts a GPU for OpenMM, and rejects OpenMM's CUDA platform without one", () => {
    expect(
      parse({ ...OPENMM, ...GPU_NODE, "pipeline.resources.md.gpu": "1" }).pipeline.resources.md.accelerator,
    ).toEqual({ type: "nvidia.com/gpu", count: 1 });
    expect(problemsOf({ "pipeline.parameters": '{"md_engine":"openmm","md_platform":"cuda"}' })).toEqual([
      'md_platform is cuda (pipeline.parameters) but pipeline.resources.md.gpu is 0, so no MD pod would get a GPU. Fix: npm run config -- set --path pipeline.resources.md.gpu 1, or set md_platform to "auto" or "cpu"',
    ]);
  });

  it("rejects a GPU the stack's own minikube node would not have", () => {
    expect(problemsOf({ ...OPENMM, "cluster.minikube.manage": "true", "pipeline.resources.md.gpu": "1" })).toEqual([
      "pipeline.resources.md.gpu is 1 but the stack's minikube profile is started without GPUs (cluster.minikube.gpus is unset), so MD pods would stay Pending. Fix: npm run config -- set --path cluster.minikube.gpus all",
    ]);
    expect(() =>
      parse({
        ...OPENMM,
        "cluster.mode": "existing",
        "amber.build": "false",
        "amber.image": `r/a@sha256:${"a".repeat(64)}`,
        "pipeline.resources.md.gpu": "1",
      }),
    ).not.toThrow();
  });
});

describe("cluster.minikube.gpus", () => {
  it("takes all or nvidia with the docker driver, naming the key and the allowed values otherwise", () => {
    expect(parse({ "cluster.minikube.gpus": "nvidia" }).cluster.minikube?.gpus).toBe("nvidia");
    expect(parse({}).cluster.minikube).not.toHaveProperty("gpus");
    expect(problemsOf({ "cluster.minikube.gpus": "amd" })).toEqual([
      'cluster.minikube.gpus: "amd" is not one of all, nvidia. Fix: npm run config -- set --path cluster.minikube.gpus all',
    ]);
    expect(problemsOf({ "cluster.minikube.gpus": "all", "cluster.minikube.driver": "kvm2" })).toEqual([
      'cluster.minikube.gpus is "all" but cluster.minikube.driver is "kvm2": minikube passes GPUs through with the docker driver only. Fix: npm run config -- set --path cluster.minikube.driver docker, or npm run config -- rm --path cluster.minikube.gpus',
    ]);
  });
});
