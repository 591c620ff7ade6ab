/**
 * A loopback stand-in for the KFP 2.17.0 v2beta1 API (the subset the stack uses, plus `upload`).
 * Every request is validated against the swagger first and rejected with 400 when invalid, like the
 * real server; every response it sends is validated too (violations collected in `responseViolations`).
 * Faults (statuses, delays, connection resets) and run outcomes can be injected.
 */
import * as http from "http";
import * as https from "https";
import { AddressInfo } from "net";
import { GRPC_CODE, HttpError, RunOutcome, StoreOptions, StoreState, handleRequest } from "./fake-kfp-store";
import { KubeApiOptions, answerKubeApi } from "./fake-kube-api";
import { loadSwagger, Swagger, validateRequest, validateResponse, MatchedOperation } from "./swagger-validator";

export type { FakeRun, RunOutcome } from "./fake-kfp-store";

export interface Fault {
  method?: string;
  /** Substring or regex matched against the path below the prefix. */
  path?: string | RegExp;
  status?: number;
  message?: string;
  delayMs?: number;
  /** Close the connection without answering. */
  reset?: boolean;
  /** Answer HTTP 200 with this text instead of JSON (a proxy's HTML page). */
  body?: string;
  /** Answer the first half of the JSON body only, with a matching content-length. */
  truncate?: boolean;
  /** Handle the request normally, then answer `status`, `body` or `truncate`, or `reset` (a lost success). */
  afterHandling?: boolean;
  /** How many matching requests it affects (default 1). */
  times?: number;
  /** Side effect before the request is handled normally (e.g. another client racing us). */
  before?: (state: FakeKfpState) => void;
}

export interface FakeKfpOptions {
  port?: number;
  host?: string;
  /** Serve under this prefix, e.g. a kube service-proxy path. */
  pathPrefix?: string;
  /** When set, requests must carry `authorization: Bearer <token>`. */
  bearerToken?: string;
  swagger?: Swagger;
  /** Serve HTTPS with this certificate; with `ca`, also require a client certificate signed by it. */
  tls?: { cert: Buffer; key: Buffer; ca?: Buffer };
  runOutcome?: RunOutcome;
  /** GETs of a run before it reaches its outcome. */
  pollsToFinish?: number;
  /** Task that fails when runOutcome is FAILED (default: the first task of the IR). */
  failingTask?: string;
  onRunCreated?: StoreOptions["onRunCreated"];
  /**
   * Also act as the Kubernetes API server in front of KFP (use with a service-proxy `pathPrefix`): outside the
   * prefix, serve each run's Argo Workflow (by label `pipeline/runid`) and its pods' logs (fake-kube-api.ts).
   */
  kubeApi?: KubeApiOptions;
}

export interface FakeKfpState extends StoreState {
  requests: { method: string; path: string; query: Record<string, string>; body?: unknown; status: number }[];
  requestViolations: string[];
  responseViolations: string[];
  faults: Fault[];
  options: StoreOptions & FakeKfpOptions;
}

export interface FakeKfp {
  url: string;
  state: FakeKfpState;
  injectFault(fault: Fault): void;
  close(): Promise<void>;
}

function parseMultipart(contentType: string, body: Buffer): Record<string, { isFile: boolean; content: string }> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) throw new HttpError(400, "multipart body without boundary");
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const fields: Record<string, { isFile: boolean; content: string }> = {};
  for (const part of body.toString("utf8").split(delimiter).slice(1)) {
    if (part.startsWith("--")) break;
    const [head, ...rest] = part.replace(/^\r\n/, "").split("\r\n\r\n");
    const name = /name="([^"]*)"/.exec(head)?.[1];
    if (!name) throw new HttpError(400, "multipart part without a name");
    fields[name] = { isFile: /filename="/.test(head), content: rest.join("\r\n\r\n").replace(/\r\n$/, "") };
  }
  return fields;
}

let cachedSwagger: Swagger | undefined;

export async function startFakeKfp(opts: FakeKfpOptions = {}): Promise<FakeKfp> {
  const swagger = opts.swagger ?? (cachedSwagger ??= loadSwagger());
  const prefix = (opts.pathPrefix ?? "").replace(/\/+$/, "");
  const state: FakeKfpState = {
    pipelines: new Map(),
    versions: new Map(),
    experiments: new Map(),
    runs: new Map(),
    requests: [],
    requestViolations: [],
    responseViolations: [],
    faults: [],
    options: { runOutcome: "SUCCEEDED", pollsToFinish: 2, ...opts },
  };

  function takeFault(method: string, path: string): Fault | undefined {
    const i = state.faults.findIndex(
      (f) =>
        (!f.method || f.method === method) &&
        (!f.path || (typeof f.path === "string" ? path.includes(f.path) : f.path.test(path))),
    );
    if (i < 0) return undefined;
    const f = state.faults[i];
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) state.faults.splice(i, 1);
    return f;
  }

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => void serve(req, res, Buffer.concat(chunks)));
  };
  const server = opts.tls
    ? https.createServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          ca: opts.tls.ca,
          requestCert: !!opts.tls.ca,
          rejectUnauthorized: !!opts.tls.ca,
        },
        onRequest,
      )
    : http.createServer(onRequest);

  async function serve(req: http.IncomingMessage, res: http.ServerResponse, raw: Buffer): Promise<void> {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://fake");
    const send = (status: number, body: unknown, match?: MatchedOperation): void => {
      if (match) {
        const violations = validateResponse(swagger, match.operation, status, body);
        state.responseViolations.push(...violations.map((v) => `${method} ${url.pathname}: ${v}`));
      }
      const text = JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    const error = (status: number, message: string, match?: MatchedOperation): void =>
      send(status, { code: GRPC_CODE[status] ?? 2, message, details: [] }, match);

    let kube = opts.kubeApi && answerKubeApi(state, opts.kubeApi, method, url.pathname, url.searchParams);
    if (!url.pathname.startsWith(prefix + "/") || kube) {
      if (!kube) return error(404, `path ${url.pathname} is outside ${prefix || "/"}`);
      if (opts.bearerToken && req.headers.authorization !== `Bearer ${opts.bearerToken}`) {
        const body = { kind: "Status", apiVersion: "v1", status: "Failure", message: "Unauthorized", code: 401 };
        kube = { status: 401, body: JSON.stringify(body), contentType: "application/json" };
      }
      state.requests.push({
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: kube.status,
      });
      res.writeHead(kube.status, { "content-type": kube.contentType, "content-length": Buffer.byteLength(kube.body) });
      res.end(kube.body);
      return;
    }
    const path = url.pathname.slice(prefix.length);
    const record = { method, path, query: Object.fromEntries(url.searchParams), body: undefined as unknown, status: 0 };
    state.requests.push(record);
    const reply = (status: number, body: unknown, match?: MatchedOperation): void => {
      record.status = status;
      send(status, body, match);
    };

    if (opts.bearerToken && req.headers.authorization !== `Bearer ${opts.bearerToken}`) {
      record.status = 401;
      return send(401, {
        kind: "Status",
        apiVersion: "v1",
        status: "Failure",
        message: "Unauthorized",
        reason: "Unauthorized",
        code: 401,
      });
    }
    const drop = (): void => {
      record.status = -1;
      req.socket.destroy();
    };
    const text200 = (text: string, contentType: string): void => {
      record.status = 200;
      res.writeHead(200, { "content-type": contentType });
      res.end(text);
    };
    const fault = takeFault(method, path);
    fault?.before?.(state);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.reset && !fault.afterHandling) return drop();
    if (fault?.body !== undefined && !fault.afterHandling) return text200(fault.body, "text/html");
    if (fault?.status && !fault.afterHandling) {
      record.status = fault.status;
      return error(fault.status, fault.message ?? `injected HTTP ${fault.status}`);
    }

    const contentType = req.headers["content-type"];
    let json: unknown;
    let form: Record<string, { isFile: boolean; content: string }> | undefined;
    try {
      if (contentType?.startsWith("multipart/form-data")) form = parseMultipart(contentType, raw);
      else if (raw.length > 0) json = JSON.parse(raw.toString("utf8"));
    } catch (e) {
      return reply(400, { code: 3, message: `malformed request body: ${(e as Error).message}`, details: [] });
    }
    record.body = json ?? (form ? Object.keys(form) : undefined);
    const { errors, match } = validateRequest(swagger, {
      method,
      pathname: path,
      query: url.searchParams,
      contentType,
      json,
      formFields: form,
    });
    if (errors.length > 0 || !match) {
      state.requestViolations.push(...errors.map((e) => `${method} ${path}: ${e}`));
      const status = match ? 400 : 404;
      return reply(
        status,
        { code: GRPC_CODE[status], message: `invalid request: ${errors.join("; ")}`, details: [] },
        match,
      );
    }
    try {
      const answer = handleRequest(state, {
        method,
        path,
        query: url.searchParams,
        body: json,
        form: form ?? {},
        match,
      });
      if (fault?.reset) return drop();
      if (fault?.body !== undefined) return text200(fault.body, "text/html");
      if (fault?.truncate) {
        const text = JSON.stringify(answer);
        return text200(text.slice(0, Math.floor(text.length / 2)), "application/json");
      }
      if (fault?.status)
        return reply(fault.status, {
          code: GRPC_CODE[fault.status] ?? 2,
          message: fault.message ?? `injected HTTP ${fault.status}`,
          details: [],
        });
      reply(200, answer, match);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      if (match.template.includes("/pipelines/upload")) {
        // KFP's upload handlers answer errors in their own shape, not the swagger's googleRpcStatus.
        return reply(status, { error_message: (e as Error).message, error_details: (e as Error).message });
      }
      reply(status, { code: GRPC_CODE[status] ?? 2, message: (e as Error).message, details: [] }, match);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `${opts.tls ? "https" : "http"}://${address.address}:${address.port}${prefix}`,
    state,
    injectFault: (fault) => state.faults.push({ times: 1, ...fault }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
