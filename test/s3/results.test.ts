import { execFileSync } from "child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { compileBatchPipeline } from "../../pipelines/protein";
import { planDownloads } from "../../scripts/results/download-results";
import { main } from "../../scripts/results/main";
import { S3Client } from "../../scripts/results/s3";
import { argoWorkflow, outputArtifactUris } from "../fakes/argo-workflow";
import { workflowPipelineFromIr } from "../fakes/ir-pipeline";
import { MinioServer, startMinio } from "./minio-server";
import { RUN, RUN_FILES, SEEDED, seedRun } from "./seeded-run";

let minio: MinioServer;
/** The kubectl `results` runs: a fake in the batch tests, one that cannot run elsewhere (nothing may call it). */
let kubectl = "/nonexistent/kubectl";
let stderr: string[];
let spy: jest.SpyInstance;

beforeAll(async () => {
  minio = await startMinio();
  await seedRun(new S3Client(minio));
});
afterAll(async () => minio?.stop());

beforeEach(() => {
  process.env.KFP_PROTEIN_S3_ACCESS_KEY = minio.accessKey;
  process.env.KFP_PROTEIN_S3_SECRET_KEY = minio.secretKey;
  stderr = [];
  spy = jest.spyOn(process.stderr, "write").mockImplementation((text) => {
    stderr.push(String(text));
    return true;
  });
});
afterEach(() => spy.mockRestore());

async function results(...argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(["--s3-endpoint", minio.endpoint, ...argv], (text) => lines.push(text), kubectl);
  return { code, out: lines.join("") };
}

function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((entry) => statSync(join(dir, entry)).isFile())
    .sort();
}

describe("npm run results against a real MinIO", () => {
  it("downloads the run's plots, metrics, logs and structures, writes index.html and prints the metrics", async () => {
    const out = mkdtempSync(join(tmpdir(), "results-"));
    const { code, out: printed } = await results("--run", RUN, "--out", out);
    expect(stderr.join("")).toBe("");
    expect(code).toBe(0);
    expect(tree(join(out, RUN))).toEqual(RUN_FILES);
    expect(readFileSync(join(out, RUN, "sander-free/mdout.log"), "utf8")).toBe("NSTEP = 100\n");
    expect(readFileSync(join(out, RUN, "sander-free/executor.log"), "utf8")).toBe("sander: step 100 of 100\n");
    const index = readFileSync(join(out, RUN, "index.html"), "utf8");
    expect(index).toContain('<a href="energy-plot-min/plot.html">');
    expect(index).toContain("<tr><td>energy-plot-min</td><td>final_energy</td><td>-1234.5</td></tr>");
    expect(index).toContain('<h2>Logs</h2>\n<ul><li><a href="energy-plot-min/executor.log">');
    expect(printed).toContain("10 downloaded, 0 already complete");
    expect(printed).not.toContain("tasks repeat");
    expect(printed).toMatch(/energy-plot-min\s+final_energy\s+-1234\.50/);
  });

  it("skips complete files on a re-run, fetches incomplete ones, and trajectories only with --trajectories", async () => {
    const out = mkdtempSync(join(tmpdir(), "results-"));
    expect((await results("--run", RUN, "--out", out)).code).toBe(0);
    writeFileSync(join(out, RUN, "sander-free/mdout.log"), "NST"); // an incomplete copy
    const again = await results("--run", RUN, "--out", out, "--trajectories");
    expect(again.code).toBe(0);
    expect(again.out).toContain("2 downloaded, 9 already complete");
    expect(readFileSync(join(out, RUN, "sander-free/mdout.log"), "utf8")).toBe("NSTEP = 100\n");
    expect(statSync(join(out, RUN, "sander-free/trajectory.nc")).size).toBe(4096);
  });

  it("an unknown run id: a clear error, nothing written", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "results-")), "out");
    const { code } = await results("--run", "no-such-run", "--out", out);
    expect(code).toBe(2);
    expect(stderr.join("")).toContain("results: no artifacts of run no-such-run in s3://mlpipeline/v2/artifacts/");
    expect(existsSync(out)).toBe(false);
  });

  it("a wrong credential: a clear error, nothing written", async () => {
    process.env.KFP_PROTEIN_S3_SECRET_KEY = "not-the-secret";
    const out = join(mkdtempSync(join(tmpdir(), "results-")), "out");
    const { code } = await results("--run", RUN, "--out", out);
    expect(code).toBe(2);
    expect(stderr.join("")).toContain("refused the credentials (SignatureDoesNotMatch)");
    expect(existsSync(out)).toBe(false);
  });

  it("an unreachable endpoint: a clear error, nothing written", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "results-")), "out");
    const code = await main(["--s3-endpoint", "http://127.0.0.1:1", "--run", RUN, "--out", out], () => undefined);
    expect(code).toBe(2);
    expect(stderr.join("")).toMatch(/cannot reach the object store at http:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED/);
    expect(existsSync(out)).toBe(false);
  });

  it("a full disk: a clear error and no partial file", async () => {
    const mount = mkdtempSync(join(tmpdir(), "results-tiny-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8k", "tmpfs", mount]);
    try {
      const { code } = await results("--run", RUN, "--out", mount, "--trajectories");
      expect(code).toBe(2);
      expect(stderr.join("")).toContain(`results: no space left writing under ${mount} (ENOSPC)`);
      const left = tree(mount);
      expect(left.filter((f) => f.endsWith(".part"))).toEqual([]);
      const objects = Object.entries(SEEDED).map(([key, content]) => ({ key, size: Buffer.from(content).length }));
      const sizes = new Map(planDownloads(objects, RUN, true).map((f) => [`${RUN}/${f.path}`, f.size]));
      for (const file of left) expect([file, statSync(join(mount, file)).size]).toEqual([file, sizes.get(file)]);
      expect(left).not.toContain(`${RUN}/sander-free/trajectory.nc`);
    } finally {
      execFileSync("umount", [mount]);
    }
  });
});

describe("a 2-protein batch run, laid out as KFP 2.17.0 writes it", () => {
  const BATCH = "5f0c1d2e-0000-4000-8000-0000000000b1";
  const PROTEINS = ["1aki", "4e43"];
  const workflow = argoWorkflow({
    // A name whose (generated, random-looking) uuids put 4e43's folders before 1aki's, as a real bucket may list them.
    workflowName: "protein-md-batch-q9f2h",
    runId: BATCH,
    pipeline: workflowPipelineFromIr(
      compileBatchPipeline({ image: `localhost:5000/amber@sha256:${"a".repeat(64)}`, parallelism: 2 }),
      { pdb_codes: PROTEINS },
    ),
    runtimeParameters: { pdb_codes: PROTEINS },
    // 4e43's nvt was served from KFP's cache: its driver has an empty pod-spec-patch and nothing in this run.
    phaseOf: (task, iteration) => (task === "nvt" && iteration === 1 ? "Skipped" : "Succeeded"),
  });
  /** The key prefix `<root>/<pipeline>/<run>/<task>/<uuid>/` the driver of `task` in iteration `i` provisioned. */
  const folder = (task: string, i: number): string => {
    const uris = outputArtifactUris(workflow).find((a) => a.task === task && a.iteration === i)!.uris;
    return uris["executor-logs"].replace(/^minio:\/\/mlpipeline\//, "").replace(/[^/]+$/, "");
  };
  // A bucket holding fetch-pdb's and plot-npt's outputs; the launcher stores the log as executor-logs-0.
  const BATCH_SEEDED: Record<string, string> = Object.fromEntries(
    PROTEINS.flatMap((code, i) => [
      [`${folder("fetch-pdb", i)}output_pdb`, `ATOM ${code}\n`],
      [`${folder("fetch-pdb", i)}executor-logs-0`, `fetch ${code}\n`],
      [`${folder("plot-npt", i)}output_html`, `<html>${code}</html>`],
      [`${folder("plot-npt", i)}output_metrics`, JSON.stringify({ mean_temp: [300.2, 299.7][i] })],
      [`${folder("plot-npt", i)}executor-logs-0`, `plot ${code}\n`],
    ]),
  );
  let kubectlDir: string;

  beforeAll(async () => {
    expect(folder("fetch-pdb", 1) < folder("fetch-pdb", 0) && folder("plot-npt", 1) < folder("plot-npt", 0)).toBe(true);
    const s3 = new S3Client(minio);
    for (const [key, content] of Object.entries(BATCH_SEEDED)) await s3.put("mlpipeline", key, Buffer.from(content));
  });
  beforeEach(() => {
    // A fake kubectl: `get workflows -l pipeline/runid=<batch>` prints workflows.json, else an empty list.
    kubectlDir = mkdtempSync(join(tmpdir(), "fake-kubectl-"));
    writeFileSync(join(kubectlDir, "workflows.json"), JSON.stringify({ kind: "List", items: [workflow] }));
    writeFileSync(
      join(kubectlDir, "kubectl"),
      [
        "#!/bin/sh",
        `printf '%s\\n' "$@" >> '${kubectlDir}/calls'`,
        `case "$*" in *"pipeline/runid=${BATCH} "*) cat '${kubectlDir}/workflows.json' ;; *) echo '{"items":[]}' ;; esac`,
        "",
      ].join("\n"),
    );
    chmodSync(join(kubectlDir, "kubectl"), 0o755);
    kubectl = join(kubectlDir, "kubectl");
  });
  afterEach(() => {
    kubectl = "/nonexistent/kubectl";
  });

  it("lands each protein's tasks in its own folder, with logs, a grouped index and a grouped table", async () => {
    const out = mkdtempSync(join(tmpdir(), "results-"));
    const { code, out: printed } = await results("--run", BATCH, "--out", out, "--context", "kind-test");
    expect(stderr.join("")).toBe("");
    expect(code).toBe(0);
    expect(readFileSync(join(kubectlDir, "calls"), "utf8")).toContain(
      "--context\nkind-test\n-n\nkubeflow\nget\nworkflows",
    );
    expect(tree(join(out, BATCH))).toEqual([
      "1aki/fetch-pdb/executor.log",
      "1aki/fetch-pdb/structure.pdb",
      "1aki/plot-npt/executor.log",
      "1aki/plot-npt/metrics.json",
      "1aki/plot-npt/plot.html",
      "4e43/fetch-pdb/executor.log",
      "4e43/fetch-pdb/structure.pdb",
      "4e43/plot-npt/executor.log",
      "4e43/plot-npt/metrics.json",
      "4e43/plot-npt/plot.html",
      "index.html",
    ]);
    expect(readFileSync(join(out, BATCH, "4e43/fetch-pdb/structure.pdb"), "utf8")).toBe("ATOM 4e43\n");
    expect(readFileSync(join(out, BATCH, "1aki/plot-npt/executor.log"), "utf8")).toBe("plot 1aki\n");
    expect(printed).toContain("batch of 1aki, 4e43: one folder per protein");
    expect(printed).toContain(
      "served from KFP's cache, so their outputs stay under the earlier run that made them: 4e43/nvt",
    );
    expect(printed).not.toContain("tasks repeat");
    expect(printed).toMatch(
      /protein\s+task\s+metric\s+value\n[- ]+\n1aki\s+plot-npt\s+mean_temp\s+300\.200\n4e43\s+plot-npt\s+mean_temp\s+299\.700\n/,
    );
    const index = readFileSync(join(out, BATCH, "index.html"), "utf8");
    const second = index.indexOf('<h2 id="4e43">');
    expect(index.indexOf('<h2 id="1aki">')).toBeGreaterThan(0);
    expect(index.indexOf('<a href="1aki/plot-npt/plot.html">')).toBeLessThan(second);
    expect(index.indexOf('<a href="1aki/fetch-pdb/executor.log">')).toBeLessThan(second);
    expect(index.indexOf('<a href="4e43/plot-npt/plot.html">')).toBeGreaterThan(second);
    expect(index.indexOf('<a href="4e43/fetch-pdb/executor.log">')).toBeGreaterThan(second);

    const again = await results("--run", BATCH, "--out", out, "--context", "kind-test");
    expect(again.code).toBe(0);
    expect(again.out).toContain("0 downloaded, 10 already complete");
  });

  it("without the Workflow (--s3-endpoint alone): numbered folders and one line saying why", async () => {
    const out = mkdtempSync(join(tmpdir(), "results-"));
    const { code, out: printed } = await results("--run", BATCH, "--out", out);
    expect(code).toBe(0);
    expect(existsSync(join(kubectlDir, "calls"))).toBe(false);
    expect(tree(join(out, BATCH))).toEqual([
      "fetch-pdb-2/executor.log",
      "fetch-pdb-2/structure.pdb",
      "fetch-pdb/executor.log",
      "fetch-pdb/structure.pdb",
      "index.html",
      "plot-npt-2/executor.log",
      "plot-npt-2/metrics.json",
      "plot-npt-2/plot.html",
      "plot-npt/executor.log",
      "plot-npt/metrics.json",
      "plot-npt/plot.html",
    ]);
    expect(printed.split("\n").filter((l) => l.includes("tasks repeat"))).toEqual([
      "tasks repeat (a batch run) and are numbered <task>-2, …: --s3-endpoint without --context or --kubeconfig does not read the run's Workflow; per-protein folders need the run's Argo Workflow, read with kubectl (drop --s3-endpoint, or add --context/--kubeconfig) while it still exists",
    ]);
  });

  it("a garbage-collected Workflow: numbered folders, and the line names the missing Workflow", async () => {
    writeFileSync(join(kubectlDir, "workflows.json"), JSON.stringify({ kind: "List", items: [] }));
    const out = mkdtempSync(join(tmpdir(), "results-"));
    const { code, out: printed } = await results("--run", BATCH, "--out", out, "--context", "kind-test");
    expect(code).toBe(0);
    expect(tree(join(out, BATCH))).toContain("fetch-pdb-2/structure.pdb");
    expect(printed).toContain(
      `tasks repeat (a batch run) and are numbered <task>-2, …: no Argo Workflow labelled pipeline/runid=${BATCH} in namespace kubeflow (deleted by Argo's garbage collection?);`,
    );
  });

  it("an unknown run with the Workflow lookup on: a clear error, nothing written", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "results-")), "out");
    const { code } = await results("--run", "no-such-run", "--out", out, "--context", "kind-test");
    expect(code).toBe(2);
    expect(stderr.join("")).toContain("results: no artifacts of run no-such-run in s3://mlpipeline/v2/artifacts/");
    expect(existsSync(out)).toBe(false);
  });

  it("a wrong credential with the Workflow lookup on: a clear error, nothing written", async () => {
    process.env.KFP_PROTEIN_S3_SECRET_KEY = "not-the-secret";
    const out = join(mkdtempSync(join(tmpdir(), "results-")), "out");
    const { code } = await results("--run", BATCH, "--out", out, "--context", "kind-test");
    expect(code).toBe(2);
    expect(stderr.join("")).toContain("refused the credentials (SignatureDoesNotMatch)");
    expect(existsSync(out)).toBe(false);
  });

  it("a full disk in per-protein folders: a clear error, only complete files left", async () => {
    const mount = mkdtempSync(join(tmpdir(), "results-tiny-"));
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8k", "tmpfs", mount]);
    try {
      const { code } = await results("--run", BATCH, "--out", mount, "--context", "kind-test");
      expect(code).toBe(2);
      expect(stderr.join("")).toContain(`results: no space left writing under ${mount} (ENOSPC)`);
      const left = tree(mount);
      expect(left.filter((f) => f.endsWith(".part"))).toEqual([]);
      expect(left.length).toBeGreaterThan(0);
      expect(left.length).toBeLessThan(Object.keys(BATCH_SEEDED).length);
      for (const file of left) {
        const [protein, task, name] = file.slice(BATCH.length + 1).split("/");
        const output = { "structure.pdb": "output_pdb", "executor.log": "executor-logs-0", "plot.html": "output_html" }[
          name
        ];
        const seeded = BATCH_SEEDED[`${folder(task, PROTEINS.indexOf(protein))}${output}`];
        expect([file, readFileSync(join(mount, file), "utf8")]).toEqual([file, seeded]);
      }
    } finally {
      execFileSync("umount", [mount]);
    }
  });
});
