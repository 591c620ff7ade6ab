/** The in-memory KFP objects behind the fake API and the handlers of its operations. */
import { randomUUID } from "crypto";
import { parse as parseYaml } from "yaml";
import { ArgoWorkflow, NodePhase, WorkflowPipeline, argoWorkflow, taskDetailsFromWorkflow } from "./argo-workflow";
import { workflowPipelineFromIr } from "./ir-pipeline";
import { MatchedOperation } from "./swagger-validator";

export type RunOutcome = "SUCCEEDED" | "FAILED" | "RUNNING_FOREVER";

export interface Rec {
  [k: string]: unknown;
}
export interface FakeRun {
  run: Rec;
  polls: number;
  outcome: RunOutcome;
  /** The pipeline of the run's IR (root tasks, a root ParallelFor with its items), as the Workflow runs it. */
  pipeline: WorkflowPipeline;
  /** The Argo Workflow's name (`<pipeline name>-<5 characters>`, as Kubernetes completes a generateName). */
  workflowName: string;
  failingTask?: string;
}
export interface StoreOptions {
  runOutcome: RunOutcome;
  /** GETs of a run before it reaches its outcome. */
  pollsToFinish: number;
  /** Task that fails when runOutcome is FAILED (default: the first task of the IR). */
  failingTask?: string;
  /** Called with each new run (e.g. to write its artifacts, then let it finish by setting `run.run.pollsToFinish`). */
  onRunCreated?: (run: FakeRun) => void;
}

export interface StoreState {
  pipelines: Map<string, Rec>;
  versions: Map<string, Rec & { ir: string }>;
  experiments: Map<string, Rec>;
  runs: Map<string, FakeRun>;
  options: StoreOptions;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const GRPC_CODE: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  409: 6,
  500: 13,
  502: 14,
  503: 14,
  504: 4,
};

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

/** The IR's pipeline; a document the fake cannot read runs no tasks. */
function irPipeline(ir: string, parameters: Record<string, unknown>): WorkflowPipeline {
  try {
    return workflowPipelineFromIr(ir, parameters);
  } catch {
    return { name: "pipeline", tasks: [] };
  }
}

function runState(r: FakeRun): string {
  if (r.outcome !== "RUNNING_FOREVER" && r.polls >= (r.run.pollsToFinish as number)) return r.outcome;
  return r.polls >= 1 ? "RUNNING" : "PENDING";
}

/**
 * The run's Argo Workflow at its current poll: while RUNNING the first task of each DAG runs and nothing else has
 * started; SUCCEEDED runs every task; FAILED fails `failingTask` (in a batch, the first protein's only), its
 * downstream tasks are omitted and the others succeed.
 */
export function workflowOf(r: FakeRun): ArgoWorkflow {
  const state = runState(r);
  const first = (tasks: { name: string; dependsOn?: string[] }[]): string | undefined =>
    tasks.find((t) => !t.dependsOn?.length)?.name;
  const firstRoot = first(r.pipeline.tasks);
  const firstBody = first(r.pipeline.loop?.tasks ?? []);
  const wf = argoWorkflow({
    workflowName: r.workflowName,
    runId: String(r.run.run_id),
    createdAt: String(r.run.created_at),
    pipeline: r.pipeline,
    phaseOf: (task, iteration): NodePhase | undefined => {
      if (state === "RUNNING")
        return task === (iteration === undefined ? firstRoot : firstBody) ? "Running" : undefined;
      if (state === "FAILED" && task === r.failingTask && !iteration) return "Failed";
      return "Succeeded";
    },
  });
  return state === "PENDING" ? { ...wf, status: { phase: "Pending", nodes: {} } } : wf;
}

export function runView(r: FakeRun): Rec {
  const state = runState(r);
  const visible = { ...r.run };
  delete visible.pollsToFinish;
  const tasks = taskDetailsFromWorkflow(workflowOf(r));
  return { ...visible, state, ...(tasks.length ? { run_details: { task_details: tasks } } : {}) };
}

export interface StoreRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  form: Record<string, { content: string }>;
  match: MatchedOperation;
}

/** Answers one validated request against `state`; throws HttpError for KFP-style failures. */
export function handleRequest(state: StoreState, req: StoreRequest): Rec {
  const { method, path, query, body, form, match } = req;
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
      const pipeline = createPipeline({
        name: query.get("name") ?? query.get("display_name") ?? "",
        display_name: query.get("display_name") ?? undefined,
      });
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
        throw new HttpError(
          400,
          `Failed to delete pipeline ${p.pipeline_id}: it has ${versions.length} versions; delete them first or set cascade`,
        );
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
      if (!state.pipelines.has(pid))
        throw new HttpError(404, `Failed to upload a pipeline version: pipeline ${pid} not found`);
      const name = query.get("name") ?? query.get("display_name") ?? "";
      return versionView(addVersion(pid, name, form.uploadfile.content, query.get("description") ?? undefined));
    }
    case "GET /pipelines/{pipeline_id}/versions/{pipeline_version_id}": {
      const v = state.versions.get(p.pipeline_version_id);
      return v && v.pipeline_id === p.pipeline_id
        ? versionView(v)
        : notFound(`pipeline version ${p.pipeline_version_id}`);
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
        throw new HttpError(
          409,
          `Failed to create an experiment: experiment with name ${String(e.display_name)} already exists`,
        );
      }
      const exp = { ...e, experiment_id: randomUUID(), created_at: now(), storage_state: "AVAILABLE" };
      state.experiments.set(exp.experiment_id, exp);
      return exp;
    }
    case "DELETE /experiments/{experiment_id}":
      if (!state.experiments.delete(p.experiment_id)) notFound(`experiment ${p.experiment_id}`);
      return {};
    case "POST /experiments/{experiment_id}:archive": {
      const e = state.experiments.get(p.experiment_id) ?? notFound(`experiment ${p.experiment_id}`);
      e.storage_state = "ARCHIVED";
      for (const r of state.runs.values())
        if (r.run.experiment_id === p.experiment_id) r.run.storage_state = "ARCHIVED";
      return {};
    }
    case "GET /experiments/{experiment_id}":
      return state.experiments.get(p.experiment_id) ?? notFound(`experiment ${p.experiment_id}`);
    case "POST /runs":
      return createRun(body as Rec);
    case "GET /runs": {
      const filter = JSON.parse(query.get("filter") ?? "{}") as {
        predicates?: { key?: string; string_value?: string }[];
      };
      const byName = (filter.predicates ?? []).find((x) => x.key === "display_name" || x.key === "name")?.string_value;
      const experimentId = query.get("experiment_id");
      const list = [...state.runs.values()]
        .filter(
          (r) =>
            (byName === undefined || r.run.display_name === byName) &&
            (!experimentId || r.run.experiment_id === experimentId),
        )
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

  function notFound(what: string): never {
    throw new HttpError(404, `${what} not found`);
  }
  function findPipelineByName(name: string): Rec | undefined {
    return [...state.pipelines.values()].find((x) => x.name === name);
  }
  function createPipeline(body: Rec): Rec {
    const name = String(body.name || body.display_name || "");
    if (!name) throw new HttpError(400, "Invalid input error: pipeline name is empty");
    if (findPipelineByName(name))
      throw new HttpError(409, `Failed to create a pipeline: pipeline with name ${name} already exists`);
    const pipeline = {
      ...body,
      name,
      display_name: body.display_name ?? name,
      pipeline_id: randomUUID(),
      created_at: now(),
    };
    state.pipelines.set(pipeline.pipeline_id, pipeline);
    return pipeline;
  }
  function addVersion(pipelineId: string, name: string, ir: string, description?: string): Rec & { ir: string } {
    if (!name) throw new HttpError(400, "Invalid input error: pipeline version name is empty");
    let doc: { pipelineInfo?: unknown } | undefined;
    try {
      doc = parseYaml(ir.split(/^---$/m)[0]) as { pipelineInfo?: unknown };
    } catch (e) {
      throw new HttpError(400, `Failed to upload a pipeline version: invalid YAML: ${(e as Error).message}`);
    }
    if (!doc?.pipelineInfo)
      throw new HttpError(400, "Failed to upload a pipeline version: not a pipeline spec (no pipelineInfo)");
    if ([...state.versions.values()].some((v) => v.pipeline_id === pipelineId && v.name === name)) {
      throw new HttpError(409, `Failed to create a pipeline version: version with name ${name} already exists`);
    }
    const v = {
      pipeline_id: pipelineId,
      pipeline_version_id: randomUUID(),
      name,
      display_name: name,
      ...(description ? { description } : {}),
      created_at: now(),
      ir,
    };
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
    if (!version || version.pipeline_id !== ref?.pipeline_id)
      throw new HttpError(404, `pipeline version ${ref?.pipeline_version_id} not found`);
    if (body.experiment_id && !state.experiments.has(String(body.experiment_id))) {
      throw new HttpError(404, `experiment ${String(body.experiment_id)} not found`);
    }
    const runtime = body.runtime_config as { parameters?: Record<string, unknown> } | undefined;
    const pipeline = irPipeline(version.ir, runtime?.parameters ?? {});
    const runId = randomUUID();
    const run: FakeRun = {
      run: {
        ...body,
        run_id: runId,
        created_at: now(),
        storage_state: "AVAILABLE",
        pollsToFinish: state.options.pollsToFinish,
      },
      polls: 0,
      outcome: state.options.runOutcome,
      pipeline,
      workflowName: `${pipeline.name}-${runId.replace(/-/g, "").slice(0, 5)}`,
      failingTask: state.options.failingTask ?? (pipeline.loop?.tasks ?? pipeline.tasks)[0]?.name,
    };
    state.runs.set(runId, run);
    state.options.onRunCreated?.(run);
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
}
