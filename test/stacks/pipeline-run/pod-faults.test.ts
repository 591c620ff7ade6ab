import { compileBatchPipeline } from "../../../pipelines/protein";
import {
  PodLike,
  diagnosePods,
  podFaultMessage,
  resourceClassOf,
  resourceKey,
  stepComponentsFromIr,
  stepOfPod,
} from "../../../stacks/pipeline-run/pod-faults";
import { argoPod, ArgoPodRequest } from "../../fakes/argo-pods";

const IMAGE = `localhost:5000/amber@sha256:${"a".repeat(64)}`;
const WF = "protein-md-batch-x7k2p";
const components = stepComponentsFromIr(compileBatchPipeline({ image: IMAGE, parallelism: 2 }));
const ctx = { components, namespace: "kubeflow", kubeContext: "minikube" };
const node = (name: string, allocatable: Record<string, string>, labels: Record<string, string> = {}) => ({
  metadata: { name, labels },
  status: { allocatable },
});
const NODES = [node("a", { cpu: "4", memory: "8Gi", pods: "110" }), node("b", { cpu: "8", memory: "16Gi" })];

function pod(req: Partial<ArgoPodRequest>, status: PodLike, created = "2026-12-02T01:00:00Z"): PodLike {
  const p = argoPod({ workflowName: WF, task: "heat", iteration: 0, image: IMAGE, ...req }) as PodLike;
  return { ...p, metadata: { ...p.metadata, creationTimestamp: created }, status };
}
const waiting = (reason: string, message: string, extra: PodLike = {}): PodLike => ({
  phase: "Pending",
  containerStatuses: [
    { name: "main", image: IMAGE, state: { waiting: { reason, message } }, ...extra },
    { name: "wait", state: { running: {} } },
  ],
});
const unschedulable = (message: string): PodLike => ({
  phase: "Pending",
  conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }],
});
const running: PodLike = { phase: "Running", containerStatuses: [{ name: "main", state: { running: {} } }] };

describe("resource classes and their config keys", () => {
  test("sander-mdrun steps are md, cpptraj and plots analysis, the rest light; unknown names the section", () => {
    expect(resourceClassOf(components["free-md"])).toBe("md");
    expect(resourceClassOf(components["heat"])).toBe("md");
    expect(resourceClassOf(components["rmsd"])).toBe("analysis");
    expect(resourceClassOf(components["plot-npt"])).toBe("light");
    expect(resourceClassOf(components["leap-solvate"])).toBe("light");
    expect(resourceClassOf(components["run-report"])).toBe("light");
    expect(resourceClassOf(undefined)).toBeUndefined();
    expect(resourceKey("md", "gpu")).toBe("pipeline.resources.md.gpu");
    expect(resourceKey(undefined, "memoryRequest")).toBe("pipeline.resources");
  });

  test("a pod's step comes from Argo's node name: executor, retried executor and driver pods", () => {
    expect(stepOfPod(pod({ task: "npt" }, {}))).toBe("npt");
    expect(stepOfPod(pod({ task: "rgyr", driver: true }, {}))).toBe("rgyr");
    const retried = pod({ task: "nvt" }, {});
    retried.metadata.annotations["workflows.argoproj.io/node-name"] += "(1)";
    expect(stepOfPod(retried)).toBe("nvt");
    expect(stepOfPod({ metadata: { name: "lonely" } })).toBe("lonely");
  });
});

describe("diagnosePods", () => {
  test("healthy, pending-for-a-node-that-fits and finished pods are no fault", () => {
    const busy = unschedulable("0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available");
    const fits = pod({ resources: { requests: { cpu: "6" } } }, busy);
    const done = pod({ task: "npt" }, { phase: "Succeeded" });
    expect(diagnosePods([pod({}, running), fits, done], { ...ctx, nodes: NODES })).toBeUndefined();
  });

  test("ImagePullBackOff and ErrImagePull of the step image name the image and its config key", () => {
    for (const reason of ["ImagePullBackOff", "ErrImagePull"]) {
      const fault = diagnosePods([pod({}, waiting(reason, `Back-off pulling image "${IMAGE}"`))], ctx)!;
      expect(fault).toMatchObject({ step: "heat", reason, container: "main" });
      expect(fault.pod).toMatch(new RegExp(`^${WF}-system-container-impl-\\d+$`));
      expect(fault.fix).toContain(IMAGE);
      expect(fault.fix).toContain("amber.image");
    }
  });

  test("a driver pod that cannot pull names KFP's images, not the step image", () => {
    const fault = diagnosePods([pod({ driver: true }, waiting("ImagePullBackOff", "Back-off"))], ctx)!;
    expect(fault.step).toBe("heat");
    expect(fault.fix).not.toContain("amber.image");
    expect(fault.fix).toContain("KFP's or Argo's image");
  });

  test("Unschedulable for a CPU, memory or GPU request larger than any node names the resource and the class key", () => {
    const cases: { task: string; resource: string; requests: Record<string, string>; key: string }[] = [
      { task: "free-md", resource: "cpu", requests: { cpu: "16" }, key: "pipeline.resources.md.cpuRequest" },
      {
        task: "rmsd",
        resource: "memory",
        requests: { memory: "64Gi" },
        key: "pipeline.resources.analysis.memoryRequest",
      },
      {
        task: "heat",
        resource: "nvidia.com/gpu",
        requests: { "nvidia.com/gpu": "1" },
        key: "pipeline.resources.md.gpu",
      },
    ];
    for (const c of cases) {
      const message = `0/2 nodes are available: 2 Insufficient ${c.resource}. preemption: not helpful`;
      const fault = diagnosePods([pod({ task: c.task, resources: { requests: c.requests } }, unschedulable(message))], {
        ...ctx,
        nodes: NODES,
      })!;
      expect(fault).toMatchObject({ step: c.task, reason: "Unschedulable", detail: message });
      expect(fault.fix).toContain(c.key);
      expect(fault.fix).toContain(c.resource);
    }
  });

  test("a GPU limit without a request counts as the request (Kubernetes defaults one to the other)", () => {
    const p = pod({ resources: { limits: { "nvidia.com/gpu": "2" } } }, unschedulable("1 Insufficient nvidia.com/gpu"));
    const gpuNode = node("g", { "nvidia.com/gpu": "1" });
    expect(diagnosePods([p], { ...ctx, nodes: [gpuNode] })?.fix).toContain("largest node has 1");
  });

  test("a node selector no node matches names gpuType; Unschedulable is not judged without the nodes", () => {
    const selector = { "nvidia.com/gpu.product": "H100" };
    const p = pod(
      { nodeSelector: selector },
      unschedulable("0/2 nodes are available: 2 node(s) didn't match selector"),
    );
    expect(diagnosePods([p], { ...ctx, nodes: NODES })?.fix).toContain("pipeline.resources.md.gpuType");
    expect(diagnosePods([p], ctx)).toBeUndefined();
    const labelled = node("h", { cpu: "8" }, selector);
    expect(diagnosePods([p], { ...ctx, nodes: [...NODES, labelled] })).toBeUndefined();
  });

  test("OOMKilled names the memory limit and the class's memory key, also from the last state of a restart", () => {
    const oom = { terminated: { reason: "OOMKilled", exitCode: 137 } };
    const limits = { resources: { limits: { memory: "2Gi" } } };
    const now = pod({ task: "npt", ...limits }, { phase: "Failed", containerStatuses: [{ name: "main", state: oom }] });
    const before = pod(
      { task: "image-trajectory", ...limits },
      { phase: "Running", containerStatuses: [{ name: "main", state: { running: {} }, lastState: oom }] },
    );
    expect(diagnosePods([now], ctx)).toMatchObject({ step: "npt", reason: "OOMKilled" });
    expect(diagnosePods([now], ctx)!.fix).toBe("raise pipeline.resources.md.memoryLimit above 2Gi");
    expect(diagnosePods([before], ctx)!.fix).toBe("raise pipeline.resources.analysis.memoryLimit above 2Gi");
  });

  test("CrashLoopBackOff says how to read the previous log; CreateContainerConfigError names what is missing", () => {
    const crash = waiting("CrashLoopBackOff", "back-off 40s restarting failed container", { restartCount: 4 });
    const crashed = diagnosePods([pod({ task: "leap-solvate" }, crash)], ctx)!;
    expect(crashed.detail).toContain("restarted 4 times");
    expect(crashed.fix).toMatch(/kubectl --context minikube -n kubeflow logs --previous \S+ -c main/);
    const config = waiting("CreateContainerConfigError", 'secret "mlpipeline-minio-artifact" not found');
    const fault = diagnosePods([pod({ task: "fetch-pdb" }, config)], ctx)!;
    expect(fault).toMatchObject({ step: "fetch-pdb", reason: "CreateContainerConfigError" });
    expect(fault.detail).toContain("mlpipeline-minio-artifact");
  });

  test("the oldest stuck pod is named first", () => {
    const later = pod({ task: "rgyr" }, waiting("ImagePullBackOff", "x"), "2026-12-02T01:05:00Z");
    const earlier = pod({ task: "rmsd" }, waiting("ErrImagePull", "y"), "2026-12-02T01:01:00Z");
    expect(diagnosePods([later, earlier], ctx)!.step).toBe("rmsd");
  });

  test("the message names the run, step, reason, pod, fix and outcome", () => {
    const fault = diagnosePods([pod({}, waiting("ImagePullBackOff", "Back-off pulling image."))], ctx)!;
    const text = podFaultMessage("run-1", fault, "The run was terminated.");
    expect(text).toMatch(/^KFP run run-1: step "heat" cannot finish: pod \S+ \(container main\) is ImagePullBackOff: /);
    expect(text).toContain("Back-off pulling image. Fix: make ");
    expect(text.endsWith("The run was terminated.")).toBe(true);
  });
});
