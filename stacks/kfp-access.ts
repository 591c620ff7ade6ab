/**
 * How the stack reaches the KFP REST API, and a plain HTTP(S) request function built from it.
 * No Pulumi here: dynamic providers serialize whatever they capture, so this module only uses
 * node built-ins and `yaml`.
 */
import * as http from "http";
import * as https from "https";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";

export type KfpAccess =
  | {
      kind: "kubeProxy";
      kubeconfig: string; // file CONTENTS
      context?: string;
      namespace: string;
      service: string;
      port: number;
    }
  | { kind: "endpoint"; baseUrl: string; bearerToken?: string };

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

export interface KubeCredentials {
  server: string;
  token?: string;
  tls: TlsOptions;
}

type YamlMap = Record<string, unknown>;

function asMap(value: unknown): YamlMap {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as YamlMap) : {};
}

function namedEntry(list: unknown, name: string, what: string): YamlMap {
  const entries = Array.isArray(list) ? list.map(asMap) : [];
  const found = entries.find((e) => e.name === name);
  if (!found) {
    const known = entries.map((e) => String(e.name)).join(", ") || "none";
    throw new Error(`kubeconfig: ${what} "${name}" not found (known: ${known}); fix the context/kubeconfig setting`);
  }
  return asMap(found[what]);
}

function fileOrData(
  map: YamlMap,
  fileKey: string,
  dataKey: string,
  readFile: (p: string) => Buffer,
): Buffer | undefined {
  const data = map[dataKey];
  if (typeof data === "string" && data.length > 0) return Buffer.from(data, "base64");
  const file = map[fileKey];
  if (typeof file === "string" && file.length > 0) {
    if (!path.isAbsolute(file)) {
      throw new Error(
        `kubeconfig: ${fileKey} "${file}" is a relative path; the kubeconfig is passed by contents, so use an absolute path or ${dataKey}`,
      );
    }
    return readFile(file);
  }
  return undefined;
}

/** Server, token and TLS material of one kubeconfig context (default: current-context). */
export function kubeCredentials(
  kubeconfig: string,
  context?: string,
  readFile: (p: string) => Buffer = (p) => fs.readFileSync(p),
): KubeCredentials {
  let doc: YamlMap;
  try {
    doc = asMap(parseYaml(kubeconfig));
  } catch (e) {
    throw new Error(`kubeconfig: not valid YAML (${(e as Error).message}); pass the file's contents`);
  }
  const contextName = context ?? (typeof doc["current-context"] === "string" ? doc["current-context"] : "");
  if (!contextName) throw new Error("kubeconfig: no context given and no current-context set; set the context");
  const ctx = namedEntry(doc.contexts, contextName, "context");
  const cluster = namedEntry(doc.clusters, String(ctx.cluster ?? ""), "cluster");
  const user = ctx.user === undefined ? {} : namedEntry(doc.users, String(ctx.user), "user");
  const server = cluster.server;
  if (typeof server !== "string" || !server) {
    throw new Error(`kubeconfig: cluster of context "${contextName}" has no server URL`);
  }
  if (user.exec || user["auth-provider"]) {
    throw new Error(
      `kubeconfig: user of context "${contextName}" uses exec/auth-provider credentials, which this stack cannot run; use a token or client certificate, or an explicit endpoint`,
    );
  }
  const token = typeof user.token === "string" && user.token ? user.token : undefined;
  return {
    server: server.replace(/\/+$/, ""),
    token,
    tls: {
      ca: fileOrData(cluster, "certificate-authority", "certificate-authority-data", readFile),
      cert: fileOrData(user, "client-certificate", "client-certificate-data", readFile),
      key: fileOrData(user, "client-key", "client-key-data", readFile),
      rejectUnauthorized: cluster["insecure-skip-tls-verify"] !== true,
    },
  };
}

export function kubeServiceProxyPath(namespace: string, service: string, port: number): string {
  const enc = encodeURIComponent;
  return `/api/v1/namespaces/${enc(namespace)}/services/${enc(service)}:${port}/proxy`;
}

/** The API server of a kubeconfig context (optionally a path below it), with that context's credentials. */
export function kubeConnection(
  kubeconfig: string,
  context: string | undefined,
  basePath = "",
  readFile?: (p: string) => Buffer,
): Connection {
  const creds = kubeCredentials(kubeconfig, context, readFile);
  return {
    baseUrl: creds.server + basePath,
    headers: creds.token ? { authorization: `Bearer ${creds.token}` } : {},
    tls: creds.tls,
  };
}

export function connectionFor(access: KfpAccess, readFile?: (p: string) => Buffer): Connection {
  if (access.kind === "endpoint") {
    if (!/^https?:\/\//.test(access.baseUrl)) {
      throw new Error(`KFP endpoint "${access.baseUrl}" must start with http:// or https://`);
    }
    return {
      baseUrl: access.baseUrl.replace(/\/+$/, ""),
      headers: access.bearerToken ? { authorization: `Bearer ${access.bearerToken}` } : {},
      tls: { rejectUnauthorized: true },
    };
  }
  if (access.kind === "kubeProxy") {
    return kubeConnection(
      access.kubeconfig,
      access.context,
      kubeServiceProxyPath(access.namespace, access.service, access.port),
      readFile,
    );
  }
  throw new Error(`KFP access kind "${(access as { kind: string }).kind}" is unknown; use "kubeProxy" or "endpoint"`);
}

/** Where the KFP UI is, for links: the ml-pipeline-ui service through the same proxy, or the endpoint. */
export function defaultUiBaseUrl(access: KfpAccess): string {
  if (access.kind === "endpoint") return access.baseUrl.replace(/\/+$/, "");
  const creds = kubeCredentials(access.kubeconfig, access.context, () => Buffer.alloc(0));
  return creds.server + kubeServiceProxyPath(access.namespace, "ml-pipeline-ui", 80);
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

export function requesterForAccess(access: KfpAccess): HttpRequester {
  return requesterFor(connectionFor(access));
}
