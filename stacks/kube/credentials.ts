/** Server, token and TLS material of one kubeconfig context, and a connection built from them; node built-ins and `yaml` only. */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { Connection, TlsOptions } from "../dynamic/http";

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
