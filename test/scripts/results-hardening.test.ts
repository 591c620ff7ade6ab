import * as http from "http";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "fs";
import { AddressInfo } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { downloadResults, planDownloads, Store } from "../../scripts/results/download-results";
import { isS3Error, S3Client } from "../../scripts/results/s3";
import { explain } from "../../scripts/results/main";

/** An S3 endpoint whose every answer `answer` writes. */
async function fakeS3(answer: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void) {
  let n = 0;
  const server = http.createServer((req, res) => answer(req, res, n++));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const client = new S3Client({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    accessKey: "a",
    secretKey: "s",
  });
  return { client, requests: () => n, close: () => new Promise((r) => server.close(r)) };
}

const page = (keys: string[], next?: string) =>
  `<?xml version="1.0"?><ListBucketResult>${keys.map((k) => `<Contents><Key>${k}</Key><Size>1</Size></Contents>`).join("")}` +
  `<IsTruncated>${next !== undefined}</IsTruncated>${next ? `<NextContinuationToken>${next}</NextContinuationToken>` : ""}</ListBucketResult>`;

describe("S3Client.list against a misbehaving store", () => {
  it("stops when the store repeats a continuation token, instead of listing forever", async () => {
    const s3 = await fakeS3((req, res, n) => res.end(page([`k${n}`], n === 0 ? "t1" : "t2")));
    try {
      const error = await s3.client.list("mlpipeline", "v2/").catch((e: Error) => e);
      expect(isS3Error(error) && error.s3Code).toBe("BadListing");
      expect((error as Error).message).toMatch(/the store repeated the continuation token "t2": stopped listing/);
      expect(s3.requests()).toBe(3);
      expect(explain(error, "http://s3", "/out")).toBe((error as Error).message); // not "cannot reach"
    } finally {
      await s3.close();
    }
  });

  it("stops when a truncated listing names no continuation token", async () => {
    const s3 = await fakeS3((req, res) => res.end(page(["k"], "")));
    try {
      await expect(s3.client.list("mlpipeline", "v2/")).rejects.toThrow(/truncated but names no continuation token/);
    } finally {
      await s3.close();
    }
  });

  it("reports an HTML page as an HTML page, not as an empty listing", async () => {
    const s3 = await fakeS3((req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<!doctype html><html><head><title>MinIO Console\x1b[2J</title></head><body></body></html>");
    });
    try {
      const error = await s3.client.list("mlpipeline", "v2/").catch((e: Error) => e);
      expect(isS3Error(error) && error.s3Code).toBe("HTMLAnswer");
      expect((error as Error).message).toBe(
        "HTTP 200, an HTML page (\"MinIO Console[2J\") instead of S3's XML: is the endpoint MinIO's S3 API (port 9000), not its console or a proxy?",
      );
    } finally {
      await s3.close();
    }
  });

  it("reports a proxy's HTML error page as such", async () => {
    const s3 = await fakeS3((req, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html><head><title>502 Bad Gateway</title></head></html>");
    });
    try {
      await expect(s3.client.list("mlpipeline", "v2/")).rejects.toThrow(
        /^HTTP 502, an HTML page \("502 Bad Gateway"\)/,
      );
    } finally {
      await s3.close();
    }
  });
});

describe("object keys that would land outside the run folder", () => {
  const run = "r-1";
  const objects = [
    `v2/artifacts/p/${run}/plot/x1/output_html`,
    `v2/artifacts/p/${run}/../x2/..`,
    `v2/artifacts/p/${run}/../../../../etc/x3/output_pdb`,
    `v2/artifacts/p/${run}/plot/x4/..`,
    `v2/artifacts/p/${run}//x5/output_pdb`,
    `v2/artifacts/p/${run}/md/x6/`,
    `v2/artifacts/p/${run}/md/`,
  ].map((key) => ({ key, size: 1 }));

  it("plans none of them, names them, and skips folder markers (keys ending in /)", () => {
    const refused: string[] = [];
    const files = planDownloads(objects, run, false, new Map(), refused);
    expect(files.map((f) => f.path)).toEqual(["plot/plot.html"]);
    expect(refused.sort()).toEqual([1, 2, 3, 4].map((i) => objects[i].key).sort());
    const protein = planDownloads(
      [{ key: `v2/artifacts/p/${run}/md/x7/output_pdb`, size: 1 }],
      run,
      false,
      new Map([["md/x7", "../.."]]),
      refused,
    );
    expect(protein).toEqual([]);
  });

  it("writes nothing outside <out>/<run>, says what it left out, and refuses a run id that is a path", async () => {
    const root = mkdtempSync(join(tmpdir(), "results-escape-"));
    const out = join(root, "out");
    const lines: string[] = [];
    const store: Store = {
      list: async () => objects,
      download: async (bucket, key, file) => {
        if (!file.startsWith(join(out, run))) throw new Error(`wrote outside: ${file}`);
        return 1;
      },
    };
    try {
      const summary = await downloadResults(store, run, out, { trajectories: false, log: (l) => lines.push(l) });
      expect(summary.files.map((f) => f.path)).toEqual(["plot/plot.html"]);
      expect(lines.filter((l) => l.startsWith("left out "))).toHaveLength(4);
      expect(readdirSync(root)).toEqual(["out"]);
      await expect(downloadResults(store, "..", out, { trajectories: false, log: () => undefined })).rejects.toThrow(
        /--run "\.\." is not a run id/,
      );
      expect(existsSync(join(root, "index.html"))).toBe(false);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
