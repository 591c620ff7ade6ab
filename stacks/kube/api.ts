/**
 * The few Kubernetes API calls ManifestSet needs (discovery, server-side apply, get, delete) over one
 * keep-alive connection pool. No Pulumi here: the dynamic provider serializes what it captures.
 */
import * as http from "http";
import * as https from "https";
import { isNetworkError, requesterFor } from "../dynamic/http";
import { sleep } from "../dynamic/retry";
import { kubeConnection } from "./credentials";
import { KubeObject, ObjectRef } from "./object";

export interface KubeAccess {
  /** Kubeconfig file CONTENTS. */
  kubeconfig: string;
  context?: string;
}

export interface KubeResponse {
  status: number;
  body: KubeObject | undefined;
}

export interface KubeTransport {
  request(method: string, path: string, body?: string, contentType?: string): Promise<KubeResponse>;
  close(): void;
}

export type KubeApiError = Error & { status: number; path: string };

export function kubeApiError(method: string, path: string, status: number, body: KubeObject | undefined): KubeApiError {
  const detail = typeof body?.message === "string" ? body.message : "(no message)";
  return Object.assign(new Error(`Kubernetes API ${method} ${path} answered HTTP ${status}: ${detail}`), {
    name: "KubeApiError",
    status,
    path,
  });
}

export function isKubeApiError(e: unknown): e is KubeApiError {
  return e instanceof Error && e.name === "KubeApiError";
}

const RETRIED_STATUSES = [429, 500, 502, 503, 504];

function isRetried(e: unknown): boolean {
  return isNetworkError(e) || (isKubeApiError(e) && RETRIED_STATUSES.includes(e.status));
}

/** Requests over one keep-alive pool (TLS material in the agent), bodies parsed as JSON. */
export function httpTransport(access: KubeAccess, timeoutMs = 30_000): KubeTransport {
  const conn = kubeConnection(access.kubeconfig, access.context);
  const agent = conn.baseUrl.startsWith("https:")
    ? new https.Agent({ keepAlive: true, maxSockets: 16, ...conn.tls })
    : new http.Agent({ keepAlive: true, maxSockets: 16 });
  const send = requesterFor(conn, agent);
  return {
    request: async (method, path, body, contentType) => {
      const res = await send({
        method,
        path,
        timeoutMs,
        ...(body === undefined
          ? {}
          : { body: Buffer.from(body), headers: { "content-type": contentType ?? "application/json" } }),
      });
      return { status: res.status, body: parseBody(res.body.toString("utf8")) };
    },
    close: () => agent.destroy(),
  };
}

function parseBody(text: string): KubeObject | undefined {
  try {
    return text ? (JSON.parse(text) as KubeObject) : undefined;
  } catch {
    return { message: text.slice(0, 300) };
  }
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export interface KubeApiOptions {
  attempts?: number;
  retryDelayMs?: number;
  wait?: (ms: number) => Promise<void>;
}

/** Discovery, server-side apply, get and delete, with retries of transient failures. */
export class KubeApi {
  // Assigned in the constructor: closure serialization drops class field initializers.
  private readonly discovered: Record<string, Promise<ApiResource[]>>;
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(
    private readonly transport: KubeTransport,
    options: KubeApiOptions = {},
  ) {
    this.discovered = {};
    this.attempts = options.attempts ?? 5;
    this.retryDelayMs = options.retryDelayMs ?? 500;
    this.wait = options.wait ?? sleep;
  }

  private async call(
    method: string,
    path: string,
    ok: number[],
    body?: string,
    contentType?: string,
  ): Promise<KubeResponse> {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await this.transport.request(method, path, body, contentType);
        if (!ok.includes(res.status) && !(res.status >= 200 && res.status < 300))
          throw kubeApiError(method, path, res.status, res.body);
        return res;
      } catch (e) {
        if (!isRetried(e) || attempt >= this.attempts) throw e;
        await this.wait(this.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  /** The REST resource serving a kind, or undefined when the API server does not know it (yet). */
  async resourceFor(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    // One discovery request per apiVersion, however many objects ask at once.
    this.discovered[apiVersion] ??= this.discover(apiVersion);
    try {
      return (await this.discovered[apiVersion]).find((r) => r.kind === kind);
    } catch (e) {
      delete this.discovered[apiVersion];
      throw e;
    }
  }

  private async discover(apiVersion: string): Promise<ApiResource[]> {
    const res = await this.call("GET", apiPath(apiVersion), [404]);
    if (res.status === 404) return [];
    return (res.body?.resources ?? []).filter((r: ApiResource) => !r.name.includes("/"));
  }

  /** Forgets what discovery said about an apiVersion (after its CRD is established). */
  forget(apiVersion: string): void {
    delete this.discovered[apiVersion];
  }

  async pathOf(ref: ObjectRef): Promise<string> {
    const resource = await this.resourceFor(ref.apiVersion, ref.kind);
    if (!resource) {
      throw new Error(
        `the API server serves no ${ref.kind} in ${ref.apiVersion} (for ${describeRef(ref)}); is its CRD installed?`,
      );
    }
    const scope = resource.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace ?? "default")}` : "";
    return `${apiPath(ref.apiVersion)}${scope}/${resource.name}/${encodeURIComponent(ref.name)}`;
  }

  /** Server-side apply with a field manager, taking over conflicting fields (`kubectl apply --server-side --force-conflicts`). */
  async apply(obj: KubeObject, fieldManager: string): Promise<KubeObject> {
    const path = await this.pathOf(refOf(obj));
    const query = `?fieldManager=${encodeURIComponent(fieldManager)}&force=true`;
    const res = await this.call("PATCH", path + query, [], JSON.stringify(obj), "application/apply-patch+yaml");
    return res.body ?? {};
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const res = await this.call("GET", await this.pathOf(ref), [404]);
    return res.status === 404 ? undefined : res.body;
  }

  /** Deletes (background propagation); false when it was already gone. */
  async delete(ref: ObjectRef): Promise<boolean> {
    const resource = await this.resourceFor(ref.apiVersion, ref.kind);
    if (!resource) return false; // its CRD is gone, so is it
    const body = JSON.stringify({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
    const res = await this.call("DELETE", await this.pathOf(ref), [404], body);
    return res.status !== 404;
  }
}

/** The core group's versions are served under /api, every other group's under /apis. */
function apiPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

export function refOf(obj: KubeObject): ObjectRef {
  const namespace = obj.metadata?.namespace;
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata?.name, ...(namespace ? { namespace } : {}) };
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/** Runs fn over items with at most `limit` in flight; rejects with the first failure after all settle. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    throw new Error(
      `${errors.length} operations failed:\n${errors.map((e) => `- ${(e as Error).message}`).join("\n")}`,
    );
  }
}
