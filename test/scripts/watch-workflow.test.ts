import { WorkflowNode } from "../../scripts/argo-workflow";
import { stepsFromWorkflow } from "../../scripts/watch/workflow";
import { fnv32a, nodeId } from "../fakes/argo-workflow";

const WF = "protein-md-batch-x7k2p";
const node = (name: string, more: Partial<WorkflowNode>): WorkflowNode => ({
  id: nodeId(WF, name),
  name,
  displayName: name.split(".").pop(),
  ...more,
});
const item = (i: number): string => `${WF}.root.for-loop-1.iteration-iterations(${i}:${i}).iteration-item`;
const workflowOf = (nodes: WorkflowNode[]) => ({
  metadata: { name: WF },
  status: { nodes: Object.fromEntries(nodes.map((n) => [n.id, n])) },
});

test("a retried executor's pod is its last attempt's, named with the retry template", () => {
  const attempt = (k: number) =>
    node(`${item(0)}.heat.executor(${k})`, { type: "Pod", templateName: "retry-system-container-impl" });
  const retry = node(`${item(0)}.heat.executor`, {
    type: "Retry",
    templateName: "retry-system-container-impl",
    children: [attempt(0).id, attempt(1).id],
  });
  const step = node(`${item(0)}.heat`, { type: "DAG", templateName: "system-container-executor", phase: "Failed" });
  const [heat] = stepsFromWorkflow(workflowOf([step, retry, attempt(0), attempt(1)]), undefined, ["1aki"]);
  expect(heat).toMatchObject({ name: "heat", iteration: 0, protein: "1aki", state: "FAILED" });
  expect(heat.pod).toBe(`${WF}-retry-system-container-impl-${fnv32a(`${item(0)}.heat.executor(1)`)}`);
});

test("a step only its driver reached is pending, or failed without a pod; an omitted one is left out", () => {
  const driver = (task: string, phase: string) =>
    node(`${item(1)}.${task}-driver`, { type: "Pod", templateName: "system-container-driver", phase });
  const steps = stepsFromWorkflow(
    workflowOf([driver("heat", "Running"), driver("nvt", "Failed"), driver("npt", "Omitted")]),
    (name) => name !== "rmsd",
    ["1aki", "4e43"],
  );
  expect(steps).toEqual([
    { name: "heat", iteration: 1, protein: "4e43", state: "PENDING" },
    { name: "nvt", iteration: 1, protein: "4e43", state: "FAILED" },
  ]);
});
