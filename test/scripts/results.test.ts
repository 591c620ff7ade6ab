import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { indexHtml, metricsTable, planDownloads, pruneEmptyDirs } from "../../scripts/results/download-results";
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

describe("planDownloads", () => {
  const run = "r-1";
  const objects = [
    { key: `v2/artifacts/p/${run}/plot/x1/output_html`, size: 10 },
    { key: `v2/artifacts/p/${run}/md/x2/output_traj`, size: 99 },
    { key: `v2/artifacts/p/${run}/md/x2/output_rst`, size: 5 },
    { key: `v2/artifacts/p/${run}/md/x3/output_rst`, size: 6 },
    { key: `v2/artifacts/p/other/md/x4/output_rst`, size: 7 },
  ];

  it("maps outputs to named files per task, leaves out trajectories and other runs", () => {
    expect(planDownloads(objects, run, false).map((f) => f.path)).toEqual([
      "md/rst.rst",
      "md-2/rst.rst",
      "plot/html.html",
    ]);
    expect(planDownloads(objects, run, true).map((f) => f.path)).toContain("md/traj.nc");
  });
});

describe("metrics and index", () => {
  it("prints a table and escapes names in the index", () => {
    const metrics = { "energy<plot>": { mean_temp: 300.1234567 } };
    expect(metricsTable(metrics)).toBe(
      [
        "task          metric     value",
        "------------  ---------  -------",
        "energy<plot>  mean_temp  300.123",
        "",
      ].join("\n"),
    );
    expect(metricsTable({})).toBe("no metrics in this run\n");
    const html = indexHtml("r", [{ key: "k", size: 1, path: "energy<plot>/html.html" }], metrics);
    expect(html).toContain('<a href="energy&lt;plot&gt;/html.html">');
    expect(html).toContain("<td>energy&lt;plot&gt;</td><td>mean_temp</td><td>300.1234567</td>");
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
