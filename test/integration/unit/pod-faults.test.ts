import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compileProteinPipeline } from "../../../pipelines/protein";
import { diagnosePods, podFaultMessage, stepComponentsFromIr } from "../../../stacks/pipeline-run/pod-faults";
import type { FakeRun } from "../../fakes/fake-kfp";
import { kwokDefaultStages, OWN_STAGE_LABEL } from "../cluster";
import { TEST_AMBER_IMAGE } from "../config";
import { FAULT_STAGES, FaultScenario, SCENARIOS, faultObjects, inState, messageProblems } from "../pod-faults";

const run = { run: { run_id: "run-7" }, workflowName: "protein-md-ab12c" } as unknown as FakeRun;
/** kwokctl's scaled nodes (kustomize/kwokctl/resource/node.yaml). */
const KWOK_NODES = [1, 2].map((i) => ({
  metadata: { name: `kwok-node-${i}` },
  status: { allocatable: { cpu: "32", memory: "256Gi", pods: "110" } },
}));

/** The status a scenario's stage (or kube-scheduler) gives its pod. */
function statusOf(s: FaultScenario): Record<string, unknown> {
  const main = (state: Record<string, unknown>, more = {}) => ({
    name: "main",
    image: TEST_AMBER_IMAGE,
    state,
    ...more,
  });
  switch (s.stage) {
    case "waiting":
      return { phase: "Pending", containerStatuses: [main({ waiting: { reason: s.reason, message: s.message } })] };
    case "crash-loop":
      return {
        phase: "Running",
        containerStatuses: [
          main({ waiting: { reason: "CrashLoopBackOff", message: s.message } }, { restartCount: 4, lastState: {} }),
        ],
      };
    case "oom-killed":
      return { phase: "Failed", containerStatuses: [main({ terminated: { reason: "OOMKilled", exitCode: 137 } })] };
    default: {
      const resource = Object.keys({ ...s.resources?.requests, ...s.resources?.limits })[0];
      const message = `0/2 nodes are available: 2 Insufficient ${resource}. preemption: 0/2 nodes are available`;
      return {
        phase: "Pending",
        conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message }],
      };
    }
  }
}

describe("pod-fault scenarios", () => {
  const components = stepComponentsFromIr(compileProteinPipeline({ image: TEST_AMBER_IMAGE }));

  test.each(SCENARIOS.map((s) => [s.name, s] as const))(
    "%s: the live check's expectations hold for the diagnosis of that state",
    (_name, s) => {
      const { pod } = faultObjects(run, s);
      const stuck = { ...pod, status: statusOf(s) };
      expect(inState(stuck, s)).toBe(true);
      expect(inState(pod, s)).toBe(false);
      const fault = diagnosePods([stuck], { components, nodes: KWOK_NODES, namespace: "kubeflow" });
      expect(fault).toBeDefined();
      expect(messageProblems(podFaultMessage("run-7", fault!, "left."), s, pod.metadata.name)).toEqual([]);
    },
  );

  test("a message missing the fix or the pod is a problem", () => {
    const s = SCENARIOS[0];
    expect(messageProblems(`step "${s.task}" is ${s.reason}`, s, "p-1")).toEqual(
      expect.arrayContaining([expect.stringContaining('lacks "pod p-1"'), expect.stringContaining('lacks "Fix: "')]),
    );
  });

  test("the run's Workflow carries its run id label; the pod Argo's labels and the stage's label and annotations", () => {
    const { workflow, pod } = faultObjects(run, SCENARIOS[2]);
    expect(workflow).toMatchObject({
      kind: "Workflow",
      metadata: { name: "protein-md-ab12c", namespace: "kubeflow", labels: { "pipeline/runid": "run-7" } },
    });
    expect(pod.metadata.labels).toMatchObject({
      "workflows.argoproj.io/workflow": "protein-md-ab12c",
      [OWN_STAGE_LABEL]: "waiting",
    });
    expect(pod.metadata.annotations["workflows.argoproj.io/node-name"]).toBe(
      "protein-md-ab12c.root.pdb4amber.executor",
    );
    expect(Object.values(pod.metadata.annotations)).toContain('secret "itest-missing-secret" not found');
    const unschedulable = faultObjects(
      run,
      SCENARIOS.find((s) => !s.stage)!,
    ).pod;
    expect(unschedulable.metadata.labels[OWN_STAGE_LABEL]).toBeUndefined();
  });

  test("each fault stage acts once, only on pods labelled for it", () => {
    for (const stage of FAULT_STAGES as { spec: { selector: { matchExpressions: Record<string, unknown>[] } } }[]) {
      const exprs = stage.spec.selector.matchExpressions;
      expect(exprs).toContainEqual(
        expect.objectContaining({ key: `.metadata.labels["${OWN_STAGE_LABEL}"]`, operator: "In" }),
      );
      expect(exprs).toContainEqual({ key: ".status.containerStatuses", operator: "DoesNotExist" });
    }
  });
});

describe("kwok's default stages as Stage objects", () => {
  test("read from kwok's source; pod-ready skips the pods a check's own stages drive", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "kwok-src-"));
    try {
      const stage = (name: string) =>
        `apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata:\n  name: ${name}\nspec:\n  selector:\n    matchExpressions:\n    - key: '.status.phase'\n      operator: 'In'\n      values: ['Pending']\n`;
      const files: Record<string, string> = {
        "node/fast/node-initialize.yaml": "node-initialize",
        "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml": "node-heartbeat-with-lease",
        "pod/fast/pod-ready.yaml": "pod-ready",
        "pod/fast/pod-complete.yaml": "pod-complete",
        "pod/fast/pod-delete.yaml": "pod-delete",
      };
      for (const [file, name] of Object.entries(files)) {
        const full = path.join(dir, "kustomize", "stage", file);
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, stage(name));
      }
      const stages = kwokDefaultStages(dir) as {
        metadata: { name: string };
        spec: { selector: { matchExpressions: unknown[] } };
      }[];
      expect(stages.map((s) => s.metadata.name)).toEqual(Object.values(files));
      const skip = { key: `.metadata.labels["${OWN_STAGE_LABEL}"]`, operator: "DoesNotExist" };
      expect(stages.find((s) => s.metadata.name === "pod-ready")!.spec.selector.matchExpressions).toContainEqual(skip);
      expect(stages.find((s) => s.metadata.name === "pod-delete")!.spec.selector.matchExpressions).not.toContainEqual(
        skip,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
