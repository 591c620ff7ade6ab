/**
 * A plain client for the KFP v2beta1 REST API (the subset this stack uses). Every path it calls is
 * listed in KFP_PATHS, which a test checks against KFP 2.17.0's swagger.
 */
import { HttpRequester, HttpResponse } from "../dynamic/http";
import { multipartFile } from "./multipart";
import { DEFAULT_RETRY, RetryOptions, RetryPolicy, sleep, stillFailing, withRetry } from "../dynamic/retry";
import { apiError, bodyError, isApiError, isOutage, isTransient } from "./errors";
import type { TaskEntry } from "./task-details";

export interface KfpPipeline {
  pipeline_id: string;
  name?: string;
  display_name?: string;
  description?: string;
}
export interface KfpPipelineVersion {
  pipeline_id: string;
  pipeline_version_id: string;
  name?: string;
  display_name?: string;
  description?: string;
  /** The compiled IR (its first document) as JSON. */
  pipeline_spec?: unknown;
}
export interface KfpExperiment {
  experiment_id: string;
  display_name?: string;
  description?: string;
}
/** A run's task entry as KFP 2.17.0 fills it (see task-details.ts). */
export type KfpTaskDetail = TaskEntry;
export interface KfpRun {
  run_id: string;
  display_name?: string;
  experiment_id?: string;
  state?: string;
  storage_state?: string;
  error?: { message?: string };
  pipeline_version_reference?: { pipeline_id?: string; pipeline_version_id?: string };
  run_details?: { task_details?: KfpTaskDetail[] };
}
export interface CreateRunRequest {
  display_name: string;
  description?: string;
  experiment_id?: string;
  pipeline_version_reference: { pipeline_id: string; pipeline_version_id: string };
  runtime_config: { parameters: Record<string, unknown>; pipeline_root?: string };
  service_account?: string;
}

const API = "/apis/v2beta1";

/** Every method + swagger path template the client calls. */
export const KFP_PATHS = [
  ["GET", `${API}/healthz`],
  ["GET", `${API}/pipelines`],
  ["POST", `${API}/pipelines`],
  ["DELETE", `${API}/pipelines/{pipeline_id}`],
  ["GET", `${API}/pipelines/{pipeline_id}/versions`],
  ["POST", `${API}/pipelines/upload_version`],
  ["GET", `${API}/pipelines/{pipeline_id}/versions/{pipeline_version_id}`],
  ["DELETE", `${API}/pipelines/{pipeline_id}/versions/{pipeline_version_id}`],
  ["GET", `${API}/experiments`],
  ["POST", `${API}/experiments`],
  ["DELETE", `${API}/experiments/{experiment_id}`],
  ["POST", `${API}/experiments/{experiment_id}:archive`],
  ["POST", `${API}/runs`],
  ["GET", `${API}/runs`],
  ["GET", `${API}/runs/{run_id}`],
  ["POST", `${API}/runs/{run_id}:archive`],
  ["DELETE", `${API}/runs/{run_id}`],
] as const;

export interface KfpClientOptions {
  retry?: RetryPolicy;
  log?: (message: string) => void;
  wait?: (ms: number) => Promise<void>;
  /** The clock for the retry policy's outage window; default Date.now. */
  now?: () => number;
  namespace?: string;
  requestTimeoutMs?: number;
}

/** KFP maps filter key `name` to the Name column of pipelines, versions and experiments; runs use `display_name`. */
function equalsFilter(key: string, value: string): string {
  return JSON.stringify({ predicates: [{ key, operation: "EQUALS", string_value: value }] });
}
const nameFilter = (name: string): string => equalsFilter("name", name);

/**
 * KFP answers errors as googleRpcStatus `{code, message}`, its upload endpoints as
 * `{error_message, error_details}`, the kube API proxy as a Status `{message}`.
 */
export function errorMessageOf(res: HttpResponse): string {
  const text = res.body.toString("utf8");
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error_message?: unknown; error?: unknown };
    for (const candidate of [parsed.message, parsed.error_message, parsed.error]) {
      if (typeof candidate === "string" && candidate) return candidate;
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, 500);
}

const id = encodeURIComponent;

export class KfpClient {
  private readonly retry: RetryPolicy;
  private readonly log: (message: string) => void;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(
    private readonly request: HttpRequester,
    private readonly options: KfpClientOptions = {},
  ) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.log = options.log ?? (() => undefined);
    this.wait = options.wait ?? sleep;
  }

  private async call<T>(
    method: string,
    path: string,
    init: {
      query?: Record<string, string | undefined>;
      json?: unknown;
      multipart?: { field: string; filename: string; content: string };
      /** For calls that are not safe to repeat blindly (run creation): the caller decides. */
      noRetry?: boolean;
    } = {},
  ): Promise<T> {
    let headers: Record<string, string> = {};
    let body: Buffer | undefined;
    if (init.json !== undefined) {
      headers = { "content-type": "application/json" };
      body = Buffer.from(JSON.stringify(init.json));
    } else if (init.multipart) {
      const mp = multipartFile(init.multipart.field, init.multipart.filename, init.multipart.content);
      headers = { "content-type": mp.contentType };
      body = mp.body;
    }
    const what = `KFP ${method} ${path}`;
    return withRetry(
      what,
      async () => {
        const res = await this.request({
          method,
          path,
          query: init.query,
          headers,
          body,
          timeoutMs: this.options.requestTimeoutMs,
        });
        if (res.status < 200 || res.status >= 300) throw apiError(method, path, res.status, errorMessageOf(res));
        const text = res.body.toString("utf8");
        if (!text.trim()) return {} as T;
        try {
          return JSON.parse(text) as T;
        } catch {
          throw bodyError(method, path, res.status, text);
        }
      },
      init.noRetry ? { ...this.retry, attempts: 1, windowMs: 0 } : this.retry,
      this.retrying(what),
    );
  }

  private retrying(what: string): RetryOptions<never> {
    return {
      isRetryable: isTransient,
      outlasts: isOutage,
      onRetry: this.log,
      wait: this.wait,
      now: this.options.now,
      giveUp: stillFailing(what),
    };
  }

  /**
   * A create that is not safe to repeat blindly: after a failed answer, `lookUp` finds what the attempt may
   * have made before the next attempt; retried like every call, through the outage window.
   */
  createOnce<T>(
    what: string,
    create: () => Promise<T>,
    lookUp: (error: unknown) => Promise<T | undefined>,
  ): Promise<T> {
    return withRetry(what, create, this.retry, { ...this.retrying(what), recover: lookUp });
  }

  healthz(): Promise<{ multi_user?: boolean; pipeline_store?: string }> {
    return this.call("GET", `${API}/healthz`);
  }

  async findPipelineByName(name: string): Promise<KfpPipeline | undefined> {
    const res = await this.call<{ pipelines?: KfpPipeline[] }>("GET", `${API}/pipelines`, {
      query: { filter: nameFilter(name), page_size: "2", namespace: this.options.namespace },
    });
    return (res.pipelines ?? []).find((p) => p.name === name || p.display_name === name);
  }

  /** Not retried here (nor are the other creates): see createOnce. */
  createPipeline(name: string, description: string): Promise<KfpPipeline> {
    return this.call("POST", `${API}/pipelines`, {
      noRetry: true,
      json: {
        name,
        display_name: name,
        description,
        ...(this.options.namespace ? { namespace: this.options.namespace } : {}),
      },
    });
  }

  async deletePipeline(pipelineId: string): Promise<void> {
    await this.call("DELETE", `${API}/pipelines/${id(pipelineId)}`, { query: { cascade: "true" } });
  }

  async findPipelineVersionByName(pipelineId: string, name: string): Promise<KfpPipelineVersion | undefined> {
    const res = await this.call<{ pipeline_versions?: KfpPipelineVersion[] }>(
      "GET",
      `${API}/pipelines/${id(pipelineId)}/versions`,
      { query: { filter: nameFilter(name), page_size: "2" } },
    );
    return (res.pipeline_versions ?? []).find((v) => v.name === name || v.display_name === name);
  }

  uploadPipelineVersion(
    pipelineId: string,
    name: string,
    pipelineIr: string,
    description: string,
  ): Promise<KfpPipelineVersion> {
    return this.call("POST", `${API}/pipelines/upload_version`, {
      noRetry: true,
      query: { pipelineid: pipelineId, name, display_name: name, description },
      multipart: { field: "uploadfile", filename: `${name}.yaml`, content: pipelineIr },
    });
  }

  getPipelineVersion(pipelineId: string, versionId: string): Promise<KfpPipelineVersion> {
    return this.call("GET", `${API}/pipelines/${id(pipelineId)}/versions/${id(versionId)}`);
  }

  async deletePipelineVersion(pipelineId: string, versionId: string): Promise<void> {
    await this.call("DELETE", `${API}/pipelines/${id(pipelineId)}/versions/${id(versionId)}`);
  }

  async findExperimentByName(name: string): Promise<KfpExperiment | undefined> {
    const res = await this.call<{ experiments?: KfpExperiment[] }>("GET", `${API}/experiments`, {
      query: { filter: nameFilter(name), page_size: "2", namespace: this.options.namespace },
    });
    return (res.experiments ?? []).find((e) => e.display_name === name);
  }

  createExperiment(name: string, description: string): Promise<KfpExperiment> {
    return this.call("POST", `${API}/experiments`, {
      noRetry: true,
      json: {
        display_name: name,
        description,
        ...(this.options.namespace ? { namespace: this.options.namespace } : {}),
      },
    });
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.call("DELETE", `${API}/experiments/${id(experimentId)}`);
  }

  async archiveExperiment(experimentId: string): Promise<void> {
    await this.call("POST", `${API}/experiments/${id(experimentId)}:archive`);
  }

  /** The ids of an experiment's runs, archived ones included; `more` when there are more than one page holds. */
  async listRunIds(experimentId: string, pageSize = 200): Promise<{ ids: string[]; more: boolean }> {
    const res = await this.call<{ runs?: KfpRun[]; next_page_token?: string }>("GET", `${API}/runs`, {
      query: { experiment_id: experimentId, page_size: String(pageSize) },
    });
    return { ids: (res.runs ?? []).map((r) => r.run_id), more: !!res.next_page_token };
  }

  /** Not retried here: any failed answer may hide a run that was created; see createOnce. */
  createRun(run: CreateRunRequest): Promise<KfpRun> {
    return this.call("POST", `${API}/runs`, { json: run, noRetry: true });
  }

  async findRunByDisplayName(experimentId: string, displayName: string): Promise<KfpRun | undefined> {
    const res = await this.call<{ runs?: KfpRun[] }>("GET", `${API}/runs`, {
      query: { experiment_id: experimentId, filter: equalsFilter("display_name", displayName), page_size: "2" },
    });
    return (res.runs ?? []).find((r) => r.display_name === displayName);
  }

  getRun(runId: string): Promise<KfpRun> {
    return this.call("GET", `${API}/runs/${id(runId)}`);
  }

  async archiveRun(runId: string): Promise<void> {
    await this.call("POST", `${API}/runs/${id(runId)}:archive`);
  }

  async terminateRun(runId: string): Promise<void> {
    await this.call("POST", `${API}/runs/${id(runId)}:terminate`);
  }

  async deleteRun(runId: string): Promise<void> {
    await this.call("DELETE", `${API}/runs/${id(runId)}`);
  }
}

export function isNotFound(e: unknown): boolean {
  return isApiError(e) && e.status === 404;
}
