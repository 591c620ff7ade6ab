/**
 * Kubeconfig handling, in one resolver: pick a context (default the current-context), its cluster and its
 * user. Two callers word its errors for their readers: the stack (minifyKubeconfig, naming the config keys)
 * and the provider host (kubeCredentials → kubeConnection, which runs there: node built-ins and `yaml` only).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import type { Connection, TlsOptions } from "../dynamic/http";

type YamlMap = Record<string, unknown>;

function asMap(value: unknown): YamlMap {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as YamlMap) : {};
}

/** How one caller words each problem the resolver finds. */
export interface KubeconfigMessages {
  invalidYaml: (detail: string) => string;
  /** When set, a document without a `contexts` list is rejected with this message. */
  noContexts?: string;
  noCurrentContext: (known: string[]) => string;
  unknownContext: (name: string, known: string[]) => string;
  unknownCluster: (context: string, cluster: string, known: string[]) => string;
  noServer: (context: string, cluster: string) => string;
  unknownUser: (context: string, user: string, known: string[]) => string;
  /** False when a context may name no user (then it has none). */
  userRequired: boolean;
}

export interface ResolvedContext {
  name: string;
  /** The list entries as written (`{name, context}`, `{name, cluster}`, `{name, user}`). */
  context: YamlMap;
  cluster: YamlMap;
  user?: YamlMap;
  server: string;
}

const namesOf = (list: YamlMap[]): string[] => list.map((e) => String(e.name));

/** Resolves `context` (or the current-context when empty) of a kubeconfig's contents, or throws `fail(message)`. */
export function resolveContext(
  contents: string,
  context: string | undefined,
  m: KubeconfigMessages,
  fail: (message: string) => Error,
): ResolvedContext {
  let doc: YamlMap;
  try {
    doc = asMap(YAML.parse(contents));
  } catch (e) {
    throw fail(m.invalidYaml((e as Error).message));
  }
  if (m.noContexts !== undefined && !Array.isArray(doc.contexts)) throw fail(m.noContexts);
  const list = (key: string): YamlMap[] => (Array.isArray(doc[key]) ? (doc[key] as unknown[]).map(asMap) : []);
  const contexts = list("contexts");
  const current = typeof doc["current-context"] === "string" ? doc["current-context"] : "";
  const name = context || current;
  if (!name) throw fail(m.noCurrentContext(namesOf(contexts)));
  const ctx = contexts.find((c) => c.name === name);
  if (!ctx?.context) throw fail(m.unknownContext(name, namesOf(contexts)));
  const body = asMap(ctx.context);
  const clusterName = String(body.cluster ?? "");
  const cluster = list("clusters").find((c) => c.name === clusterName);
  if (!cluster) throw fail(m.unknownCluster(name, clusterName, namesOf(list("clusters"))));
  const server = asMap(cluster.cluster).server;
  if (typeof server !== "string" || !server) throw fail(m.noServer(name, clusterName));
  let user: YamlMap | undefined;
  if (body.user !== undefined || m.userRequired) {
    const userName = String(body.user ?? "");
    user = list("users").find((u) => u.name === userName);
    if (!user) throw fail(m.unknownUser(name, userName, namesOf(list("users"))));
  }
  return { name, context: ctx, cluster, user, server };
}

// ---- The stack's side: one context of the configured file, errors naming the config keys ----

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KubeconfigError";
  }
}

function stackMessages(origin: string): KubeconfigMessages {
  const notInFile = (name: string, known: string[]) =>
    `context "${name}" is not in ${origin} (it has: ${known.join(", ") || "none"}). ` +
    "Fix: npm run config -- set --path cluster.context <one of them>, or start the cluster first (minikube start -p <profile>).";
  const noServer = (name: string, cluster: string) =>
    `context "${name}" in ${origin} names cluster "${cluster}", which has no server.`;
  return {
    invalidYaml: (detail) =>
      `${origin} is not valid YAML (${detail.split("\n")[0]}). Fix: point cluster.kubeconfig at a kubeconfig file.`,
    noContexts: `${origin} is not a kubeconfig (no contexts). Fix: point cluster.kubeconfig at a kubeconfig file.`,
    noCurrentContext: (known) =>
      `${origin} has no current-context. Fix: npm run config -- set --path cluster.context <one of: ${known.join(", ")}>`,
    unknownContext: notInFile,
    unknownCluster: noServer,
    noServer,
    unknownUser: (name, user) => `context "${name}" in ${origin} names user "${user}", which is not defined.`,
    userRequired: true,
  };
}

/**
 * Returns a kubeconfig with only `context` (or the current-context when empty), its cluster and its user,
 * and the names it resolved. Errors name the config key to change.
 */
export function minifyKubeconfig(
  contents: string,
  context: string,
  origin: string,
): { kubeconfig: string; context: string; server: string } {
  const r = resolveContext(contents, context, stackMessages(origin), (message) => new KubeconfigError(message));
  const minified = {
    apiVersion: "v1",
    kind: "Config",
    "current-context": r.name,
    contexts: [r.context],
    clusters: [r.cluster],
    users: [r.user],
  };
  return { kubeconfig: YAML.stringify(minified), context: r.name, server: r.server };
}

// ---- The provider host's side: server, token and TLS material of a context ----

export interface KubeCredentials {
  server: string;
  token?: string;
  tls: TlsOptions;
}

const notFound = (what: string, name: string, known: string[]) =>
  `kubeconfig: ${what} "${name}" not found (known: ${known.join(", ") || "none"}); fix the context/kubeconfig setting`;

const HOST_MESSAGES: KubeconfigMessages = {
  invalidYaml: (detail) => `kubeconfig: not valid YAML (${detail}); pass the file's contents`,
  noCurrentContext: () => "kubeconfig: no context given and no current-context set; set the context",
  unknownContext: (name, known) => notFound("context", name, known),
  unknownCluster: (_context, cluster, known) => notFound("cluster", cluster, known),
  noServer: (context) => `kubeconfig: cluster of context "${context}" has no server URL`,
  unknownUser: (_context, user, known) => notFound("user", user, known),
  userRequired: false,
};

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
  const r = resolveContext(kubeconfig, context, HOST_MESSAGES, (message) => new Error(message));
  const cluster = asMap(r.cluster.cluster);
  const user = asMap(r.user?.user);
  if (user.exec || user["auth-provider"]) {
    throw new Error(
      `kubeconfig: user of context "${r.name}" uses exec/auth-provider credentials, which this stack cannot run; use a token or client certificate, or an explicit endpoint`,
    );
  }
  const token = typeof user.token === "string" && user.token ? user.token : undefined;
  return {
    server: r.server.replace(/\/+$/, ""),
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
