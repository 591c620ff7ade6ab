import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { planDownloads } from "../../scripts/results/download-results";
import { executorInputOf } from "../../scripts/argo-workflow";
import { proteinFolders } from "../../scripts/results/protein-folders";
import { readWorkflow, workflowArgs } from "../../scripts/results/read-workflow";
import { FixtureTask, workflowFixture } from "../fixtures/results-workflow";

const RUN = "5f0c1d2e-0000-4000-8000-0000000000b1";
const fetch = (pdbCode: string, uuid?: string): FixtureTask => ({
  task: "fetch-pdb",
  uuid,
  outputs: ["output_pdb"],
  pdbCode,
});
const heat = (uuid?: string): FixtureTask => ({
  task: "heat",
  uuid,
  outputs: ["output_mdin", "output_rst", "output_traj", "output_log"],
});
const key = (task: string, uuid: string, output: string): { key: string; size: number } => ({
  key: `v2/artifacts/protein-md-batch/${RUN}/${task}/${uuid}/${output}`,
  size: 1,
});

describe("proteinFolders", () => {
  it("a single run: no proteins, so results keeps the <task>/ layout; a cached task is named", () => {
    const workflow = workflowFixture({
      runId: RUN,
      pipeline: "protein-md",
      single: [fetch("1aki", "u1"), heat("u2"), { ...heat(), task: "nvt" }],
    });
    const layout = proteinFolders(workflow);
    expect(layout).toEqual({ folders: new Map(), proteins: [], withoutExecutorInput: ["nvt"], cached: ["nvt"] });
    const files = planDownloads(
      [key("fetch-pdb", "u1", "output_pdb"), key("heat", "u2", "executor-logs-0")],
      RUN,
      false,
      layout.folders,
    );
    expect(files.map((f) => f.path)).toEqual(["fetch-pdb/structure.pdb", "heat/executor.log"]);
  });

  it("a 2-protein batch: every task folder of an iteration goes to that iteration's PDB code", () => {
    const workflow = workflowFixture({
      runId: RUN,
      pipeline: "protein-md-batch",
      iterations: [
        [fetch("1aki", "a1"), heat("a2")],
        [fetch("4e43", "b1"), heat("b2")],
      ],
    });
    const layout = proteinFolders(workflow);
    expect(layout.proteins).toEqual(["1aki", "4e43"]);
    expect([...layout.folders].sort()).toEqual([
      ["fetch-pdb/a1", "1aki"],
      ["fetch-pdb/b1", "4e43"],
      ["heat/a2", "1aki"],
      ["heat/b2", "4e43"],
    ]);
    const objects = [
      key("heat", "b2", "output_mdin"),
      key("heat", "a2", "output_mdin"),
      key("fetch-pdb", "b1", "executor-logs-0"),
      key("fetch-pdb", "a1", "output_pdb"),
    ];
    expect(planDownloads(objects, RUN, false, layout.folders).map((f) => f.path)).toEqual([
      "1aki/fetch-pdb/structure.pdb",
      "1aki/heat/sander.mdin",
      "4e43/fetch-pdb/executor.log",
      "4e43/heat/sander.mdin",
    ]);
  });

  it("a driver without pod-spec-patch (cached or skipped) is listed, and the protein comes from the runtime config", () => {
    const workflow = workflowFixture({
      runId: RUN,
      pipeline: "protein-md-batch",
      iterations: [
        [fetch("1aki", "a1"), heat("a2")],
        [fetch("4e43" /* cached */), heat("b2"), { ...heat(), task: "npt", skipped: true }],
      ],
      pdbCodes: ["1aki", "4e43"],
    });
    const layout = proteinFolders(workflow);
    expect(layout.withoutExecutorInput.sort()).toEqual(["fetch-pdb", "npt"]);
    expect(layout.cached).toEqual(["4e43/fetch-pdb"]);
    expect([...layout.folders].sort()).toEqual([
      ["fetch-pdb/a1", "1aki"],
      ["heat/a2", "1aki"],
      ["heat/b2", "4e43"],
    ]);
    expect(layout.proteins).toEqual(["1aki", "4e43"]);
  });

  it("names an iteration by its index when neither a task nor the runtime config gives its PDB code", () => {
    const workflow = workflowFixture({
      runId: RUN,
      pipeline: "protein-md-batch",
      iterations: [[fetch("1aki", "a1")], [fetch("4e43"), heat("b2")]],
    });
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
    const workflow = workflowFixture({ runId: RUN, pipeline: "protein-md-batch", iterations: [[fetch("1aki", "a1")]] });
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
