import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { parse as parseYaml } from "yaml";
import { PLACEHOLDER_IMAGE } from "../../scripts/compile";
import { compileBatchPipeline, compileProteinPipeline } from "../../pipelines/protein";
import { hasNumberedTasks, planDownloads, pruneEmptyDirs } from "../../scripts/results/download-results";
import { hasKnownExtension, outputFileName } from "../../pipelines/results/output-files";
import { PlannedFile, indexHtml, metricsTable } from "../../pipelines/results/results-index";
import { signedHeaders } from "../../scripts/results/s3";

describe("S3 signing", () => {
  it("matches the SigV4 specification's GET bucket lifecycle example", () => {
    // Example from AWS's "Signature Calculations for the Authorization Header" (header-based auth).
    const headers = signedHeaders(
      {
        endpoint: "https://examplebucket.s3.amazonaws.com",
        accessKey: "AKIAIOSFODNN7EXAMPLE",
        secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      },
      "GET",
      "/",
      { lifecycle: "" },
      new Date("2013-05-24T00:00:00Z"),
    );
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date, " +
        "Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
    );
  });
});

describe("output file names", () => {
  /** Every artifact output name the compiled protein pipelines declare, from their IR. */
  function irOutputNames(): string[] {
    const names = new Set<string>();
    for (const ir of [
      compileProteinPipeline({ image: PLACEHOLDER_IMAGE }),
      compileBatchPipeline({ image: PLACEHOLDER_IMAGE }),
    ]) {
      const doc = parseYaml(ir.split(/^---$/m)[0]) as {
        components: Record<string, { outputDefinitions?: { artifacts?: Record<string, unknown> } }>;
      };
      for (const component of Object.values(doc.components)) {
        for (const name of Object.keys(component.outputDefinitions?.artifacts ?? {})) names.add(name);
      }
    }
    return [...names].sort();
  }

  it("gives every output of the compiled pipelines an extension", () => {
    const names = irOutputNames();
    expect(names).toContain("output_mdin");
    expect(names.filter((n) => !hasKnownExtension(n))).toEqual([]);
    expect(names.map(outputFileName).filter((f) => !/\.[a-z0-9]+$/.test(f))).toEqual([]);
  });

  it("names the sander input and KFP's executor logs", () => {
    expect(outputFileName("output_mdin")).toBe("sander.mdin");
    expect(outputFileName("executor-logs")).toBe("executor.log");
    expect(outputFileName("executor-logs-0")).toBe("executor.log");
    expect(outputFileName("executor-logs-2")).toBe("executor-retry-2.log");
    expect(hasKnownExtension("output_something_new")).toBe(false);
    expect(outputFileName("output_something_new")).toBe("something_new");
  });
});

describe("planDownloads", () => {
  const run = "r-1";
  const objects = [
    { key: `v2/artifacts/p/${run}/plot/x1/output_html`, size: 10 },
    { key: `v2/artifacts/p/${run}/plot/x1/executor-logs-0`, size: 3 },
    { key: `v2/artifacts/p/${run}/md/x2/output_traj`, size: 99 },
    { key: `v2/artifacts/p/${run}/md/x2/output_rst`, size: 5 },
    { key: `v2/artifacts/p/${run}/md/x2/output_mdin`, size: 4 },
    { key: `v2/artifacts/p/${run}/md/x3/output_rst`, size: 6 },
    { key: `v2/artifacts/p/${run}/md/x3/executor-logs-0`, size: 2 },
    { key: `v2/artifacts/p/other/md/x4/output_rst`, size: 7 },
  ];

  it("maps outputs to named files per task folder, leaves out trajectories and other runs", () => {
    const files = planDownloads(objects, run, false);
    expect(files.map((f) => f.path)).toEqual([
      "md/sander.mdin",
      "md/restart.rst",
      "md-2/executor.log",
      "md-2/restart.rst",
      "plot/executor.log",
      "plot/plot.html",
    ]);
    expect(hasNumberedTasks(files, run)).toBe(true);
    expect(planDownloads(objects, run, true).map((f) => f.path)).toContain("md/trajectory.nc");
  });

  it("puts each folder under its protein when the Workflow named it", () => {
    const folders = new Map([
      ["md/x2", "1aki"],
      ["md/x3", "4e43"],
    ]);
    const files = planDownloads(objects, run, false, folders);
    expect(files.map((f) => [f.path, f.protein, f.task])).toEqual([
      ["plot/executor.log", undefined, "plot"],
      ["plot/plot.html", undefined, "plot"],
      ["1aki/md/sander.mdin", "1aki", "md"],
      ["1aki/md/restart.rst", "1aki", "md"],
      ["4e43/md/executor.log", "4e43", "md"],
      ["4e43/md/restart.rst", "4e43", "md"],
    ]);
    expect(hasNumberedTasks(files, run)).toBe(false);
  });
});

describe("metrics and index", () => {
  it("prints a table and escapes names in the index", () => {
    const metrics = [{ task: "energy<plot>", values: { mean_temp: 300.1234567 } }];
    expect(metricsTable(metrics)).toBe(
      [
        "task          metric     value",
        "------------  ---------  -------",
        "energy<plot>  mean_temp  300.123",
        "",
      ].join("\n"),
    );
    expect(metricsTable([])).toBe("no metrics in this run\n");
    const html = indexHtml("r", [{ key: "k", size: 1, path: "energy<plot>/plot.html", task: "energy<plot>" }], metrics);
    expect(html).toContain('<a href="energy&lt;plot&gt;/plot.html">');
    expect(html).toContain("<td>energy&lt;plot&gt;</td><td>mean_temp</td><td>300.123</td>");
  });

  it("groups a batch by protein in the table and the index, with logs listed", () => {
    const file = (protein: string, task: string, name: string): PlannedFile => ({
      key: `${protein}-${task}-${name}`,
      size: 1,
      path: `${protein}/${task}/${name}`,
      task,
      protein,
    });
    const files = [
      file("1aki", "plot-npt", "plot.html"),
      file("1aki", "plot-npt", "executor.log"),
      file("1aki", "npt", "sander.mdin"),
      file("4e43", "plot-npt", "plot.html"),
    ];
    const metrics = [
      { protein: "1aki", task: "plot-npt", values: { mean_temp: 300 } },
      { protein: "4e43", task: "plot-npt", values: { mean_temp: 299.5 } },
    ];
    expect(metricsTable(metrics).split("\n")).toEqual([
      "protein  task      metric     value",
      "-------  --------  ---------  -------",
      "1aki     plot-npt  mean_temp  300.000",
      "4e43     plot-npt  mean_temp  299.500",
      "",
    ]);
    const html = indexHtml("r", files, metrics);
    const first = html.slice(html.indexOf('<h2 id="1aki">'), html.indexOf('<h2 id="4e43">'));
    const second = html.slice(html.indexOf('<h2 id="4e43">'));
    expect(first).toContain('<h3>Plots</h3>\n<ul><li><a href="1aki/plot-npt/plot.html">');
    expect(first).toContain('<h3>Logs</h3>\n<ul><li><a href="1aki/plot-npt/executor.log">');
    expect(first).toContain('<h3>Files</h3>\n<ul><li><a href="1aki/npt/sander.mdin">');
    expect(first).toContain("<td>plot-npt</td><td>mean_temp</td><td>300</td>");
    expect(first).not.toContain("4e43/");
    expect(second).toContain('<a href="4e43/plot-npt/plot.html">');
    expect(second).toContain("<td>mean_temp</td><td>299.5</td>");
  });

  it("pruneEmptyDirs removes empty folders and keeps complete files", () => {
    const dir = mkdtempSync(join(tmpdir(), "prune-"));
    mkdirSync(join(dir, "a/b"), { recursive: true });
    mkdirSync(join(dir, "c"));
    writeFileSync(join(dir, "c/kept.pdb"), "ATOM");
    pruneEmptyDirs(dir);
    expect(existsSync(join(dir, "a"))).toBe(false);
    expect(existsSync(join(dir, "c/kept.pdb"))).toBe(true);
  });
});
