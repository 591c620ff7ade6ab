/**
 * A small S3 client for MinIO (path-style, AWS Signature Version 4): list a prefix, download an object.
 * What `npm run results` needs, plus bucket creation and upload for its tests; signing follows the SigV4 specification
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
 */
import { createHash, createHmac } from "crypto";
import { createWriteStream, renameSync, rmSync } from "fs";
import * as http from "http";
import * as https from "https";
import { printable } from "../printable";

export interface S3Options {
  /** `http(s)://host:port` of the S3 API. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** Default `us-east-1`, MinIO's default region. */
  region?: string;
  /** Per-request timeout. Default 30 s. */
  timeoutMs?: number;
}

export interface S3Object {
  key: string;
  size: number;
}

/** An S3 error answer (or a connection failure, status 0), with S3's own code. */
export type S3Error = Error & { status: number; s3Code: string };

function s3Error(message: string, status: number, s3Code: string): S3Error {
  return Object.assign(new Error(message), { name: "S3Error", status, s3Code });
}
export function isS3Error(e: unknown): e is S3Error {
  return e instanceof Error && e.name === "S3Error";
}

const sha256 = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data).digest();
/** RFC 3986 encoding as SigV4 wants it (encodeURIComponent leaves !'()* alone). */
const encode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Headers of a signed request; `now` is injectable for the known-answer test. */
export function signedHeaders(
  opts: S3Options,
  method: string,
  path: string,
  query: Record<string, string>,
  now = new Date(),
  body: Buffer = Buffer.alloc(0),
): Record<string, string> {
  const url = new URL(opts.endpoint);
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const region = opts.region ?? "us-east-1";
  const payload = sha256(body);
  const headers: Record<string, string> = { host: url.host, "x-amz-content-sha256": payload, "x-amz-date": amzDate };
  const names = Object.keys(headers).sort();
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((k) => `${encode(k)}=${encode(query[k])}`)
    .join("&");
  const canonical = [
    method,
    path.split("/").map(encode).join("/"),
    canonicalQuery,
    names.map((n) => `${n}:${headers[n]}\n`).join(""),
    names.join(";"),
    payload,
  ].join("\n");
  const scope = `${day}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${opts.secretKey}`, day), region), "s3"), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${opts.accessKey}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
  };
}

const xmlText = (s: string): string =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
const tag = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];

/**
 * An HTML page where S3's XML was expected (a console, a proxy's login or error page): said as such, with its
 * title, instead of reading it as an empty listing.
 */
function htmlAnswer(res: http.IncomingMessage, body: string): string | undefined {
  const html = /text\/html/i.test(String(res.headers["content-type"] ?? "")) || /^\s*<(!doctype html|html)/i.test(body);
  if (!html) return undefined;
  const title = /<title[^>]*>([^<]{0,120})/i.exec(body)?.[1]?.trim();
  return `HTTP ${res.statusCode}, an HTML page${title ? ` ("${printable(title)}")` : ""} instead of S3's XML: is the endpoint MinIO's S3 API (port 9000), not its console or a proxy?`;
}

/** A listing page is about 300 KB per 1000 keys; a far larger answer is not one. */
export const MAX_LIST_PAGE_BYTES = 16 * 2 ** 20;

export class S3Client {
  constructor(private readonly opts: S3Options) {
    if (!/^https?:\/\/[^/]+\/?$/.test(opts.endpoint)) {
      throw new Error(`S3 endpoint "${opts.endpoint}" must be http(s)://host:port`);
    }
  }

  /** Sends a signed request; resolves with a 2xx response for the caller to read or pipe. */
  private send(
    method: string,
    path: string,
    query: Record<string, string> = {},
    body?: Buffer,
  ): Promise<http.IncomingMessage> {
    const url = new URL(path, this.opts.endpoint);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const client = url.protocol === "https:" ? https : http;
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const headers = signedHeaders(this.opts, method, path, query, new Date(), body);
      if (body) headers["content-length"] = String(body.length);
      const req = client.request(url, { method, headers }, (res) => {
        if ((res.statusCode ?? 0) < 300) return resolve(res);
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          const html = htmlAnswer(res, body);
          if (html) return reject(s3Error(html, res.statusCode ?? 0, "HTMLAnswer"));
          const code = printable(tag(body, "Code") ?? `HTTP${res.statusCode}`);
          reject(
            s3Error(`${code}: ${printable(tag(body, "Message") ?? body.slice(0, 200))}`, res.statusCode ?? 0, code),
          );
        });
      });
      req.setTimeout(timeoutMs, () => req.destroy(s3Error(`no answer within ${timeoutMs} ms`, 0, "ETIMEDOUT")));
      req.on("error", (e: NodeJS.ErrnoException) =>
        reject(isS3Error(e) ? e : s3Error(`${url.origin}: ${e.message}`, 0, e.code ?? "ENETWORK")),
      );
      req.end(body);
    });
  }

  private get(path: string, query: Record<string, string> = {}): Promise<http.IncomingMessage> {
    return this.send("GET", path, query);
  }

  async createBucket(bucket: string): Promise<void> {
    (await this.send("PUT", `/${bucket}`, {}, Buffer.alloc(0))).resume();
  }

  async put(bucket: string, key: string, content: Buffer): Promise<void> {
    (await this.send("PUT", `/${bucket}/${key}`, {}, content)).resume();
  }

  /**
   * Every object under `prefix` (ListObjectsV2, all pages). A store that hands back a continuation token it
   * gave before, or says the listing is truncated without giving one, would page forever: that is an error.
   */
  async list(bucket: string, prefix: string): Promise<S3Object[]> {
    const objects: S3Object[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const query: Record<string, string> = {
        "list-type": "2",
        prefix,
        ...(token ? { "continuation-token": token } : {}),
      };
      const res = await this.get(`/${bucket}`, query);
      const chunks: Buffer[] = [];
      let bytes = 0;
      for await (const chunk of res) {
        bytes += (chunk as Buffer).length;
        if (bytes > MAX_LIST_PAGE_BYTES) {
          res.destroy();
          throw s3Error(
            `a listing page over ${MAX_LIST_PAGE_BYTES / 2 ** 20} MiB: not S3's answer`,
            res.statusCode ?? 0,
            "AnswerTooLarge",
          );
        }
        chunks.push(chunk as Buffer);
      }
      const xml = Buffer.concat(chunks).toString("utf8");
      const html = htmlAnswer(res, xml);
      if (html) throw s3Error(html, res.statusCode ?? 0, "HTMLAnswer");
      for (const entry of xml.match(/<Contents>[\s\S]*?<\/Contents>/g) ?? []) {
        objects.push({ key: xmlText(tag(entry, "Key") ?? ""), size: Number(tag(entry, "Size") ?? 0) });
      }
      if (tag(xml, "IsTruncated") !== "true") break;
      token = xmlText(tag(xml, "NextContinuationToken") ?? "");
      // Status 0 means "unreachable" to callers; these came with a status.
      const status = res.statusCode ?? 200;
      if (!token) throw s3Error("the listing is truncated but names no continuation token", status, "BadListing");
      if (seen.has(token)) {
        throw s3Error(
          `the store repeated the continuation token ${JSON.stringify(printable(token.slice(0, 80)))}: stopped listing instead of looping`,
          status,
          "BadListing",
        );
      }
      seen.add(token);
    } while (token);
    return objects;
  }

  /**
   * Downloads an object to `file` through `file.part`, renamed only once complete: an interrupted or
   * failed download (a full disk) leaves no file behind that looks finished.
   */
  async download(bucket: string, key: string, file: string): Promise<number> {
    const res = await this.get(`/${bucket}/${key}`);
    const partial = `${file}.part`;
    try {
      const bytes = await new Promise<number>((resolve, reject) => {
        let size = 0;
        const out = createWriteStream(partial);
        res.on("data", (c: Buffer) => (size += c.length));
        res.on("error", reject);
        out.on("error", reject);
        out.on("finish", () => resolve(size));
        res.pipe(out);
      });
      renameSync(partial, file);
      return bytes;
    } catch (error) {
      res.destroy();
      rmSync(partial, { force: true });
      throw error;
    }
  }
}
