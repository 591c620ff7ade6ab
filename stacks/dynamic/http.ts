/**
 * A plain HTTP(S) request function for dynamic providers, and the tagged network error it throws.
 * No Pulumi here: dynamic providers serialize whatever they capture, so this module only uses
 * node built-ins.
 */
import * as http from "http";
import * as https from "https";

export interface HttpRequest {
  method: string;
  /** Path below the KFP root, e.g. `/apis/v2beta1/healthz`. */
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

/**
 * A connection-level failure (no HTTP status): refused, reset, DNS, TLS, or our own timeout.
 * Plain Errors with a tag, not subclasses: Pulumi's closure serialization rewrites classes so that
 * `super(message)` no longer sets the message of an Error subclass.
 */
export type KfpNetworkError = Error & { networkCode: string };

export function networkError(message: string, code: string): KfpNetworkError {
  return Object.assign(new Error(message), { name: "KfpNetworkError", networkCode: code });
}

export function isNetworkError(e: unknown): e is KfpNetworkError {
  return e instanceof Error && typeof (e as Partial<KfpNetworkError>).networkCode === "string";
}

export interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

export interface Connection {
  /** Root URL that KFP paths (`/apis/v2beta1/...`) are appended to; no trailing slash. */
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

/** Requests to one connection; with an agent (e.g. keep-alive, holding the TLS options), through it. */
export function requesterFor(conn: Connection, agent?: http.Agent): HttpRequester {
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
        res.on("data", (c: Buffer) => chunks.push(c));
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
