import { compileBatchPipeline } from "../../pipelines/protein";
import { sampleIr } from "../fixtures/provider-inputs";
import {
  ArgoWorkflow,
  WorkflowRequest,
  argoWorkflow,
  fnv32a,
  nodeId,
  outputArtifactUris,
  podName,
  taskDetailsFromWorkflow,
} from "./argo-workflow";
import { workflowPipelineFromIr } from "./ir-pipeline";

const batchIr = compileBatchPipeline({ image: `localhost:5000/amber@sha256:${"a".repeat(64)}`, parallelism: 2 });
const WF = "protein-md-batch-x7k2p";
const batch = (phaseOf: WorkflowRequest["phaseOf"]): ArgoWorkflow =>
  argoWorkflow({
    workflowName: WF,
    runId: "run-1",
    pipeline: workflowPipelineFromIr(batchIr, { pdb_codes: ["1aki", "4e43"] }),
    phaseOf,
  });
const byName = (wf: ArgoWorkflow, name: string) => Object.values(wf.status.nodes).find((n) => n.name === name)!;

test("node ids hash the node name with FNV-1a as Argo does (vectors from Argo's own testdata)", () => {
  expect(fnv32a("")).toBe(0x811c9dc5);
  // argo-workflows v4.0.5 workflow/controller/testdata/dag-disable-fail-fast.yaml, status.nodes
  expect(nodeId("dag-disable-fail-fast-r6xdc", "dag-disable-fail-fast-r6xdc.C(0)")).toBe(
    "dag-disable-fail-fast-r6xdc-3256495944",
  );
  expect(nodeId("dag-disable-fail-fast-r6xdc", "dag-disable-fail-fast-r6xdc.C(1)")).toBe(
    "dag-disable-fail-fast-r6xdc-3457680277",
  );
  expect(nodeId("wf", "wf")).toBe("wf");
  expect(podName("wf", "wf.root.a.executor", "system-container-impl")).toBe(
    `wf-system-container-impl-${fnv32a("wf.root.a.executor")}`,
  );
});

test("a single run: entrypoint -> root-driver -> root; each task a driver pod, an executor DAG and its pod", () => {
  const wf = argoWorkflow({
    workflowName: "protein-md-ab12c",
    runId: "r",
    pipeline: workflowPipelineFromIr(sampleIr(), {}),
    phaseOf: () => "Succeeded",
  });
  const nodes = Object.values(wf.status.nodes);
  expect(nodes.map((n) => `${n.name} ${n.type} ${n.templateName}`).sort()).toEqual([
    "protein-md-ab12c DAG entrypoint",
    "protein-md-ab12c.root DAG root",
    "protein-md-ab12c.root-driver Pod system-dag-driver",
    "protein-md-ab12c.root.fetch-pdb DAG system-container-executor",
    "protein-md-ab12c.root.fetch-pdb-driver Pod system-container-driver",
    "protein-md-ab12c.root.fetch-pdb.executor Pod system-container-impl",
    "protein-md-ab12c.root.leap-gen-top DAG system-container-executor",
    "protein-md-ab12c.root.leap-gen-top-driver Pod system-container-driver",
    "protein-md-ab12c.root.leap-gen-top.executor Pod system-container-impl",
  ]);
  for (const node of nodes) {
    expect(node.id).toBe(nodeId(wf.metadata.name, node.name));
    expect(node.displayName).toBe(node.name === wf.metadata.name ? wf.metadata.name : node.name.split(".").pop());
  }
  const root = wf.status.nodes[wf.metadata.name];
  expect(root.children).toEqual([byName(wf, "protein-md-ab12c.root-driver").id]);
  const step = byName(wf, "protein-md-ab12c.root.fetch-pdb");
  expect(step.children).toEqual([byName(wf, "protein-md-ab12c.root.fetch-pdb.executor").id]);
  expect(byName(wf, "protein-md-ab12c.root.fetch-pdb-driver").children).toEqual([step.id]);
  expect(wf.metadata.labels["pipeline/runid"]).toBe("r");
  expect(wf.status.phase).toBe("Succeeded");
});

test("a batch: the ParallelFor's iterator, iterations (i:i) under a TaskGroup, each with the loop body", () => {
  const wf = batch(() => "Succeeded");
  const loop = `${WF}.root.for-loop-1`;
  const iteration = (i: number): string => `${loop}.iteration-iterations(${i}:${i})`;
  const shape = (name: string): string => {
    const n = byName(wf, name);
    return `${n.displayName} ${n.type} ${n.templateName}`;
  };
  expect(shape(loop)).toBe("for-loop-1 DAG comp-for-loop-1-for-loop-1-iterator");
  expect(shape(`${loop}.iteration-driver`)).toBe("iteration-driver Pod system-dag-driver");
  expect(shape(`${loop}.iteration-iterations`)).toBe("iteration-iterations TaskGroup comp-for-loop-1-iteration");
  expect(shape(iteration(1))).toBe("iteration-iterations(1:1) DAG comp-for-loop-1-iteration");
  expect(shape(`${iteration(1)}.iteration-item-driver`)).toBe("iteration-item-driver Pod system-dag-driver");
  expect(shape(`${iteration(1)}.iteration-item`)).toBe("iteration-item DAG comp-for-loop-1");
  expect(shape(`${iteration(1)}.iteration-item.leap-solvate.executor`)).toBe("executor Pod system-container-impl");
  expect(byName(wf, `${loop}.iteration-iterations`).children).toEqual([
    byName(wf, iteration(0)).id,
    byName(wf, iteration(1)).id,
  ]);
  // workflow, root-driver, root, for-loop-1, iteration-driver, iteration-iterations; 3 per iteration; 3 per task
  expect(Object.keys(wf.status.nodes)).toHaveLength(6 + 2 * (3 + 3 * 24));
});

test("a failed task fails its DAGs up to the workflow; tasks downstream of it are omitted, not run", () => {
  const wf = batch((task, i) => (task === "leap-gen-top" && i === 0 ? "Failed" : "Succeeded"));
  const item = (i: number): string => `${WF}.root.for-loop-1.iteration-iterations(${i}:${i}).iteration-item`;
  expect(byName(wf, `${item(0)}.leap-gen-top.executor`).phase).toBe("Failed");
  expect(byName(wf, `${item(0)}.leap-gen-top`).phase).toBe("Failed");
  const downstream = byName(wf, `${item(0)}.leap-solvate-driver`);
  expect([downstream.type, downstream.phase]).toEqual(["Skipped", "Omitted"]);
  expect(byName(wf, `${item(0)}.leap-solvate`)).toBeUndefined();
  expect(byName(wf, `${item(1)}.run-report`).phase).toBe("Succeeded");
  expect([byName(wf, item(0)).phase, byName(wf, item(1)).phase, wf.status.phase]).toEqual([
    "Failed",
    "Succeeded",
    "Failed",
  ]);
});

test("task_details as KFP 2.17.0 derives them: one per node, child node ids, no parent, no pod", () => {
  const wf = batch((task) => (task === "fetch-pdb" ? "Succeeded" : task === "pdb4amber" ? "Running" : undefined));
  const details = taskDetailsFromWorkflow(wf);
  const ids = Object.keys(wf.status.nodes);
  expect(details).toHaveLength(ids.length);
  expect(new Set(details.map((t) => t.task_id)).size).toBe(details.length);
  for (const t of details) {
    expect(t.task_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ids).not.toContain(t.task_id);
    expect(t).not.toHaveProperty("parent_task_id");
    expect(t).not.toHaveProperty("pod_name");
    for (const child of t.child_tasks ?? []) expect(ids).toContain(child.pod_name);
    expect(t.create_time).toBe(wf.metadata.creationTimestamp);
  }
  const names = details.map((t) => t.display_name);
  for (const name of ["root", "root-driver", WF, "for-loop-1", "iteration-driver", "iteration-iterations(0:0)"]) {
    expect(names).toContain(name);
  }
  expect(names.filter((n) => n === "iteration-item-driver")).toHaveLength(2);
  const running = details.filter((t) => t.display_name === "pdb4amber");
  expect(running.map((t) => [t.state, t.end_time])).toEqual([
    ["RUNNING", "0001-01-01T00:00:00Z"],
    ["RUNNING", "0001-01-01T00:00:00Z"],
  ]);
  // the same node keeps its task id (KFP's task store patches existing tasks)
  expect(taskDetailsFromWorkflow(wf).map((t) => t.task_id)).toEqual(details.map((t) => t.task_id));
});

test("each driver's executor input carries the loop item and the output URIs KFP provisions", () => {
  const wf = batch(() => "Succeeded");
  const fetch = byName(wf, `${WF}.root.for-loop-1.iteration-iterations(1:1).iteration-item.fetch-pdb-driver`);
  const patch = JSON.parse(fetch.outputs!.parameters!.find((p) => p.name === "pod-spec-patch")!.value);
  const command: string[] = patch.containers[0].command;
  expect(patch.containers[0].name).toBe("main");
  const input = JSON.parse(command[command.indexOf("--executor_input") + 1]);
  expect(input.inputs.parameterValues).toEqual({ pdb_code: "4e43", source: "rcsb" });
  const artifacts = outputArtifactUris(wf);
  expect(artifacts).toHaveLength(48);
  const fetches = artifacts.filter((a) => a.task === "fetch-pdb");
  expect(fetches.map((a) => a.iteration).sort()).toEqual([0, 1]);
  for (const a of fetches) {
    expect(a.uris.output_pdb).toMatch(
      /^minio:\/\/mlpipeline\/v2\/artifacts\/protein-md-batch\/run-1\/fetch-pdb\/[0-9a-f-]{36}\/output_pdb$/,
    );
  }
  expect(fetches[0].uris.output_pdb).not.toBe(fetches[1].uris.output_pdb);
  const freeMd = artifacts.find((a) => a.task === "free-md")!.uris;
  expect(Object.keys(freeMd).sort()).toEqual([
    "executor-logs",
    "output_log",
    "output_mdin",
    "output_rst",
    "output_traj",
  ]);
  // One folder per task run: every output (and the launcher's log) under the same `<task>/<uuid>/`.
  expect(new Set(Object.values(freeMd).map((uri) => uri.slice(0, uri.lastIndexOf("/")))).size).toBe(1);
});

test("a cached step's executor is skipped; a pending step has only its running driver", () => {
  const wf = batch((task) => (task === "fetch-pdb" ? "Skipped" : task === "pdb4amber" ? "Pending" : undefined));
  const item = `${WF}.root.for-loop-1.iteration-iterations(0:0).iteration-item`;
  const executor = byName(wf, `${item}.fetch-pdb.executor`);
  expect([executor.type, executor.phase, byName(wf, `${item}.fetch-pdb`).phase]).toEqual([
    "Skipped",
    "Skipped",
    "Succeeded",
  ]);
  // The driver returned before building the pod spec (driver/container.go), so the patch is the default "".
  expect(byName(wf, `${item}.fetch-pdb-driver`).outputs!.parameters).toEqual([
    { name: "pod-spec-patch", value: "" },
    { name: "cached-decision", value: "true" },
  ]);
  expect(outputArtifactUris(wf).filter((a) => a.task === "fetch-pdb")).toEqual([
    expect.objectContaining({ iteration: 0, uris: {} }),
    expect.objectContaining({ iteration: 1, uris: {} }),
  ]);
  expect(byName(wf, `${item}.pdb4amber-driver`).phase).toBe("Running");
  expect(byName(wf, `${item}.pdb4amber`)).toBeUndefined();
  const states = taskDetailsFromWorkflow(wf)
    .filter((t) => t.display_name === "executor")
    .map((t) => t.state);
  expect(states).toEqual(["SKIPPED", "SKIPPED"]);
});

test("the entrypoint's root-driver is given the run's runtime config (argocompiler/dag.go)", () => {
  const rootDriver = (wf: ArgoWorkflow) => wf.spec.templates.find((t) => t.name === "entrypoint")!.dag!.tasks[0];
  const wf = argoWorkflow({
    workflowName: WF,
    runId: "run-1",
    pipeline: workflowPipelineFromIr(batchIr, { pdb_codes: ["1aki", "4e43"] }),
    runtimeParameters: { pdb_codes: ["1aki", "4e43"] },
    phaseOf: () => "Succeeded",
  });
  expect(wf.spec.entrypoint).toBe("entrypoint");
  expect(rootDriver(wf).name).toBe("root-driver");
  const config = rootDriver(wf).arguments!.parameters!.find((p) => p.name === "runtime-config")!.value;
  expect(JSON.parse(config)).toEqual({ parameterValues: { pdb_codes: ["1aki", "4e43"] } });
  const defaults = rootDriver(batch(() => "Succeeded")).arguments!.parameters!;
  expect(defaults.find((p) => p.name === "runtime-config")!.value).toBe('{"parameterValues":{}}');
});
