/**
 * A loopback stand-in for the KFP 2.17.0 v2beta1 API (the subset the stack uses, plus `upload`).
 * Every request is validated against the swagger first and rejected with 400 when invalid, like the
 * real server; every response it sends is validated too (violations collected in `responseViolations`).
 * Faults (statuses, delays, connection resets) and run outcomes can be injected.
 */
import * as http from "http";
import * as https from "https";
import { AddressInfo } from "net";
import { randomUUID } from "crypto";
import { parse as parseYaml } from "yaml";
import { loadSwagger, Swagger, validateRequest, validateResponse, MatchedOperation } from "./swagger-validator";

export type RunOutcome = "SUCCEEDED" | "FAILED" | "RUNNING_FOREVER";

export interface Fault {
  method?: string;
  /** Substring or regex matched against the path below the prefix. */
  path?: string | RegExp;
  status?: number;
  message?: string;
  delayMs?: number;
  /** Close the connection without answering. */
  reset?: boolean;
  /** Handle the request normally, then answer `status` anyway (a gateway error hiding a success). */
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
}

interface Rec {
  [k: string]: unknown;
}
export interface FakeRun {
  run: Rec;
  polls: number;
  outcome: RunOutcome;
  tasks: string[];
  failingTask?: string;
}
export interface FakeKfpState {
  pipelines: Map<string, Rec>;
  versions: Map<string, Rec & { ir: string }>;
  experiments: Map<string, Rec>;
  runs: Map<string, FakeRun>;
  requests: { method: string; path: string; query: Record<string, string>; body?: unknown; status: number }[];
  requestViolations: string[];
  responseViolations: string[];
  faults: Fault[];
  options: Required<Pick<FakeKfpOptions, "runOutcome" | "pollsToFinish">> & FakeKfpOptions;
}

export interface FakeKfp {
  url: string;
  state: FakeKfpState;
  injectFault(fault: Fault): void;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 500: 13, 502: 14, 503: 14, 504: 4 };

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

function now(): string {
  return new Date().toISOString();
}

function nameFilter(query: URLSearchParams): string | undefined {
  const raw = query.get("filter");
  if (!raw) return undefined;
  const f = JSON.parse(raw) as { predicates?: { key?: string; operation?: string; string_value?: string }[] };
  const p = (f.predicates ?? []).find((x) => x.key === "name" && x.operation === "EQUALS");
  return p?.string_value;
}

function irTasks(ir: string): string[] {
  try {
    const doc = parseYaml(ir.split(/^---$/m)[0]) as { root?: { dag?: { tasks?: Record<string, unknown> } } };
    return Object.keys(doc?.root?.dag?.tasks ?? {});
  } catch {
    return [];
  }
}

export function runView(r: FakeRun): Rec {
  const { outcome, polls } = r;
  const finish = r.run.pollsToFinish as number;
  let state = "PENDING";
  if (polls >= 1) state = "RUNNING";
  if (outcome !== "RUNNING_FOREVER" && polls >= finish) state = outcome;
  const tasks = r.tasks.map((name, i) => {
    let taskState = "PENDING";
    if (state === "RUNNING") taskState = i === 0 ? "RUNNING" : "PENDING";
    if (state === "SUCCEEDED") taskState = "SUCCEEDED";
    if (state === "FAILED") taskState = name === r.failingTask ? "FAILED" : "SUCCEEDED";
    return {
      task_id: `${r.run.run_id}-${i}`,
      display_name: name,
      state: taskState,
      pod_name: `${String(r.run.run_id).slice(0, 8)}-system-container-impl-${1000 + i}`,
      ...(taskState === "FAILED" ? { error: { code: 2, message: `task ${name} exited with code 1` } } : {}),
    };
  });
  const visible = { ...r.run };
  delete visible.pollsToFinish;
  return { ...visible, state, run_details: { task_details: tasks } };
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

  function handle(method: string, path: string, query: URLSearchParams, body: unknown, form: Record<string, { content: string }>, match: MatchedOperation): Rec {
    const p = match.pathParams;
    const key = `${method} ${match.template.replace("/apis/v2beta1", "")}`;
    switch (key) {
      case "GET /healthz":
        return { multi_user: false, pipeline_store: "database" };
      case "GET /pipelines": {
        const name = nameFilter(query);
        const list = [...state.pipelines.values()].filter((x) => name === undefined || x.name === name);
        return { pipelines: list, total_size: list.length };
      }
      case "POST /pipelines":
        return createPipeline(body as Rec);
      case "POST /pipelines/upload": {
        const pipeline = createPipeline({ name: query.get("name") ?? query.get("display_name") ?? "", display_name: query.get("display_name") ?? undefined });
        addVersion(String(pipeline.pipeline_id), String(pipeline.name), form.uploadfile.content);
        return pipeline;
      }
      case "GET /pipelines/names/{name}":
        return findPipelineByName(p.name) ?? notFound(`pipeline name ${p.name}`);
      case "GET /pipelines/{pipeline_id}":
        return state.pipelines.get(p.pipeline_id) ?? notFound(`pipeline ${p.pipeline_id}`);
      case "DELETE /pipelines/{pipeline_id}": {
        if (!state.pipelines.has(p.pipeline_id)) notFound(`pipeline ${p.pipeline_id}`);
        const versions = [...state.versions.values()].filter((v) => v.pipeline_id === p.pipeline_id);
        if (versions.length > 0 && query.get("cascade") !== "true") {
          throw new HttpError(400, `Failed to delete pipeline ${p.pipeline_id}: it has ${versions.length} versions; delete them first or set cascade`);
        }
        versions.forEach((v) => state.versions.delete(String(v.pipeline_version_id)));
        state.pipelines.delete(p.pipeline_id);
        return {};
      }
      case "GET /pipelines/{pipeline_id}/versions": {
        if (!state.pipelines.has(p.pipeline_id)) notFound(`pipeline ${p.pipeline_id}`);
        const name = nameFilter(query);
        const list = [...state.versions.values()]
          .filter((v) => v.pipeline_id === p.pipeline_id && (name === undefined || v.name === name))
          .map(versionView);
        return { pipeline_versions: list, total_size: list.length };
      }
      case "POST /pipelines/upload_version": {
        const pid = query.get("pipelineid") ?? "";
        if (!state.pipelines.has(pid)) throw new HttpError(404, `Failed to upload a pipeline version: pipeline ${pid} not found`);
        return versionView(addVersion(pid, query.get("name") ?? query.get("display_name") ?? "", form.uploadfile.content));
      }
      case "GET /pipelines/{pipeline_id}/versions/{pipeline_version_id}": {
        const v = state.versions.get(p.pipeline_version_id);
        return v && v.pipeline_id === p.pipeline_id ? versionView(v) : notFound(`pipeline version ${p.pipeline_version_id}`);
      }
      case "DELETE /pipelines/{pipeline_id}/versions/{pipeline_version_id}": {
        const v = state.versions.get(p.pipeline_version_id);
        if (!v || v.pipeline_id !== p.pipeline_id) notFound(`pipeline version ${p.pipeline_version_id}`);
        state.versions.delete(p.pipeline_version_id);
        return {};
      }
      case "GET /experiments": {
        const name = nameFilter(query);
        const list = [...state.experiments.values()].filter((e) => name === undefined || e.display_name === name);
        return { experiments: list, total_size: list.length };
      }
      case "POST /experiments": {
        const e = body as Rec;
        if (!e.display_name) throw new HttpError(400, "Invalid input error: Experiment display_name is empty");
        if ([...state.experiments.values()].some((x) => x.display_name === e.display_name)) {
          throw new HttpError(409, `Failed to create an experiment: experiment with name ${String(e.display_name)} already exists`);
        }
        const exp = { ...e, experiment_id: randomUUID(), created_at: now(), storage_state: "AVAILABLE" };
        state.experiments.set(exp.experiment_id, exp);
        return exp;
      }
      case "GET /experiments/{experiment_id}":
        return state.experiments.get(p.experiment_id) ?? notFound(`experiment ${p.experiment_id}`);
      case "POST /runs":
        return createRun(body as Rec);
      case "GET /runs": {
        const filter = JSON.parse(query.get("filter") ?? "{}") as { predicates?: { key?: string; string_value?: string }[] };
        const byName = (filter.predicates ?? []).find((x) => x.key === "display_name" || x.key === "name")?.string_value;
        const experimentId = query.get("experiment_id");
        const list = [...state.runs.values()]
          .filter((r) => (byName === undefined || r.run.display_name === byName) && (!experimentId || r.run.experiment_id === experimentId))
          .map(runView);
        return { runs: list, total_size: list.length };
      }
      case "GET /runs/{run_id}":
        return runView(pollRun(p.run_id));
      case "POST /runs/{run_id}:archive":
        getRun(p.run_id).run.storage_state = "ARCHIVED";
        return {};
      case "POST /runs/{run_id}:terminate":
        getRun(p.run_id).outcome = "FAILED";
        return {};
      case "DELETE /runs/{run_id}":
        getRun(p.run_id);
        state.runs.delete(p.run_id);
        return {};
      default:
        throw new HttpError(501, `fake KFP does not implement ${method} ${path}`);
    }
  }

  function notFound(what: string): never {
    throw new HttpError(404, `${what} not found`);
  }
  function findPipelineByName(name: string): Rec | undefined {
    return [...state.pipelines.values()].find((x) => x.name === name);
  }
  function createPipeline(body: Rec): Rec {
    const name = String(body.name || body.display_name || "");
    if (!name) throw new HttpError(400, "Invalid input error: pipeline name is empty");
    if (findPipelineByName(name)) throw new HttpError(409, `Failed to create a pipeline: pipeline with name ${name} already exists`);
    const pipeline = { ...body, name, display_name: body.display_name ?? name, pipeline_id: randomUUID(), created_at: now() };
    state.pipelines.set(pipeline.pipeline_id, pipeline);
    return pipeline;
  }
  function addVersion(pipelineId: string, name: string, ir: string): Rec & { ir: string } {
    if (!name) throw new HttpError(400, "Invalid input error: pipeline version name is empty");
    let doc: { pipelineInfo?: unknown } | undefined;
    try {
      doc = parseYaml(ir.split(/^---$/m)[0]) as { pipelineInfo?: unknown };
    } catch (e) {
      throw new HttpError(400, `Failed to upload a pipeline version: invalid YAML: ${(e as Error).message}`);
    }
    if (!doc?.pipelineInfo) throw new HttpError(400, "Failed to upload a pipeline version: not a pipeline spec (no pipelineInfo)");
    if ([...state.versions.values()].some((v) => v.pipeline_id === pipelineId && v.name === name)) {
      throw new HttpError(409, `Failed to create a pipeline version: version with name ${name} already exists`);
    }
    const v = { pipeline_id: pipelineId, pipeline_version_id: randomUUID(), name, display_name: name, created_at: now(), ir };
    state.versions.set(v.pipeline_version_id, v);
    return v;
  }
  function versionView(v: Rec & { ir: string }): Rec {
    const { ir, ...rest } = v;
    return { ...rest, pipeline_spec: parseYaml(ir.split(/^---$/m)[0]) as Rec };
  }
  function createRun(body: Rec): Rec {
    if (!body.display_name) throw new HttpError(400, "Invalid input error: run display_name is empty");
    const ref = body.pipeline_version_reference as { pipeline_id?: string; pipeline_version_id?: string } | undefined;
    const version = ref?.pipeline_version_id ? state.versions.get(ref.pipeline_version_id) : undefined;
    if (!version || version.pipeline_id !== ref?.pipeline_id) throw new HttpError(404, `pipeline version ${ref?.pipeline_version_id} not found`);
    if (body.experiment_id && !state.experiments.has(String(body.experiment_id))) {
      throw new HttpError(404, `experiment ${String(body.experiment_id)} not found`);
    }
    const tasks = irTasks(version.ir);
    const runId = randomUUID();
    const run: FakeRun = {
      run: { ...body, run_id: runId, created_at: now(), storage_state: "AVAILABLE", pollsToFinish: state.options.pollsToFinish },
      polls: 0,
      outcome: state.options.runOutcome,
      tasks,
      failingTask: state.options.failingTask ?? tasks[0],
    };
    state.runs.set(runId, run);
    return runView(run);
  }
  function getRun(runId: string): FakeRun {
    return state.runs.get(runId) ?? notFound(`run ${runId}`);
  }
  function pollRun(runId: string): FakeRun {
    const r = getRun(runId);
    r.polls++;
    return r;
  }

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
    ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key, ca: opts.tls.ca, requestCert: !!opts.tls.ca, rejectUnauthorized: !!opts.tls.ca }, onRequest)
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

    if (!url.pathname.startsWith(prefix + "/")) return error(404, `path ${url.pathname} is outside ${prefix || "/"}`);
    const path = url.pathname.slice(prefix.length);
    const record = { method, path, query: Object.fromEntries(url.searchParams), body: undefined as unknown, status: 0 };
    state.requests.push(record);
    const reply = (status: number, body: unknown, match?: MatchedOperation): void => {
      record.status = status;
      send(status, body, match);
    };

    if (opts.bearerToken && req.headers.authorization !== `Bearer ${opts.bearerToken}`) {
      record.status = 401;
      return send(401, { kind: "Status", apiVersion: "v1", status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });
    }
    const fault = takeFault(method, path);
    fault?.before?.(state);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.reset) {
      record.status = -1;
      req.socket.destroy();
      return;
    }
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
    const { errors, match } = validateRequest(swagger, { method, pathname: path, query: url.searchParams, contentType, json, formFields: form });
    if (errors.length > 0 || !match) {
      state.requestViolations.push(...errors.map((e) => `${method} ${path}: ${e}`));
      const status = match ? 400 : 404;
      return reply(status, { code: GRPC_CODE[status], message: `invalid request: ${errors.join("; ")}`, details: [] }, match);
    }
    try {
      const answer = handle(method, path, url.searchParams, json, form ?? {}, match);
      if (fault?.status) return reply(fault.status, { code: GRPC_CODE[fault.status] ?? 2, message: fault.message ?? `injected HTTP ${fault.status}`, details: [] });
      reply(200, answer, match);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
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
