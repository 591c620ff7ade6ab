/**
 * A plain HTTP(S) request function for dynamic providers, and the tagged network error it throws.
 * Runs in the provider host (see README.md in this folder): node built-ins only.
 */
import * as http from "http";
import * as https from "https";
import { taggedError } from "./errors";

export interface HttpRequest {
  method: string;
  /** Path below the connection's base URL, e.g. `/apis/v2beta1/healthz`. */
  path: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  body?: Buffer;
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export type HttpRequester = (req: HttpRequest) => Promise<HttpResponse>;

/** A connection-level failure (no HTTP status): refused, reset, DNS, TLS, or our own timeout. */
export type NetworkError = Error & { networkCode: string };

export function networkError(message: string, code: string): NetworkError {
  return taggedError("NetworkError", message, { networkCode: code });
}

export function isNetworkError(e: unknown): e is NetworkError {
  return e instanceof Error && typeof (e as Partial<NetworkError>).networkCode === "string";
}

export interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

export interface Connection {
  /** Root URL that request paths are appended to; no trailing slash. */
  baseUrl: string;
  headers: Record<string, string>;
  tls: TlsOptions;
}

export function buildUrl(baseUrl: string, reqPath: string, query?: Record<string, string | undefined>): URL {
  const url = new URL(baseUrl + reqPath);
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined) url.searchParams.set(k, v);
  }
  return url;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** An answer longer than the requester's limit: reading stopped there (not retried: it would be as long again). */
export type ResponseTooLargeError = Error & { limitBytes: number };

export function isResponseTooLarge(e: unknown): e is ResponseTooLargeError {
  return e instanceof Error && e.name === "ResponseTooLarge";
}

/**
 * Requests to one connection; with an agent (e.g. keep-alive, holding the TLS options), through it.
 * `maxResponseBytes` bounds what one answer may hold in memory (default: no bound).
 */
export function requesterFor(conn: Connection, agent?: http.Agent, maxResponseBytes = Infinity): HttpRequester {
  return (req) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const url = buildUrl(conn.baseUrl, req.path, req.query);
      const isHttps = url.protocol === "https:";
      const options: https.RequestOptions = {
        method: req.method,
        headers: {
          accept: "application/json",
          ...conn.headers,
          ...(req.headers ?? {}),
          ...(req.body ? { "content-length": String(req.body.length) } : {}),
        },
        ...(agent ? { agent } : isHttps ? { ...conn.tls, agent: false } : {}),
      };
      const client = isHttps ? https : http;
      const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const request = client.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const tooLarge = () => {
          const limit = `${Math.round((maxResponseBytes / 2 ** 20) * 10) / 10} MiB`;
          const message = `${req.method} ${url.pathname}: the answer is over ${limit}; stopped reading it`;
          reject(taggedError("ResponseTooLarge", message, { limitBytes: maxResponseBytes }));
          request.destroy();
        };
        // A declared length over the limit fails before reading; an undeclared one where the limit is passed.
        if (Number(res.headers["content-length"] ?? 0) > maxResponseBytes) return tooLarge();
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxResponseBytes) tooLarge();
          else chunks.push(c);
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on("error", (e) => reject(networkError(`${req.method} ${url.pathname}: ${e.message}`, "ECONNRESET")));
      });
      request.setTimeout(timeoutMs, () => {
        request.destroy(networkError(`${req.method} ${url.pathname}: no answer within ${timeoutMs} ms`, "ETIMEDOUT"));
      });
      request.on("error", (e: NodeJS.ErrnoException) => {
        if (isNetworkError(e)) return reject(e);
        reject(networkError(`${req.method} ${url.origin}${url.pathname}: ${e.message}`, e.code ?? "ENETWORK"));
      });
      if (req.body) request.write(req.body);
      request.end();
    });
}
