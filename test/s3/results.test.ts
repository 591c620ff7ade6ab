import { execFileSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { main } from "../../scripts/results/main";
import { S3Client } from "../../scripts/results/s3";
import { MinioServer, startMinio } from "./minio-server";

const RUN = "5f0c1d2e-0000-4000-8000-000000000001";
const OTHER_RUN = "5f0c1d2e-0000-4000-8000-000000000002";
const root = `v2/artifacts/protein-md/${RUN}`;
const SEEDED: Record<string, string | Buffer> = {
  [`${root}/energy-plot-min/aa11/output_html`]: "<html><svg></svg></html>",
  [`${root}/energy-plot-min/aa11/output_metrics`]: JSON.stringify({ final_energy: -1234.5 }),
  [`${root}/energy-plot-min/aa11/output_dat`]: "step energy\n1 -1\n",
  [`${root}/sander-free/bb22/output_log`]: "NSTEP = 100\n",
  [`${root}/sander-free/bb22/output_rst`]: "restart\n",
  [`${root}/sander-free/bb22/output_traj`]: Buffer.alloc(4096, 7),
  [`${root}/leap-add-ions/cc33/output_top`]: "%VERSION\n",
  [`${root}/leap-add-ions/cc33/output_pdb`]: "ATOM\n",
  [`v2/artifacts/protein-md/${OTHER_RUN}/sander-free/dd44/output_log`]: "someone else's\n",
};

let minio: MinioServer;
let stderr: string[];
let spy: jest.SpyInstance;

beforeAll(async () => {
  minio = await startMinio();
  const s3 = new S3Client(minio);
  await s3.createBucket("mlpipeline");
  for (const [key, content] of Object.entries(SEEDED)) await s3.put("mlpipeline", key, Buffer.from(content));
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
  const code = await main(["--s3-endpoint", minio.endpoint, ...argv], (text) => lines.push(text));
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
    expect(tree(join(out, RUN))).toEqual([
      "energy-plot-min/dat.dat",
      "energy-plot-min/html.html",
      "energy-plot-min/metrics.json",
      "index.html",
      "leap-add-ions/pdb.pdb",
      "leap-add-ions/top.parmtop",
      "sander-free/log.log",
      "sander-free/rst.rst",
    ]);
    expect(readFileSync(join(out, RUN, "sander-free/log.log"), "utf8")).toBe("NSTEP = 100\n");
    const index = readFileSync(join(out, RUN, "index.html"), "utf8");
    expect(index).toContain('<a href="energy-plot-min/html.html">');
    expect(index).toContain("<tr><td>energy-plot-min</td><td>final_energy</td><td>-1234.5</td></tr>");
    expect(printed).toContain("7 downloaded, 0 already complete");
    expect(printed).toMatch(/energy-plot-min\s+final_energy\s+-1234\.50/);
  });

  it("skips complete files on a re-run, fetches incomplete ones, and trajectories only with --trajectories", async () => {
    const out = mkdtempSync(join(tmpdir(), "results-"));
    expect((await results("--run", RUN, "--out", out)).code).toBe(0);
    writeFileSync(join(out, RUN, "sander-free/log.log"), "NST"); // an incomplete copy
    const again = await results("--run", RUN, "--out", out, "--trajectories");
    expect(again.code).toBe(0);
    expect(again.out).toContain("2 downloaded, 6 already complete");
    expect(readFileSync(join(out, RUN, "sander-free/log.log"), "utf8")).toBe("NSTEP = 100\n");
    expect(statSync(join(out, RUN, "sander-free/traj.nc")).size).toBe(4096);
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
      for (const file of left.filter((f) => f.startsWith(`${RUN}/`))) {
        const [task, name] = file.slice(RUN.length + 1).split(/[/.]/);
        const key = Object.keys(SEEDED).find((k) => k.startsWith(`${root}/${task}/`) && k.endsWith(`/output_${name}`));
        expect([file, statSync(join(mount, file)).size]).toEqual([file, Buffer.from(SEEDED[key!]).length]);
      }
      expect(left).not.toContain(`${RUN}/sander-free/traj.nc`);
    } finally {
      execFileSync("umount", [mount]);
    }
  });

  it("a ParallelFor's repeated task lands in numbered folders", async () => {
    const s3 = new S3Client(minio);
    const batch = "5f0c1d2e-0000-4000-8000-0000000000b1";
    for (const folder of ["e1", "e2"]) {
      await s3.put(
        "mlpipeline",
        `v2/artifacts/protein-batch/${batch}/fetch-pdb/${folder}/output_pdb`,
        Buffer.from(folder),
      );
    }
    const out = mkdtempSync(join(tmpdir(), "results-"));
    mkdirSync(out, { recursive: true });
    expect((await results("--run", batch, "--out", out)).code).toBe(0);
    expect(tree(join(out, batch))).toEqual(["fetch-pdb-2/pdb.pdb", "fetch-pdb/pdb.pdb", "index.html"]);
  });
});
