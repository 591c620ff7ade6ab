import { compileBatchPipeline } from "../../../pipelines/protein";
import {
  executorPodGuess,
  isBookkeeping,
  isStepEntry,
  pipelineStepsFromIr,
  stepNames,
} from "../../../stacks/kfp-api/task-details";
import { argoWorkflow, podName, taskDetailsFromWorkflow } from "../../fakes/argo-workflow";
import { workflowPipelineFromIr } from "../../fakes/ir-pipeline";

const ir = compileBatchPipeline({ image: `localhost:5000/amber@sha256:${"a".repeat(64)}`, parallelism: 2 });
const workflow = argoWorkflow({
  workflowName: "protein-md-batch-x7k2p",
  runId: "r1",
  pipeline: workflowPipelineFromIr(ir, { pdb_codes: ["1aki", "4e43"] }),
  phaseOf: () => "Succeeded",
});
const details = taskDetailsFromWorkflow(workflow);

test("the steps of the batch pipeline: its ParallelFor's body, items from the pdb_codes parameter", () => {
  const steps = pipelineStepsFromIr(ir)!;
  expect(steps.root).toEqual([]);
  expect(steps.loop).toMatchObject({ name: "for-loop-1", itemsParameter: "pdb_codes" });
  expect(steps.loop!.body).toHaveLength(24);
  expect(pipelineStepsFromIr("not: [a pipeline")).toBeUndefined();
});

test("the name rule keeps exactly the pipeline's steps among KFP 2.17.0's entries", () => {
  const steps = pipelineStepsFromIr(ir)!;
  const kept = details.filter((t) => !isBookkeeping(t)).map((t) => t.display_name);
  expect(kept).toHaveLength(48);
  expect([...new Set(kept)].sort()).toEqual(stepNames(steps).sort());
  expect(details.filter((t) => isStepEntry(t, steps)).map((t) => t.display_name)).toEqual(kept);
});

test("the executor pod inferred from a step's child node id is the pod Argo names", () => {
  const wf = workflow.metadata.name;
  const exact = Object.values(workflow.status.nodes)
    .filter((n) => n.displayName === "executor")
    .map((n) => podName(wf, n.name, n.templateName))
    .sort();
  const inferred = details.filter((t) => !isBookkeeping(t)).map((t) => executorPodGuess(t)!);
  expect(inferred.sort()).toEqual(exact);
  expect(executorPodGuess({ display_name: "heat" })).toBeUndefined();
});
