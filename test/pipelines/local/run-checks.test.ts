import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { checkStructureParams, irIsStale } from "../../../pipelines/local/run-checks";
import { runFiles, writeIndexPage } from "../../../pipelines/local/index-page";

const DEFAULTS = { pdb_code: "1aki", pdb_source: "/nowhere" };

function dataDir(): string {
  const root = mkdtempSync(join(tmpdir(), "run-checks-"));
  mkdirSync(join(root, "data"));
  writeFileSync(join(root, "data", "1AKI.pdb"), "ATOM\n");
  return root;
}

describe("local runner: checks before any step runs", () => {
  it("takes a relative pdb_source from the current directory", () => {
    const root = dataDir();
    expect(checkStructureParams([["pdb_source", "data"]], DEFAULTS, root)).toEqual({
      pdbCode: "1aki",
      pdbSource: join(root, "data"),
    });
    expect(checkStructureParams([["pdb_source", "rcsb"]], DEFAULTS, root).pdbSource).toBe("rcsb");
  });

  it("names the parameter when pdb_source is not a directory or pdb_code is not there or malformed", () => {
    const root = dataDir();
    expect(() => checkStructureParams([["pdb_source", "data/1AKI.pdb"]], DEFAULTS, root)).toThrow(
      /^--param pdb_source=data\/1AKI.pdb: .* is not a directory/,
    );
    expect(() =>
      checkStructureParams(
        [
          ["pdb_source", "data"],
          ["pdb_code", "9xyz"],
        ],
        DEFAULTS,
        root,
      ),
    ).toThrow(/^--param pdb_code=9xyz: unknown PDB code, no 9xyz.pdb in .*\(available: 1aki\)/);
    expect(() => checkStructureParams([["pdb_code", "lysozyme"]], DEFAULTS, root)).toThrow(
      /^--param pdb_code=lysozyme: a PDB code is 4 letters or digits/,
    );
  });

  it("compiles the IR again when it is missing or older than a pipeline source", () => {
    const root = mkdtempSync(join(tmpdir(), "ir-age-"));
    mkdirSync(join(root, "src"));
    const source = join(root, "src", "pipeline.ts");
    const ir = join(root, "protein.yaml");
    writeFileSync(source, "x");
    expect(irIsStale(ir, [join(root, "src")])).toBe(true);
    writeFileSync(ir, "ir");
    utimesSync(source, new Date(1000), new Date(1000));
    expect(irIsStale(ir, [join(root, "src")])).toBe(false);
    utimesSync(source, new Date(), new Date(Date.now() + 60_000));
    expect(irIsStale(ir, [join(root, "src")])).toBe(true);
  });
});

describe("local runner: index.html", () => {
  it("links the run report first, then every result file, and leaves the runner's bookkeeping out", () => {
    const out = mkdtempSync(join(tmpdir(), "index-"));
    for (const [task, file, text] of [
      ["heat", "mdout.log", "log"],
      ["heat", "executor_output.json", "{}"],
      ["plot-heat", "plot.html", "<svg/>"],
      ["plot-heat", "metrics.json", '{"mean_temp": 300.5}'],
      ["run-report", "plot.html", "<svg/>"],
    ]) {
      mkdirSync(join(out, task), { recursive: true });
      writeFileSync(join(out, task, file), text);
    }
    expect(runFiles(out).map((f) => f.path)).toEqual([
      "run-report/plot.html",
      "heat/mdout.log",
      "plot-heat/metrics.json",
      "plot-heat/plot.html",
    ]);
    const page = readFileSync(writeIndexPage(out, "local run"), "utf8");
    expect(page.indexOf('href="run-report/plot.html"')).toBeLessThan(page.indexOf('href="plot-heat/plot.html"'));
    expect(page).toContain('href="heat/mdout.log"');
    expect(page).toContain("mean_temp");
    expect(page).not.toContain("executor_output.json");
  });
});
