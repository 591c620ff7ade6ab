import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { compileBatchPipeline, compileProteinPipeline } from "../../pipelines/protein";
import { planDownloads } from "../../scripts/results/download-results";
import { executorInputOf } from "../../scripts/argo-workflow";
import { proteinFolders } from "../../scripts/results/protein-folders";
import { readWorkflow, workflowArgs } from "../../scripts/results/read-workflow";
import { ArgoWorkflow, NodePhase, WorkflowRequest, argoWorkflow, outputArtifactUris } from "../fakes/argo-workflow";
import { workflowPipelineFromIr } from "../fakes/ir-pipeline";

const RUN = "5f0c1d2e-0000-4000-8000-0000000000b1";
const IMAGE = `localhost:5000/amber@sha256:${"a".repeat(64)}`;
const batchPipeline = workflowPipelineFromIr(compileBatchPipeline({ image: IMAGE, parallelism: 2 }), {
  pdb_codes: ["1aki", "4e43"],
});

/** The Workflow of a 2-protein batch run of the compiled batch pipeline; every step Succeeded unless `phaseOf` says. */
function batchRun(
  phaseOf: (task: string, iteration?: number) => NodePhase | undefined,
  runtimeParameters?: WorkflowRequest["runtimeParameters"],
): ArgoWorkflow {
  return argoWorkflow({
    workflowName: "protein-md-batch-x7k2p",
    runId: RUN,
    pipeline: batchPipeline,
    phaseOf: (task, iteration) => phaseOf(task, iteration) ?? "Succeeded",
    ...(runtimeParameters ? { runtimeParameters } : {}),
  });
}

/** The `<task>/<uuid>` storage folder of an output URI, and the object key of it (or of a sibling output). */
const folderOf = (uri: string): string => uri.split("/").slice(-3, -1).join("/");
const keyOf = (uri: string, output?: string): { key: string; size: number } => {
  const key = uri.replace(/^minio:\/\/mlpipeline\//, "");
  return { key: output ? `${key.slice(0, key.lastIndexOf("/"))}/${output}` : key, size: 1 };
};
/** The output URIs the drivers provisioned for `task` (of iteration `iteration`). */
const urisOf = (wf: ArgoWorkflow, task: string, iteration?: number): Record<string, string> =>
  outputArtifactUris(wf).find((a) => a.task === task && a.iteration === iteration)!.uris;
/** Every storage folder the drivers provisioned, with the protein of its iteration. */
const expectedFolders = (wf: ArgoWorkflow, proteins: string[]): [string, string][] =>
  outputArtifactUris(wf)
    .filter((a) => Object.keys(a.uris).length > 0)
    .map((a): [string, string] => [folderOf(Object.values(a.uris)[0]), proteins[a.iteration!]])
    .sort();

describe("proteinFolders", () => {
  it("a single run: no proteins, so results keeps the <task>/ layout; a cached task is named", () => {
    const workflow = argoWorkflow({
      workflowName: "protein-md-x7k2p",
      runId: RUN,
      pipeline: workflowPipelineFromIr(compileProteinPipeline({ image: IMAGE }), { pdb_code: "1aki" }),
      phaseOf: (task) => (task === "nvt" ? "Skipped" : "Succeeded"),
      runtimeParameters: { pdb_code: "1aki" },
    });
    const layout = proteinFolders(workflow);
    expect(layout).toEqual({ folders: new Map(), proteins: [], withoutExecutorInput: ["nvt"], cached: ["nvt"] });
    const files = planDownloads(
      [keyOf(urisOf(workflow, "fetch-pdb").output_pdb), keyOf(urisOf(workflow, "heat").output_log, "executor-logs-0")],
      RUN,
      false,
      layout.folders,
    );
    expect(files.map((f) => f.path)).toEqual(["fetch-pdb/structure.pdb", "heat/executor.log"]);
  });

  it("a 2-protein batch: every task folder of an iteration goes to that iteration's PDB code", () => {
    const workflow = batchRun(() => "Succeeded");
    const layout = proteinFolders(workflow);
    expect(layout.proteins).toEqual(["1aki", "4e43"]);
    expect(layout.withoutExecutorInput).toEqual([]);
    const folders = expectedFolders(workflow, ["1aki", "4e43"]);
    expect(folders).toHaveLength(2 * batchPipeline.loop!.tasks.length);
    expect([...layout.folders].sort()).toEqual(folders);
    const objects = [
      keyOf(urisOf(workflow, "heat", 1).output_mdin),
      keyOf(urisOf(workflow, "heat", 0).output_mdin),
      keyOf(urisOf(workflow, "fetch-pdb", 1).output_pdb, "executor-logs-0"),
      keyOf(urisOf(workflow, "fetch-pdb", 0).output_pdb),
    ];
    expect(planDownloads(objects, RUN, false, layout.folders).map((f) => f.path)).toEqual([
      "1aki/fetch-pdb/structure.pdb",
      "1aki/heat/sander.mdin",
      "4e43/fetch-pdb/executor.log",
      "4e43/heat/sander.mdin",
    ]);
  });

  it("a driver without pod-spec-patch (cached or omitted) is listed, and the protein comes from the runtime config", () => {
    // 4e43: fetch-pdb served from the cache (pod-spec-patch "", cached-decision "true"); nvt failed, so Argo omits
    // every task downstream of it (their drivers never run).
    const workflow = batchRun(
      (task, i) => (i === 1 && task === "fetch-pdb" ? "Skipped" : i === 1 && task === "nvt" ? "Failed" : undefined),
      { pdb_codes: ["1aki", "4e43"] },
    );
    const layout = proteinFolders(workflow);
    const omitted = [
      "free-md",
      "image-trajectory",
      "npt",
      "plot-free-md",
      "plot-npt",
      "plot-nvt",
      "rgyr",
      "rmsd",
      "run-report",
    ];
    expect(layout.withoutExecutorInput.sort()).toEqual(["fetch-pdb", ...omitted]);
    expect(layout.cached).toEqual(["4e43/fetch-pdb"]);
    expect([...layout.folders].sort()).toEqual(expectedFolders(workflow, ["1aki", "4e43"]));
    expect(layout.folders.get(folderOf(urisOf(workflow, "nvt", 1).output_log))).toBe("4e43");
    expect(layout.folders.size).toBe(2 * batchPipeline.loop!.tasks.length - 1 - omitted.length);
    expect(layout.proteins).toEqual(["1aki", "4e43"]);
  });

  it("names an iteration by its index when neither a task nor the runtime config gives its PDB code", () => {
    // fetch-pdb and run-report are the tasks that take the PDB code
    const codeTasks = ["fetch-pdb", "run-report"];
    const workflow = batchRun((task, i) => (i === 1 && codeTasks.includes(task) ? "Skipped" : undefined));
    expect(proteinFolders(workflow).proteins).toEqual(["1aki", "iteration-1"]);
  });

  it("an empty or unreadable Workflow gives no folders", () => {
    expect(proteinFolders({})).toEqual({ folders: new Map(), proteins: [], withoutExecutorInput: [], cached: [] });
    const driver = (patch: string) => ({
      id: "wf-1",
      name: "wf.root.fetch-pdb-driver",
      outputs: { parameters: [{ name: "pod-spec-patch", value: patch }] },
    });
    expect(executorInputOf(driver(""))).toBeUndefined();
    expect(executorInputOf(driver("{not json"))).toBeUndefined();
    expect(
      executorInputOf(driver(JSON.stringify({ containers: [{ name: "main", args: ["--executor_input"] }] }))),
    ).toBeUndefined();
  });
});

describe("readWorkflow", () => {
  /** A fake kubectl that records its arguments and prints `stdout` (or fails with `stderr`). */
  function fakeKubectl(stdout: string, exit = 0, stderr = ""): { bin: string; argsFile: string } {
    const dir = mkdtempSync(join(tmpdir(), "fake-kubectl-"));
    const bin = join(dir, "kubectl");
    const argsFile = join(dir, "args");
    writeFileSync(join(dir, "out"), stdout);
    writeFileSync(
      bin,
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\ncat '${join(dir, "out")}'\nprintf '%s' '${stderr}' >&2\nexit ${exit}\n`,
    );
    chmodSync(bin, 0o755);
    return { bin, argsFile };
  }
  const target = { namespace: "kubeflow", context: "minikube", kubeconfigPath: "/k/config" };

  it("asks for the Workflow labelled with the run id, with the port-forward's kubeconfig and context", async () => {
    const workflow = batchRun(() => "Succeeded");
    const kubectl = fakeKubectl(JSON.stringify({ kind: "List", items: [workflow] }));
    expect(await readWorkflow(target, RUN, kubectl.bin)).toEqual({ workflow });
    expect(readFileSync(kubectl.argsFile, "utf8").trim().split("\n")).toEqual(workflowArgs(target, RUN));
    expect(workflowArgs(target, RUN)).toEqual([
      "--kubeconfig",
      "/k/config",
      "--context",
      "minikube",
      "-n",
      "kubeflow",
      "get",
      "workflows",
      "-l",
      `pipeline/runid=${RUN}`,
      "-o",
      "json",
    ]);
  });

  it("says why when the Workflow is gone or kubectl fails", async () => {
    const gone = await readWorkflow(target, RUN, fakeKubectl(JSON.stringify({ items: [] })).bin);
    expect(gone).toEqual({
      reason: `no Argo Workflow labelled pipeline/runid=${RUN} in namespace kubeflow (deleted by Argo's garbage collection?)`,
    });
    const failed = await readWorkflow(target, RUN, fakeKubectl("", 1, 'error: context "minikube" does not exist').bin);
    expect(failed).toEqual({ reason: 'kubectl get workflows failed (error: context "minikube" does not exist)' });
    const missing = await readWorkflow(target, RUN, "/nonexistent/kubectl");
    expect("reason" in missing && missing.reason).toMatch(/^kubectl get workflows failed \(.*ENOENT/);
  });
});
