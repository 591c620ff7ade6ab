/**
 * An in-memory Kubernetes API server behind the KubeTransport interface: discovery, server-side apply,
 * get and delete answered the way kube-apiserver answers them (404 Status bodies, namespaces that must
 * exist, kinds served only once their CRD is Established, conflicts without force). Tests drive the
 * controllers (how many GETs before a Deployment is Available or a CRD Established, or a status of
 * their own), finalizers that hold a deleted object for a few GETs, and injected failures.
 */
import { networkError } from "../../stacks/dynamic/http";
import { describeRef, KubeResponse, KubeTransport } from "../../stacks/kube/api";
import { KubeObject, ObjectRef } from "../../stacks/kube/object";

export interface ResourceKind {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export const BUILTIN_KINDS: ResourceKind[] = [
  { apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  { apiVersion: "v1", kind: "Secret", plural: "secrets", namespaced: true },
  { apiVersion: "v1", kind: "Service", plural: "services", namespaced: true },
  { apiVersion: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true },
  { apiVersion: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true },
  { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments", namespaced: true },
  { apiVersion: "apps/v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true },
  { apiVersion: "apps/v1", kind: "DaemonSet", plural: "daemonsets", namespaced: true },
  {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    plural: "customresourcedefinitions",
    namespaced: false,
  },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", plural: "clusterroles", namespaced: false },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    plural: "clusterrolebindings",
    namespaced: false,
  },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "Role", plural: "roles", namespaced: true },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", plural: "rolebindings", namespaced: true },
];

export interface Fault {
  method?: string;
  /** Substring or regex matched against the path (without the query). */
  path?: string | RegExp;
  status?: number;
  message?: string;
  /** Fail as a dropped connection instead of answering. */
  network?: boolean;
  /** How many matching requests it affects (default 1). */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: KubeObject;
  status: number;
}

export interface RecordedApply {
  /** describeRef of the object. */
  object: string;
  fieldManager: string | undefined;
  force: string | undefined;
  contentType: string | undefined;
}

/** The status a controller gives an object on its n-th GET since its spec last changed; undefined leaves it alone. */
export type Controller = (obj: KubeObject, gets: number) => KubeObject | undefined;

export interface FakeKubeOptions {
  /** GETs that still see an object of this kind not ready after its spec changed (default 0: ready at the first GET). */
  notReadyGets?: Record<string, number>;
}

interface Stored {
  object: KubeObject;
  kind: ResourceKind;
  manager: string;
  gets: number;
  /** While deleting: GETs that still find it (finalizers). */
  lingerGets?: number;
}

const clone = <T>(v: T): T => structuredClone(v);
/** Objects are stored per API group, so every served version of a kind reaches the same object. */
const keyOf = (apiVersion: string, kind: string, namespace: string | undefined, name: string): string =>
  `${apiVersion.includes("/") ? apiVersion.split("/")[0] : ""}|${kind}|${namespace ?? ""}|${name}`;
const refKey = (r: ObjectRef): string => keyOf(r.apiVersion, r.kind, r.namespace, r.name);
const specOf = (o: KubeObject): string => JSON.stringify({ ...o, metadata: undefined, status: undefined });

function statusBody(code: number, reason: string, message: string): KubeObject {
  return { kind: "Status", apiVersion: "v1", status: "Failure", code, reason, message };
}

function condition(type: string, status: string, reason?: string, message?: string): KubeObject {
  return { type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

/** Built-in controllers: `ready` once the object's GETs exceed the configured not-ready GETs. */
export function builtinStatus(o: KubeObject, ready: boolean): KubeObject | undefined {
  const generation = o.metadata?.generation;
  switch (o.kind) {
    case "Deployment": {
      const r = o.spec?.replicas ?? 1;
      return ready
        ? {
            observedGeneration: generation,
            replicas: r,
            updatedReplicas: r,
            readyReplicas: r,
            availableReplicas: r,
            conditions: [
              condition("Available", "True", "MinimumReplicasAvailable"),
              condition("Progressing", "True", "NewReplicaSetAvailable"),
            ],
          }
        : {
            observedGeneration: generation,
            replicas: r,
            updatedReplicas: r,
            readyReplicas: 0,
            availableReplicas: 0,
            conditions: [
              condition("Available", "False", "MinimumReplicasUnavailable"),
              condition("Progressing", "True", "ReplicaSetUpdated"),
            ],
          };
    }
    case "StatefulSet": {
      const r = o.spec?.replicas ?? 1;
      const revision = `${o.metadata.name}-${generation}`;
      return {
        observedGeneration: generation,
        replicas: r,
        readyReplicas: ready ? r : 0,
        currentRevision: revision,
        updateRevision: revision,
      };
    }
    case "DaemonSet":
      return {
        observedGeneration: generation,
        desiredNumberScheduled: 2,
        updatedNumberScheduled: 2,
        numberAvailable: ready ? 2 : 0,
      };
    case "CustomResourceDefinition":
      return {
        acceptedNames: o.spec?.names,
        conditions: [
          condition("NamesAccepted", "True", "NoConflicts"),
          ready
            ? condition("Established", "True", "InitialNamesAccepted")
            : condition("Established", "False", "Installing"),
        ],
      };
    default:
      return undefined;
  }
}

export class FakeKube implements KubeTransport {
  readonly requests: RecordedRequest[] = [];
  readonly applies: RecordedApply[] = [];
  /** "APPLY <object>", "DELETE <object>" when asked, "GONE <object>" when removed, "ESTABLISHED <crd>" when a CRD becomes served. */
  readonly events: string[] = [];
  readonly faults: Fault[] = [];
  closed = 0;
  inFlight = 0;
  maxInFlight = 0;

  private readonly objects = new Map<string, Stored>();
  private readonly controllers = new Map<string, Controller>();
  private readonly lingering = new Map<string, number>();
  private nextUid = 1;

  constructor(private readonly options: FakeKubeOptions = {}) {}

  // ---- what tests set up and look at ----

  injectFault(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Replaces the built-in controller for one object, named by kind and [namespace/]name. */
  control(kind: string, namespacedName: string, controller: Controller): void {
    this.controllers.set(`${kind} ${namespacedName}`, controller);
  }

  /** A finalizer: after DELETE, the object is still found by this many GETs. */
  holdOnDelete(ref: ObjectRef, gets: number): void {
    this.lingering.set(refKey(ref), gets);
  }

  /** Stores an object as if applied earlier by another client (status as its controller would leave it, ready). */
  seed(obj: KubeObject, manager = "kubectl"): void {
    const kind = this.kindOf(obj.apiVersion, obj.kind);
    if (!kind) throw new Error(`fake-kube: cannot seed ${obj.kind}: not served`);
    const object = clone(obj);
    object.metadata = { ...object.metadata, uid: `uid-${this.nextUid++}`, generation: 1 };
    object.status = builtinStatus(object, true);
    this.objects.set(this.keyOfObject(object), { object, kind, manager, gets: 0 });
  }

  /** Removes an object behind the client's back (kubectl delete by someone else). */
  remove(ref: ObjectRef): void {
    this.erase(refKey(ref));
  }

  stored(ref: ObjectRef): KubeObject | undefined {
    const s = this.objects.get(refKey(ref));
    return s ? clone(s.object) : undefined;
  }

  /** describeRef of every stored object, sorted. */
  contents(): string[] {
    return [...this.objects.values()].map((s) => describeRef(this.refOfStored(s))).sort();
  }

  count(method: string, path?: string | RegExp): number {
    return this.requests.filter(
      (r) => r.method === method && (!path || (typeof path === "string" ? r.path === path : path.test(r.path))),
    ).length;
  }

  // ---- KubeTransport ----

  async request(method: string, fullPath: string, body?: string, contentType?: string): Promise<KubeResponse> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // Let concurrent callers interleave, as they would over a connection pool.
      await new Promise((r) => setImmediate(r));
      const url = new URL(fullPath, "http://fake-kube");
      const parsedBody = body === undefined ? undefined : (JSON.parse(body) as KubeObject);
      const record: RecordedRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        contentType,
        body: parsedBody,
        status: 0,
      };
      this.requests.push(record);
      const fault = this.takeFault(method, url.pathname);
      if (fault?.network) {
        record.status = -1;
        throw networkError(`${method} ${url.pathname}: socket hang up`, "ECONNRESET");
      }
      const res = fault
        ? {
            status: fault.status ?? 500,
            body: statusBody(fault.status ?? 500, "InternalError", fault.message ?? "injected failure"),
          }
        : this.serve(method, url.pathname, record.query, parsedBody, contentType);
      record.status = res.status;
      return { status: res.status, body: res.body === undefined ? undefined : clone(res.body) };
    } finally {
      this.inFlight--;
    }
  }

  close(): void {
    this.closed++;
  }

  // ---- the API server ----

  private takeFault(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        (!f.method || f.method === method) &&
        (!f.path || (typeof f.path === "string" ? path.includes(f.path) : f.path.test(path))),
    );
    if (i < 0) return undefined;
    const f = this.faults[i];
    f.times = (f.times ?? 1) - 1;
    if (f.times <= 0) this.faults.splice(i, 1);
    return f;
  }

  private served(): ResourceKind[] {
    const fromCrds: ResourceKind[] = [];
    for (const s of this.objects.values()) {
      const crd = s.object;
      if (crd.kind !== "CustomResourceDefinition" || s.lingerGets !== undefined) continue;
      const established = (crd.status?.conditions ?? []).some(
        (c: KubeObject) => c.type === "Established" && c.status === "True",
      );
      if (!established) continue;
      for (const v of crd.spec.versions ?? []) {
        if (v.served === false) continue;
        fromCrds.push({
          apiVersion: `${crd.spec.group}/${v.name}`,
          kind: crd.spec.names.kind,
          plural: crd.spec.names.plural,
          namespaced: crd.spec.scope === "Namespaced",
        });
      }
    }
    return [...BUILTIN_KINDS, ...fromCrds];
  }

  private kindOf(apiVersion: string, kind: string): ResourceKind | undefined {
    return this.served().find((k) => k.apiVersion === apiVersion && k.kind === kind);
  }

  private keyOfObject(o: KubeObject): string {
    return keyOf(o.apiVersion, o.kind, o.metadata?.namespace, o.metadata?.name);
  }

  private refOfStored(s: Stored): ObjectRef {
    const m = s.object.metadata;
    return {
      apiVersion: s.kind.apiVersion,
      kind: s.kind.kind,
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
    };
  }

  private serve(
    method: string,
    path: string,
    query: Record<string, string>,
    body: KubeObject | undefined,
    contentType?: string,
  ): KubeResponse {
    const discovery = /^\/api\/(v1)$/.exec(path) ?? /^\/apis\/([^/]+\/[^/]+)$/.exec(path);
    if (discovery) {
      if (method !== "GET") return { status: 405, body: statusBody(405, "MethodNotAllowed", `${method} not allowed`) };
      return this.discovery(discovery[1]);
    }
    const m = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)\/([^/]+)$/.exec(path);
    // "/api/v1/namespaces/x" is the Namespace x, not a namespace prefix.
    const cluster = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))\/([^/]+)\/([^/]+)$/.exec(path);
    let apiVersion: string, namespace: string | undefined, plural: string, name: string;
    if (cluster) {
      [apiVersion, plural, name] = [cluster[1] ?? cluster[2], cluster[3], decodeURIComponent(cluster[4])];
    } else if (m) {
      [apiVersion, namespace, plural, name] = [m[1] ?? m[2], decodeURIComponent(m[3]), m[4], decodeURIComponent(m[5])];
    } else {
      return { status: 404, body: statusBody(404, "NotFound", "the server could not find the requested resource") };
    }
    const kind = this.served().find(
      (k) => k.apiVersion === apiVersion && k.plural === plural && k.namespaced === (namespace !== undefined),
    );
    if (!kind)
      return { status: 404, body: statusBody(404, "NotFound", "the server could not find the requested resource") };
    const key = keyOf(apiVersion, kind.kind, namespace, name);
    switch (method) {
      case "GET":
        return this.get(key, kind, name);
      case "PATCH":
        return this.apply(key, kind, namespace, name, query, body, contentType);
      case "DELETE":
        return this.delete(key, kind, name, body);
      default:
        return { status: 405, body: statusBody(405, "MethodNotAllowed", `${method} not allowed`) };
    }
  }

  private discovery(apiVersion: string): KubeResponse {
    const kinds = this.served().filter((k) => k.apiVersion === apiVersion);
    if (kinds.length === 0)
      return { status: 404, body: statusBody(404, "NotFound", "the server could not find the requested resource") };
    // Subresources first, so a client that does not skip them finds the wrong resource.
    const resources = kinds.flatMap((k) => [
      {
        name: `${k.plural}/status`,
        singularName: "",
        namespaced: k.namespaced,
        kind: k.kind,
        verbs: ["get", "patch", "update"],
      },
      {
        name: k.plural,
        singularName: k.kind.toLowerCase(),
        namespaced: k.namespaced,
        kind: k.kind,
        verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
      },
    ]);
    return { status: 200, body: { kind: "APIResourceList", apiVersion: "v1", groupVersion: apiVersion, resources } };
  }

  private notFound(kind: ResourceKind, name: string): KubeResponse {
    return { status: 404, body: statusBody(404, "NotFound", `${kind.plural} "${name}" not found`) };
  }

  private get(key: string, kind: ResourceKind, name: string): KubeResponse {
    const s = this.objects.get(key);
    if (!s) return this.notFound(kind, name);
    if (s.lingerGets !== undefined) {
      if (s.lingerGets <= 0) {
        this.erase(key);
        return this.notFound(kind, name);
      }
      s.lingerGets--;
      return { status: 200, body: { ...s.object, apiVersion: kind.apiVersion } };
    }
    s.gets++;
    const m = s.object.metadata;
    const custom = this.controllers.get(`${kind.kind} ${m.namespace ? `${m.namespace}/` : ""}${m.name}`);
    const wasEstablished = this.kindOfCrdServed(s);
    const status = custom
      ? custom(clone(s.object), s.gets)
      : builtinStatus(s.object, s.gets > (this.options.notReadyGets?.[kind.kind] ?? 0));
    if (status !== undefined) s.object.status = status;
    if (!wasEstablished && this.kindOfCrdServed(s)) this.events.push(`ESTABLISHED ${describeRef(this.refOfStored(s))}`);
    return { status: 200, body: { ...s.object, apiVersion: kind.apiVersion } };
  }

  private kindOfCrdServed(s: Stored): boolean {
    return (
      s.object.kind === "CustomResourceDefinition" &&
      (s.object.status?.conditions ?? []).some((c: KubeObject) => c.type === "Established" && c.status === "True")
    );
  }

  private apply(
    key: string,
    kind: ResourceKind,
    namespace: string | undefined,
    name: string,
    query: Record<string, string>,
    body: KubeObject | undefined,
    contentType: string | undefined,
  ): KubeResponse {
    if (contentType !== "application/apply-patch+yaml") {
      return {
        status: 415,
        body: statusBody(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml`,
        ),
      };
    }
    const manager = query.fieldManager;
    if (!manager)
      return {
        status: 422,
        body: statusBody(
          422,
          "Invalid",
          `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`,
        ),
      };
    if (!body || body.apiVersion !== kind.apiVersion || body.kind !== kind.kind || body.metadata?.name !== name) {
      return {
        status: 400,
        body: statusBody(400, "BadRequest", `the body's apiVersion/kind/name do not match ${kind.kind} ${name}`),
      };
    }
    if ((body.metadata?.namespace ?? undefined) !== namespace && body.metadata?.namespace !== undefined) {
      return {
        status: 400,
        body: statusBody(
          400,
          "BadRequest",
          `the namespace of the provided object does not match the namespace sent on the request`,
        ),
      };
    }
    if (namespace !== undefined && !this.objects.has(keyOf("v1", "Namespace", undefined, namespace))) {
      return { status: 404, body: statusBody(404, "NotFound", `namespaces "${namespace}" not found`) };
    }
    const existing = this.objects.get(key);
    if (existing && existing.manager !== manager && query.force !== "true") {
      return {
        status: 409,
        body: statusBody(409, "Conflict", `Apply failed with 1 conflict: conflict with "${existing.manager}"`),
      };
    }
    const described = describeRef({ apiVersion: kind.apiVersion, kind: kind.kind, namespace, name });
    this.applies.push({ object: described, fieldManager: manager, force: query.force, contentType });
    this.events.push(`APPLY ${described}`);
    const object = clone(body);
    const specChanged = !existing || specOf(existing.object) !== specOf(object);
    const generation = existing ? existing.object.metadata.generation + (specChanged ? 1 : 0) : 1;
    object.metadata = {
      ...object.metadata,
      ...(namespace ? { namespace } : {}),
      uid: existing?.object.metadata.uid ?? `uid-${this.nextUid++}`,
      generation,
    };
    if (existing?.object.status) object.status = existing.object.status;
    if (existing?.lingerGets !== undefined)
      object.metadata.deletionTimestamp = existing.object.metadata.deletionTimestamp;
    this.objects.set(key, {
      object,
      kind,
      manager,
      gets: specChanged ? 0 : (existing?.gets ?? 0),
      lingerGets: existing?.lingerGets,
    });
    return { status: existing ? 200 : 201, body: object };
  }

  private delete(key: string, kind: ResourceKind, name: string, body: KubeObject | undefined): KubeResponse {
    const s = this.objects.get(key);
    if (!s) return this.notFound(kind, name);
    if (
      body?.propagationPolicy !== undefined &&
      !["Background", "Foreground", "Orphan"].includes(body.propagationPolicy)
    ) {
      return {
        status: 400,
        body: statusBody(400, "BadRequest", `invalid propagationPolicy ${body.propagationPolicy}`),
      };
    }
    if (s.lingerGets === undefined) {
      this.events.push(`DELETE ${describeRef(this.refOfStored(s))}`);
      const linger = this.lingering.get(key) ?? 0;
      if (linger > 0) {
        s.lingerGets = linger;
        s.object.metadata.deletionTimestamp = "2025-01-01T00:00:00Z";
        s.object.metadata.finalizers = ["example.com/hold"];
      } else {
        this.erase(key);
      }
    }
    return {
      status: 200,
      body: { kind: "Status", apiVersion: "v1", status: "Success", details: { name, kind: kind.plural } },
    };
  }

  /** Removes an object, and what goes with it: a Namespace's objects, a CRD's custom resources. */
  private erase(key: string): void {
    const s = this.objects.get(key);
    if (!s) return;
    this.objects.delete(key);
    this.events.push(`GONE ${describeRef(this.refOfStored(s))}`);
    if (s.object.kind === "Namespace") {
      for (const [k, o] of [...this.objects]) if (o.object.metadata.namespace === s.object.metadata.name) this.erase(k);
    }
    if (s.object.kind === "CustomResourceDefinition") {
      for (const [k, o] of [...this.objects]) {
        if (o.kind.kind === s.object.spec.names.kind && o.kind.apiVersion.startsWith(`${s.object.spec.group}/`))
          this.erase(k);
      }
    }
  }
}
