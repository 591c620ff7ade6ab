/**
 * ManifestSet's provider against an in-memory Kubernetes API (fake-kube.ts): what it applies, in which
 * order, what it waits for, what it prunes and deletes, and how failures reach Pulumi. No real sleeps:
 * the lifecycle's clock and waits are injected, and every wait advances the clock.
 */
import * as pulumi from "@pulumi/pulumi";
import { K8sObject } from "../../../../stacks/kube/object";
import { forEachLimited, KubeAccess, KubeApi, refOf } from "../../../../stacks/kube/api";
import { KubeObject, ObjectRef } from "../../../../stacks/kube/object";
import { readinessOf } from "../../../../stacks/kube/readiness";
import { manifestInputs } from "../../../../stacks/kube/manifest-set/manifest-set";
import {
  makeManifestSetProvider,
  ManifestSetInputs,
  ManifestSetOutputs,
} from "../../../../stacks/kube/manifest-set/provider";
import { LifecycleOptions } from "../../../../stacks/kube/manifest-set/lifecycle";
import {
  AppliedObject,
  appliedOf,
  digestOf,
  objectKey,
  parseManifestMap,
  planChange,
} from "../../../../stacks/kube/manifest-set/plan";
import { BUILTIN_KINDS, builtinStatus, FakeKube } from "../../../fakes/fake-kube";

const NS = "kubeflow";
const MANAGER = "kfp-protein-stack";
const SETTING = "kfp.readinessTimeoutSeconds";
const ACCESS: KubeAccess = { kubeconfig: "apiVersion: v1\nkind: Config\n", context: "kfp-protein-dev" };

// ---- objects ----

const namespace = (name = NS): K8sObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const configMap = (name: string, data: Record<string, string> = { a: "1" }): K8sObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: NS },
  data,
});
const secret = (name: string): K8sObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name, namespace: NS },
  stringData: { password: "hunter2" },
});
const serviceAccount = (name: string): K8sObject => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, namespace: NS },
});
const clusterRole = (name: string): K8sObject => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: { name },
  rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
});
const podTemplate = (name: string, image: string) => ({
  metadata: { labels: { app: name } },
  spec: { containers: [{ name, image }] },
});
const deployment = (name: string, image = "app:1", replicas = 1): K8sObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: NS },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: podTemplate(name, image) },
});
const statefulSet = (name: string): K8sObject => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name, namespace: NS },
  spec: {
    replicas: 1,
    serviceName: name,
    selector: { matchLabels: { app: name } },
    template: podTemplate(name, "db:1"),
  },
});
const daemonSet = (name: string): K8sObject => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name, namespace: NS },
  spec: { selector: { matchLabels: { app: name } }, template: podTemplate(name, "agent:1") },
});
const crd: K8sObject = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "workflowtemplates.argoproj.io" },
  spec: {
    group: "argoproj.io",
    names: {
      kind: "WorkflowTemplate",
      listKind: "WorkflowTemplateList",
      plural: "workflowtemplates",
      singular: "workflowtemplate",
    },
    scope: "Namespaced",
    versions: [
      {
        name: "v1alpha1",
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
      },
    ],
  },
};
const workflowTemplate: K8sObject = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "WorkflowTemplate",
  metadata: { name: "hello", namespace: NS },
  spec: { entrypoint: "main", templates: [{ name: "main", container: { image: "busybox:1.36" } }] },
};

const describe_ = (o: K8sObject): string =>
  `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

/** objectKey → JSON, as ManifestSet's inputs arrive at the provider (secrets unwrapped). */
function manifestsOf(objects: K8sObject[]): Record<string, string> {
  return Object.fromEntries(objects.map((o) => [objectKey(refOf(o)), JSON.stringify(o)]));
}

function inputs(objects: K8sObject[], overrides: Partial<ManifestSetInputs> = {}): ManifestSetInputs {
  return {
    access: ACCESS,
    fieldManager: MANAGER,
    manifests: manifestsOf(objects),
    timeoutSeconds: 30,
    timeoutSetting: SETTING,
    providerVersion: "test",
    ...overrides,
  };
}

const appliedFor = (objects: K8sObject[]) => objects.map((o) => ({ ...refOf(o), digest: digestOf(JSON.stringify(o)) }));

const refsOf = (applied: AppliedObject[]): ObjectRef[] => applied.map(({ digest: _digest, ...ref }) => ref);

type InitError = Error & { id: string; properties: ManifestSetOutputs; reasons: string[] };

// ---- the harness ----

let fake: FakeKube;
let clock: number;
let waits: number;
let retryWaits: number[];
let connections: KubeAccess[];
let closes: number;

beforeEach(() => {
  fake = new FakeKube();
  clock = 1_700_000_000_000;
  waits = 0;
  retryWaits = [];
  connections = [];
  closes = 0;
});

afterEach(() => {
  // Every connection opened is closed, whatever happened, and nothing is left in flight.
  expect(closes).toBe(connections.length);
  expect(fake.inFlight).toBe(0);
});

function provider(lifecycle: Partial<LifecycleOptions> = {}) {
  return makeManifestSetProvider({
    api: (access) => {
      connections.push(access);
      return {
        api: new KubeApi(fake, { wait: async (ms) => void retryWaits.push(ms) }),
        close: () => {
          closes++;
          fake.close();
        },
      };
    },
    lifecycle: {
      now: () => clock,
      wait: async (ms) => {
        if (++waits > 10_000) throw new Error("runaway poll loop");
        clock += ms;
      },
      pollMs: 1,
      ...lifecycle,
    },
  });
}

async function createError(p: ReturnType<typeof provider>, i: ManifestSetInputs): Promise<InitError> {
  const e = await p.create(i).then(
    () => undefined,
    (err: InitError) => err,
  );
  if (!e) throw new Error("create succeeded; expected it to fail");
  return e;
}

const patchesSince = (mark: number): string[] =>
  fake.requests
    .slice(mark)
    .filter((r) => r.method === "PATCH")
    .map((r) => r.path)
    .sort();

const pathOf = (o: K8sObject): string => {
  const prefix = o.apiVersion.includes("/") ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const plural = BUILTIN_KINDS.find((k) => k.kind === o.kind)?.plural ?? crd.spec.names.plural;
  return o.metadata.namespace
    ? `${prefix}/namespaces/${o.metadata.namespace}/${plural}/${o.metadata.name}`
    : `${prefix}/${plural}/${o.metadata.name}`;
};

// ---- create ----

describe("create", () => {
  const set = [
    deployment("ml-pipeline"),
    configMap("pipeline-install-config"),
    namespace(),
    clusterRole("argo"),
    crd,
    serviceAccount("argo"),
    namespace("kubeflow-user"),
  ];

  test("applies every object once with the field manager, force and the apply-patch content type, namespaces first", async () => {
    const { id, outs } = await provider().create(inputs(set));

    expect(fake.applies.map((a) => a.object).sort()).toEqual(set.map(describe_).sort());
    expect(
      fake.applies
        .slice(0, 2)
        .map((a) => a.object)
        .sort(),
    ).toEqual(["Namespace kubeflow", "Namespace kubeflow-user"]);
    for (const a of fake.applies)
      expect(a).toMatchObject({ fieldManager: MANAGER, force: "true", contentType: "application/apply-patch+yaml" });
    // No apply was rejected (a namespaced object before its namespace would be: 404).
    expect(fake.requests.filter((r) => r.method === "PATCH" && r.status >= 300)).toEqual([]);
    for (const o of set) expect(fake.stored(refOf(o))).toMatchObject(o);

    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(outs).toEqual({
      access: ACCESS,
      fieldManager: MANAGER,
      timeoutSeconds: 30,
      timeoutSetting: SETTING,
      providerVersion: "test",
      applied: appliedFor(set),
    });
    expect(outs).not.toHaveProperty("manifests");
    expect(connections).toEqual([ACCESS]);
  });

  test("the id depends on which objects are in the set, not on their order or content", async () => {
    const { id } = await provider().create(inputs(set));
    fake = new FakeKube();
    const reordered = [...set]
      .reverse()
      .map((o) => (o.kind === "ConfigMap" ? configMap(o.metadata.name, { b: "2" }) : o));
    expect((await provider().create(inputs(reordered))).id).toBe(id);
    fake = new FakeKube();
    expect((await provider().create(inputs([...set, configMap("extra")]))).id).not.toBe(id);
  });

  test("waits until Deployments, StatefulSets, DaemonSets and CRDs are ready, polling only those", async () => {
    fake = new FakeKube({ notReadyGets: { Deployment: 3, StatefulSet: 5, DaemonSet: 1, CustomResourceDefinition: 2 } });
    const objects = [
      namespace(),
      crd,
      deployment("ml-pipeline"),
      statefulSet("mysql"),
      daemonSet("agent"),
      configMap("c"),
    ];
    await provider().create(inputs(objects));

    for (const o of [crd, deployment("ml-pipeline"), statefulSet("mysql"), daemonSet("agent")]) {
      expect([describe_(o), readinessOf(fake.stored(refOf(o))!)]).toEqual([describe_(o), { state: "ready" }]);
    }
    // Polled until ready, then no more.
    expect(fake.count("GET", pathOf(deployment("ml-pipeline")))).toBe(4);
    expect(fake.count("GET", pathOf(statefulSet("mysql")))).toBe(6);
    expect(fake.count("GET", "/apis/apps/v1/namespaces/kubeflow/daemonsets/agent")).toBe(2);
    expect(
      fake.count("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/workflowtemplates.argoproj.io"),
    ).toBe(3);
    // Kinds that are ready when they exist are not polled.
    expect(fake.count("GET", pathOf(configMap("c")))).toBe(0);
    expect(fake.count("GET", "/api/v1/namespaces/kubeflow")).toBe(0);
  });

  test("discovery is asked once per apiVersion however many objects share it", async () => {
    const many = Array.from({ length: 20 }, (_, i) => configMap(`cm-${i}`));
    await provider().create(inputs([namespace(), ...many, deployment("a"), deployment("b")]));
    expect(fake.count("GET", "/api/v1")).toBe(1);
    expect(fake.count("GET", "/apis/apps/v1")).toBe(1);
  });

  test("a custom resource whose CRD is in the set is applied only after that CRD is Established", async () => {
    fake = new FakeKube({ notReadyGets: { CustomResourceDefinition: 3 } });
    const { outs } = await provider().create(inputs([workflowTemplate, crd, namespace(), deployment("ml-pipeline")]));

    const established = fake.events.indexOf("ESTABLISHED CustomResourceDefinition workflowtemplates.argoproj.io");
    const appliedCr = fake.events.indexOf("APPLY WorkflowTemplate kubeflow/hello");
    expect(established).toBeGreaterThan(
      fake.events.indexOf("APPLY CustomResourceDefinition workflowtemplates.argoproj.io"),
    );
    expect(appliedCr).toBeGreaterThan(established);
    expect(fake.stored(refOf(workflowTemplate))).toMatchObject({ spec: workflowTemplate.spec });
    expect(fake.requests.filter((r) => r.method === "PATCH" && r.status >= 300)).toEqual([]);
    // Discovery of the new group was asked again once the CRD was established.
    expect(fake.count("GET", "/apis/argoproj.io/v1alpha1")).toBe(2);
    expect(outs.applied.map((a) => a.kind)).toContain("WorkflowTemplate");
  });

  test("a custom resource whose CRD is already installed is applied without waiting for anything", async () => {
    fake.seed(namespace());
    fake.seed(crd);
    await provider().create(inputs([workflowTemplate]));
    expect(fake.stored(refOf(workflowTemplate))).toBeDefined();
    expect(fake.count("GET", /customresourcedefinitions/)).toBe(0);
  });

  test("a custom resource whose CRD is neither installed nor in the set fails, naming the object and the likely cause", async () => {
    const e = await createError(provider(), inputs([namespace(), workflowTemplate]));
    expect(e.message).toBe(
      "applying WorkflowTemplate kubeflow/hello: the API server serves no WorkflowTemplate in argoproj.io/v1alpha1 (for WorkflowTemplate kubeflow/hello); is its CRD installed?",
    );
    expect(fake.stored(refOf(namespace()))).toBeDefined();
  });

  test("takes over fields another manager owns (force), as kubectl apply --server-side --force-conflicts", async () => {
    fake.seed(namespace());
    fake.seed(configMap("pipeline-install-config", { a: "old" }), "kubectl-edit");
    await provider().create(inputs([configMap("pipeline-install-config", { a: "new" })]));
    expect(fake.stored(refOf(configMap("pipeline-install-config")))!.data).toEqual({ a: "new" });
  });

  test("applies at most `concurrency` objects at a time", async () => {
    const many = Array.from({ length: 12 }, (_, i) => configMap(`cm-${i}`));
    await provider({ concurrency: 2 }).create(inputs([namespace(), ...many]));
    expect(fake.maxInFlight).toBe(2);
    expect(fake.applies).toHaveLength(13);

    fake = new FakeKube();
    const more = Array.from({ length: 40 }, (_, i) => configMap(`cm-${i}`));
    await provider().create(inputs([namespace(), ...more]));
    expect(fake.maxInFlight).toBeGreaterThan(2);
    expect(fake.maxInFlight).toBeLessThanOrEqual(16);
  });
});

// ---- readiness failures ----

describe("readiness failures", () => {
  const set = [namespace(), deployment("ml-pipeline"), deployment("ml-pipeline-ui"), configMap("c")];

  test("a Deployment that never becomes Available fails create after the timeout, naming it, why, and the setting", async () => {
    fake.control("Deployment", "kubeflow/ml-pipeline", (o) => builtinStatus(o, false));
    const start = clock;
    const e = await createError(provider(), inputs(set));

    expect(e.message).toBe(
      `not ready within 30 s (raise ${SETTING} if the cluster is just slow):\n- Deployment kubeflow/ml-pipeline: 0 of 1 updated replicas available`,
    );
    expect(clock - start).toBeGreaterThanOrEqual(30_000);
    expect(clock - start).toBeLessThan(31_000);
    // Fast polls first, then one a second: not thousands of GETs in 30 s.
    const gets = fake.count("GET", pathOf(deployment("ml-pipeline")));
    expect(gets).toBeGreaterThan(40);
    expect(gets).toBeLessThan(70);
    // The ready one was not polled again once ready.
    expect(fake.count("GET", pathOf(deployment("ml-pipeline-ui")))).toBe(1);
  });

  test("the failure carries id, properties and reasons, so Pulumi records what was applied", async () => {
    fake.control("Deployment", "kubeflow/ml-pipeline", (o) => builtinStatus(o, false));
    const e = await createError(provider(), inputs(set));
    // A plain Error: serialized Error subclasses lose their message.
    expect(Object.getPrototypeOf(e)).toBe(Error.prototype);
    expect(e.reasons).toEqual([e.message]);
    // Every object, so that destroy removes what was applied (with empty digests, so the next up re-applies them).
    expect(e.properties).toMatchObject({
      access: ACCESS,
      fieldManager: MANAGER,
      timeoutSeconds: 30,
      timeoutSetting: SETTING,
      providerVersion: "test",
    });
    expect(refsOf(e.properties.applied)).toEqual(set.map(refOf));

    const healthy = new FakeKube();
    fake = healthy;
    const { id } = await provider().create(inputs(set));
    expect(e.id).toBe(id);
  });

  test("the timeout comes from timeoutSeconds", async () => {
    fake.control("Deployment", "kubeflow/ml-pipeline", (o) => builtinStatus(o, false));
    const start = clock;
    const e = await createError(provider(), inputs(set, { timeoutSeconds: 5, timeoutSetting: "kfp.other" }));
    expect(e.message).toMatch(/^not ready within 5 s \(raise kfp\.other if the cluster is just slow\)/);
    expect(clock - start).toBeGreaterThanOrEqual(5_000);
    expect(clock - start).toBeLessThan(6_000);
  });

  test("a rollout past its progress deadline fails fast", async () => {
    fake.control("Deployment", "kubeflow/ml-pipeline", (o, gets) =>
      gets < 3
        ? builtinStatus(o, false)
        : {
            observedGeneration: o.metadata.generation,
            replicas: 1,
            updatedReplicas: 1,
            availableReplicas: 0,
            conditions: [
              {
                type: "Progressing",
                status: "False",
                reason: "ProgressDeadlineExceeded",
                message: 'ReplicaSet "ml-pipeline-6d4" has timed out progressing.',
              },
            ],
          },
    );
    const start = clock;
    const e = await createError(provider(), inputs(set));
    expect(e.message).toBe(
      'Deployment kubeflow/ml-pipeline failed: rollout exceeded its progress deadline: ReplicaSet "ml-pipeline-6d4" has timed out progressing.',
    );
    expect(fake.count("GET", pathOf(deployment("ml-pipeline")))).toBe(3);
    expect(clock - start).toBeLessThan(100);
    expect(refsOf(e.properties.applied)).toEqual(set.map(refOf));
  });

  test("a CRD whose names are not accepted fails fast, with the API server's reason", async () => {
    fake.control("CustomResourceDefinition", "workflowtemplates.argoproj.io", () => ({
      conditions: [
        {
          type: "NamesAccepted",
          status: "False",
          reason: "NameConflict",
          message: '"workflowtemplates" is already in use',
        },
        { type: "Established", status: "False", reason: "NotAccepted" },
      ],
    }));
    const start = clock;
    const e = await createError(provider(), inputs([namespace(), crd, workflowTemplate]));
    expect(e.message).toBe(
      'CustomResourceDefinition workflowtemplates.argoproj.io failed: names not accepted: "workflowtemplates" is already in use',
    );
    expect(clock - start).toBeLessThan(100);
    expect(fake.stored(refOf(workflowTemplate))).toBeUndefined();
  });

  test("a CRD that never becomes Established times out before its custom resources are applied", async () => {
    fake.control("CustomResourceDefinition", "workflowtemplates.argoproj.io", (o) => builtinStatus(o, false));
    const e = await createError(provider(), inputs([namespace(), crd, workflowTemplate]));
    expect(e.message).toBe(
      `not ready within 30 s (raise ${SETTING} if the cluster is just slow):\n- CustomResourceDefinition workflowtemplates.argoproj.io: not Established yet`,
    );
    expect(fake.events).not.toContain("APPLY WorkflowTemplate kubeflow/hello");
  });
});

// ---- API failures ----

describe("API failures", () => {
  const set = [namespace(), configMap("pipeline-install-config"), deployment("ml-pipeline")];

  test("503 twice, then success, is retried with backoff", async () => {
    fake.injectFault({
      method: "PATCH",
      path: "/configmaps/pipeline-install-config",
      status: 503,
      message: "etcdserver: leader changed",
      times: 2,
    });
    await provider().create(inputs(set));
    expect(fake.count("PATCH", pathOf(configMap("pipeline-install-config")))).toBe(3);
    expect(retryWaits).toEqual([500, 1000]);
    expect(fake.stored(refOf(configMap("pipeline-install-config")))).toBeDefined();
  });

  test("a dropped connection during discovery is retried, and discovery is still asked only until it succeeds", async () => {
    fake.injectFault({ method: "GET", path: /^\/apis\/apps\/v1$/, network: true });
    await provider().create(inputs([...set, deployment("ml-pipeline-ui")]));
    expect(fake.count("GET", "/apis/apps/v1")).toBe(2);
    expect(fake.stored(refOf(deployment("ml-pipeline-ui")))).toBeDefined();
  });

  test("429 and 500s on GET while waiting are retried too", async () => {
    fake.injectFault({ method: "GET", path: "/deployments/ml-pipeline", status: 429, message: "too many requests" });
    fake.injectFault({ method: "GET", path: "/deployments/ml-pipeline", status: 500, message: "internal error" });
    await provider().create(inputs(set));
    expect(retryWaits).toEqual([500, 1000]);
  });

  test("a persistent 503 gives up after 5 attempts, naming the object and the answer", async () => {
    fake.injectFault({
      method: "PATCH",
      path: "/deployments/ml-pipeline",
      status: 503,
      message: "etcdserver: leader changed",
      times: 100,
    });
    const e = await createError(provider(), inputs(set));
    expect(e.message).toBe(
      "applying Deployment kubeflow/ml-pipeline: Kubernetes API PATCH /apis/apps/v1/namespaces/kubeflow/deployments/ml-pipeline?fieldManager=kfp-protein-stack&force=true answered HTTP 503: etcdserver: leader changed",
    );
    expect(fake.count("PATCH", pathOf(deployment("ml-pipeline")))).toBe(5);
    expect(retryWaits).toEqual([500, 1000, 2000, 4000]);
  });

  test("a 422 is not retried; the message names the object and the API server's reason; the rest is still applied", async () => {
    const invalid = 'Deployment.apps "ml-pipeline" is invalid: spec.template.spec.containers[0].image: Required value';
    fake.injectFault({ method: "PATCH", path: "/deployments/ml-pipeline", status: 422, message: invalid });
    const e = await createError(provider(), inputs(set));
    expect(e.message).toBe(
      `applying Deployment kubeflow/ml-pipeline: Kubernetes API PATCH /apis/apps/v1/namespaces/kubeflow/deployments/ml-pipeline?fieldManager=kfp-protein-stack&force=true answered HTTP 422: ${invalid}`,
    );
    expect(fake.count("PATCH", pathOf(deployment("ml-pipeline")))).toBe(1);
    expect(retryWaits).toEqual([]);
    expect(e.id).toMatch(/^[0-9a-f]{16}$/);
    expect(e.reasons).toEqual([e.message]);
    expect(fake.stored(refOf(configMap("pipeline-install-config")))).toBeDefined();
  });

  test("several failed objects are all reported", async () => {
    fake.injectFault({ method: "PATCH", path: "/deployments/ml-pipeline", status: 422, message: "bad deployment" });
    fake.injectFault({
      method: "PATCH",
      path: "/configmaps/pipeline-install-config",
      status: 403,
      message: "forbidden",
    });
    const e = await createError(provider(), inputs(set));
    expect(e.message).toMatch(/^2 operations failed:\n/);
    expect(e.message).toContain("- applying Deployment kubeflow/ml-pipeline: ");
    expect(e.message).toContain("HTTP 422: bad deployment");
    expect(e.message).toContain("- applying ConfigMap kubeflow/pipeline-install-config: ");
    expect(e.message).toContain("HTTP 403: forbidden");
  });
});

// ---- diff ----

describe("diff", () => {
  const set = [namespace(), configMap("a"), deployment("ml-pipeline")];
  let outs: ManifestSetOutputs;
  beforeEach(async () => {
    ({ outs } = await provider().create(inputs(set)));
  });
  const diff = (news: ManifestSetInputs) => provider().diff("id", outs, news);

  test("no changes for the same manifests and settings, in any order", async () => {
    expect(await diff(inputs(set))).toEqual({ changes: false });
    expect(await diff(inputs([...set].reverse()))).toEqual({ changes: false });
  });

  test("changes when an object's JSON changes", async () => {
    expect(await diff(inputs([namespace(), configMap("a", { a: "2" }), deployment("ml-pipeline")]))).toEqual({
      changes: true,
    });
    expect(await diff(inputs([namespace(), configMap("a"), deployment("ml-pipeline", "app:2")]))).toEqual({
      changes: true,
    });
  });

  test("changes when an object is added or removed", async () => {
    expect(await diff(inputs([...set, configMap("b")]))).toEqual({ changes: true });
    expect(await diff(inputs(set.slice(0, 2)))).toEqual({ changes: true });
  });

  test.each<[string, Partial<ManifestSetInputs>]>([
    ["access", { access: { kubeconfig: ACCESS.kubeconfig, context: "other" } }],
    ["timeoutSeconds", { timeoutSeconds: 600 }],
    ["timeoutSetting", { timeoutSetting: "kfp.other" }],
    ["fieldManager", { fieldManager: "someone-else" }],
    ["providerVersion", { providerVersion: "next" }],
  ])("changes when %s changes", async (_what, override) => {
    expect(await diff(inputs(set, override))).toEqual({ changes: true });
  });

  test("does not talk to the cluster", async () => {
    const before = fake.requests.length;
    await diff(inputs([...set, configMap("b")]));
    expect(fake.requests.length).toBe(before);
  });
});

// ---- update ----

describe("update", () => {
  const before = [
    namespace(),
    configMap("same"),
    configMap("changed"),
    deployment("ml-pipeline", "app:1"),
    serviceAccount("old"),
  ];
  const after = [
    namespace(),
    configMap("same"),
    configMap("changed", { a: "2" }),
    deployment("ml-pipeline", "app:2"),
    configMap("added"),
  ];

  test("applies only changed and added objects, prunes removed ones and waits until they are gone", async () => {
    fake = new FakeKube({ notReadyGets: { Deployment: 2 } });
    const { id, outs } = await provider().create(inputs(before));
    fake.holdOnDelete(refOf(serviceAccount("old")), 3);
    const mark = fake.requests.length;

    const { outs: next } = await provider().update(id, outs, inputs(after));

    expect(patchesSince(mark)).toEqual(
      [pathOf(configMap("added")), pathOf(configMap("changed")), pathOf(deployment("ml-pipeline"))].sort(),
    );
    expect(
      fake.requests
        .slice(mark)
        .filter((r) => r.method === "DELETE")
        .map((r) => r.path),
    ).toEqual([pathOf(serviceAccount("old"))]);
    expect(fake.stored(refOf(serviceAccount("old")))).toBeUndefined();
    // Waited until the finalizer let go: 3 GETs found it, the 4th did not.
    expect(
      fake.requests
        .slice(mark)
        .filter((r) => r.method === "GET" && r.path === pathOf(serviceAccount("old")))
        .map((r) => r.status),
    ).toEqual([200, 200, 200, 404]);
    // The changed Deployment was awaited at its new generation.
    const live = fake.stored(refOf(deployment("ml-pipeline")))!;
    expect(live.metadata.generation).toBe(2);
    expect(live.status.observedGeneration).toBe(2);
    expect(readinessOf(live)).toEqual({ state: "ready" });
    expect(live.spec.template.spec.containers[0].image).toBe("app:2");

    expect(next).toEqual({ ...outs, applied: appliedFor(after) });
  });

  test("an update with only new settings touches no object", async () => {
    const { id, outs } = await provider().create(inputs(before));
    const mark = fake.requests.length;
    const { outs: next } = await provider().update(
      id,
      outs,
      inputs(before, { timeoutSeconds: 99, providerVersion: "next" }),
    );
    expect(fake.requests.slice(mark).filter((r) => r.method !== "GET")).toEqual([]);
    expect(next).toMatchObject({ timeoutSeconds: 99, providerVersion: "next", applied: outs.applied });
  });

  test("with changed access it re-applies every object, over the new access", async () => {
    const { id, outs } = await provider().create(inputs(before));
    const mark = fake.requests.length;
    const access = { kubeconfig: "apiVersion: v1\nkind: Config\n# rotated\n", context: "kfp-protein-dev" };
    const { outs: next } = await provider().update(id, outs, inputs(before, { access }));
    expect(patchesSince(mark)).toEqual(before.map(pathOf).sort());
    expect(connections[connections.length - 1]).toEqual(access);
    expect(next.access).toEqual(access);
  });

  test("with a changed field manager it re-applies every object under the new manager", async () => {
    const { id, outs } = await provider().create(inputs(before));
    const mark = fake.applies.length;
    await provider().update(id, outs, inputs(after, { fieldManager: "kfp-protein-stack-v2" }));
    expect(
      fake.applies
        .slice(mark)
        .map((a) => a.object)
        .sort(),
    ).toEqual(after.map(describe_).sort());
    for (const a of fake.applies.slice(mark))
      expect(a).toMatchObject({ fieldManager: "kfp-protein-stack-v2", force: "true" });
  });

  test("re-applies objects a refresh found missing", async () => {
    const { id, outs } = await provider().create(inputs(before));
    fake.remove(refOf(configMap("same")));
    const { props } = await provider().read(id, outs);
    expect(await provider().diff(id, props, inputs(before))).toEqual({ changes: true });
    const mark = fake.requests.length;
    await provider().update(id, props, inputs(before));
    expect(patchesSince(mark)).toEqual([pathOf(configMap("same"))]);
    expect(fake.stored(refOf(configMap("same")))).toBeDefined();
  });

  test("a failed update rejects with the object named", async () => {
    const { id, outs } = await provider().create(inputs(before));
    fake.injectFault({ method: "PATCH", path: "/configmaps/added", status: 422, message: "nope" });
    await expect(provider().update(id, outs, inputs(after))).rejects.toThrow(
      /^applying ConfigMap kubeflow\/added: .*HTTP 422: nope$/,
    );
  });

  // Keys include the apiVersion: an object that moves to another version of its API (a CRD's
  // v1alpha1 → v1) must not be pruned under its old key after being applied under its new one.
  test("an object moved to another version of its API is kept", async () => {
    const versions = [
      { ...crd.spec.versions[0], storage: false },
      { ...crd.spec.versions[0], name: "v1", storage: true },
    ];
    const twoVersions: K8sObject = { ...crd, spec: { ...crd.spec, versions } };
    const moved: K8sObject = { ...workflowTemplate, apiVersion: "argoproj.io/v1" };
    const { id, outs } = await provider().create(inputs([namespace(), twoVersions, workflowTemplate]));
    await provider().update(id, outs, inputs([namespace(), twoVersions, moved]));
    expect(fake.stored(refOf(moved))).toMatchObject({ apiVersion: "argoproj.io/v1", spec: workflowTemplate.spec });
  });

  // The engine always updates a resource with init errors; that update must apply and await what the
  // failed create could not (the create records no digests).
  test("the update after a failed create applies what the create could not", async () => {
    fake.injectFault({ method: "PATCH", path: "/deployments/ml-pipeline", status: 422, message: "webhook denied" });
    const e = await createError(provider(), inputs(before));
    await provider().update(e.id, e.properties, inputs(before));
    expect(fake.stored(refOf(deployment("ml-pipeline")))).toBeDefined();
  });
});

// ---- delete ----

describe("delete", () => {
  const set = [
    namespace(),
    crd,
    workflowTemplate,
    deployment("ml-pipeline"),
    clusterRole("argo"),
    configMap("c"),
    namespace("kubeflow-user"),
  ];

  test("removes workloads and the rest, then CRDs, then namespaces, each phase waited until gone", async () => {
    const { id, outs } = await provider().create(inputs(set));
    fake.holdOnDelete(refOf(deployment("ml-pipeline")), 3);
    fake.holdOnDelete(refOf(crd), 2);
    const mark = fake.events.length;
    const requestMark = fake.requests.length;

    await provider().delete(id, outs);

    expect(fake.contents()).toEqual([]);
    const events = fake.events.slice(mark);
    const at = (e: string) => {
      expect(events).toContain(e);
      return events.indexOf(e);
    };
    const firstCrdDelete = at("DELETE CustomResourceDefinition workflowtemplates.argoproj.io");
    for (const o of [workflowTemplate, deployment("ml-pipeline"), clusterRole("argo"), configMap("c")]) {
      expect(at(`DELETE ${describe_(o)}`)).toBeLessThan(firstCrdDelete);
      expect(at(`GONE ${describe_(o)}`)).toBeLessThan(firstCrdDelete);
    }
    for (const ns of ["Namespace kubeflow", "Namespace kubeflow-user"]) {
      expect(at(`DELETE ${ns}`)).toBeGreaterThan(at("GONE CustomResourceDefinition workflowtemplates.argoproj.io"));
    }
    const deletes = fake.requests.slice(requestMark).filter((r) => r.method === "DELETE");
    expect(deletes).toHaveLength(set.length);
    for (const d of deletes)
      expect(d.body).toEqual({ kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" });
  });

  test("objects already gone are fine, including custom resources whose CRD is gone", async () => {
    const { id, outs } = await provider().create(inputs(set));
    fake.remove(refOf(configMap("c")));
    fake.remove(refOf(crd)); // takes its WorkflowTemplates with it
    expect(fake.stored(refOf(workflowTemplate))).toBeUndefined();
    await provider().delete(id, outs);
    expect(fake.contents()).toEqual([]);
  });

  test("nothing applied, nothing to do", async () => {
    await provider().delete("id", { ...inputs([]), applied: [] } as ManifestSetOutputs);
    expect(fake.requests).toEqual([]);
  });

  test("an object a finalizer never releases fails delete after the timeout, and later phases are left alone", async () => {
    const { id, outs } = await provider().create(inputs(set));
    fake.holdOnDelete(refOf(deployment("ml-pipeline")), 1_000_000);
    await expect(provider().delete(id, outs)).rejects.toThrow(
      `not deleted within 30 s (raise ${SETTING} if the cluster is just slow):\n- Deployment kubeflow/ml-pipeline still exists (finalizers?)`,
    );
    expect(fake.stored(refOf(crd))).toBeDefined();
    expect(fake.stored(refOf(namespace()))).toBeDefined();
  });
});

// ---- read ----

describe("read", () => {
  const set = [namespace(), configMap("a"), configMap("b"), deployment("ml-pipeline"), clusterRole("argo")];

  test("drops objects that no longer exist from applied, keeping the rest as they were", async () => {
    const { id, outs } = await provider().create(inputs(set));
    fake.remove(refOf(configMap("b")));
    fake.remove(refOf(clusterRole("argo")));
    const res = await provider().read(id, outs);
    expect(res.id).toBe(id);
    expect(res.props).toEqual({
      ...outs,
      applied: appliedFor([namespace(), configMap("a"), deployment("ml-pipeline")]),
    });
  });

  test("everything present: applied unchanged, nothing written", async () => {
    const { id, outs } = await provider().create(inputs(set));
    const mark = fake.requests.length;
    expect((await provider().read(id, outs)).props).toEqual(outs);
    expect(fake.requests.slice(mark).every((r) => r.method === "GET")).toBe(true);
  });

  // A refresh after a CRD was deleted drops its custom resources instead of failing.
  test("drops custom resources whose CRD was deleted", async () => {
    const { id, outs } = await provider().create(inputs([namespace(), crd, workflowTemplate]));
    fake.remove(refOf(crd));
    const res = await provider().read(id, outs);
    expect(res.props.applied).toEqual(appliedFor([namespace()]));
  });
});

// ---- manifestInputs, parseManifestMap, planChange ----

describe("manifestInputs", () => {
  test("keys objects by objectKey, with each object's JSON", () => {
    const objects = [namespace(), configMap("a"), deployment("ml-pipeline"), clusterRole("argo")];
    expect(manifestInputs(objects)).toEqual({
      "v1 Namespace kubeflow": JSON.stringify(namespace()),
      "v1 ConfigMap kubeflow/a": JSON.stringify(configMap("a")),
      "apps/v1 Deployment kubeflow/ml-pipeline": JSON.stringify(deployment("ml-pipeline")),
      "rbac.authorization.k8s.io/v1 ClusterRole argo": JSON.stringify(clusterRole("argo")),
    });
  });

  test("the same name in another namespace or of another kind is another object", () => {
    const elsewhere = { ...configMap("a"), metadata: { name: "a", namespace: "other" } };
    expect(Object.keys(manifestInputs([configMap("a"), elsewhere, serviceAccount("a")]))).toHaveLength(3);
  });

  test("rejects the same object twice", () => {
    expect(() => manifestInputs([configMap("a"), configMap("b"), configMap("a", { x: "y" })])).toThrow(
      "two objects are v1 ConfigMap kubeflow/a; a manifest set holds each object once",
    );
  });

  test("Secret manifests are Pulumi secrets; the others are plain strings", async () => {
    const out = manifestInputs([configMap("a"), secret("mlpipeline-minio-artifact")]);
    expect(typeof out["v1 ConfigMap kubeflow/a"]).toBe("string");
    const s = out["v1 Secret kubeflow/mlpipeline-minio-artifact"];
    expect(pulumi.Output.isInstance(s)).toBe(true);
    const o = s as pulumi.Output<string>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const internals = o as any;
    expect(await internals.isSecret).toBe(true);
    expect(await internals.promise()).toBe(JSON.stringify(secret("mlpipeline-minio-artifact")));
  });
});

describe("parseManifestMap and planChange", () => {
  test("objectKey reads as apiVersion, kind and [namespace/]name", () => {
    expect(objectKey(refOf(deployment("ml-pipeline")))).toBe("apps/v1 Deployment kubeflow/ml-pipeline");
    expect(objectKey(refOf(crd))).toBe(
      "apiextensions.k8s.io/v1 CustomResourceDefinition workflowtemplates.argoproj.io",
    );
  });

  test("digests are short, stable and content-sensitive", () => {
    const text = JSON.stringify(configMap("a"));
    expect(digestOf(text)).toMatch(/^[0-9a-f]{16}$/);
    expect(digestOf(text)).toBe(digestOf(JSON.stringify(configMap("a"))));
    expect(digestOf(JSON.stringify(configMap("a", { a: "2" })))).not.toBe(digestOf(text));
  });

  test("parseManifestMap returns each object with its key and the digest of its text", () => {
    const manifests = manifestsOf([namespace(), configMap("a")]);
    expect(parseManifestMap(manifests)).toEqual([
      { key: "v1 Namespace kubeflow", object: namespace(), digest: digestOf(JSON.stringify(namespace())) },
      { key: "v1 ConfigMap kubeflow/a", object: configMap("a"), digest: digestOf(JSON.stringify(configMap("a"))) },
    ]);
  });

  test("parseManifestMap rejects a manifest under another object's key", () => {
    expect(() => parseManifestMap({ "v1 ConfigMap kubeflow/a": JSON.stringify(configMap("b")) })).toThrow(
      'manifest under "v1 ConfigMap kubeflow/a" is v1 ConfigMap kubeflow/b',
    );
    expect(() => parseManifestMap({ "v1 ConfigMap a": JSON.stringify(configMap("a")) })).toThrow(
      'manifest under "v1 ConfigMap a" is v1 ConfigMap kubeflow/a',
    );
  });

  const old = [namespace(), configMap("same"), configMap("changed"), serviceAccount("removed")];
  const applied = appliedOf(parseManifestMap(manifestsOf(old)));
  const next = manifestsOf([namespace(), configMap("same"), configMap("changed", { a: "2" }), configMap("added")]);

  test("planChange applies added and changed objects and prunes removed ones (as refs without digests)", () => {
    const plan = planChange(applied, next, false);
    expect(plan.toApply).toEqual([configMap("changed", { a: "2" }), configMap("added")]);
    expect(plan.toPrune).toStrictEqual([{ apiVersion: "v1", kind: "ServiceAccount", namespace: NS, name: "removed" }]);
  });

  test("planChange with reapplyAll applies every object", () => {
    expect(planChange(applied, next, true).toApply).toEqual([
      namespace(),
      configMap("same"),
      configMap("changed", { a: "2" }),
      configMap("added"),
    ]);
  });

  test("planChange of the same manifests is empty; from nothing it applies everything", () => {
    expect(planChange(applied, manifestsOf(old), false)).toEqual({ toApply: [], toPrune: [] });
    expect(planChange([], manifestsOf(old), false)).toEqual({ toApply: old, toPrune: [] });
  });

  test("planChange with no manifests prunes everything", () => {
    expect(planChange(applied, {}, false).toPrune.map((r) => r.name)).toEqual([
      "kubeflow",
      "same",
      "changed",
      "removed",
    ]);
  });
});

// ---- KubeApi ----

describe("KubeApi", () => {
  const api = () => new KubeApi(fake, { wait: async (ms) => void retryWaits.push(ms) });
  const ref = (o: K8sObject): ObjectRef => refOf(o as KubeObject);

  test("concurrent lookups of one apiVersion share one discovery request; forget asks again", async () => {
    const a = api();
    const found = await Promise.all([
      a.resourceFor("apps/v1", "Deployment"),
      a.resourceFor("apps/v1", "StatefulSet"),
      a.resourceFor("apps/v1", "DaemonSet"),
    ]);
    expect(found.map((r) => r?.name)).toEqual(["deployments", "statefulsets", "daemonsets"]);
    expect(fake.count("GET", "/apis/apps/v1")).toBe(1);
    a.forget("apps/v1");
    await a.resourceFor("apps/v1", "Deployment");
    expect(fake.count("GET", "/apis/apps/v1")).toBe(2);
  });

  test("subresources are not resources", async () => {
    expect(await api().resourceFor("apps/v1", "Deployment")).toMatchObject({
      name: "deployments",
      namespaced: true,
      kind: "Deployment",
    });
  });

  test("an unknown group is served nothing (404 discovery), a failed discovery is not remembered", async () => {
    const a = api();
    expect(await a.resourceFor("example.com/v1", "Thing")).toBeUndefined();
    fake.injectFault({ method: "GET", path: /^\/api\/v1$/, status: 403, message: "forbidden" });
    await expect(a.resourceFor("v1", "ConfigMap")).rejects.toThrow(
      "Kubernetes API GET /api/v1 answered HTTP 403: forbidden",
    );
    expect(await a.resourceFor("v1", "ConfigMap")).toMatchObject({ name: "configmaps" });
  });

  test("paths: namespaced, cluster-scoped, default namespace, escaped names", async () => {
    const a = api();
    expect(await a.pathOf(ref(configMap("a")))).toBe("/api/v1/namespaces/kubeflow/configmaps/a");
    expect(await a.pathOf({ apiVersion: "v1", kind: "ConfigMap", name: "a" })).toBe(
      "/api/v1/namespaces/default/configmaps/a",
    );
    expect(await a.pathOf(ref(clusterRole("system:argo")))).toBe(
      "/apis/rbac.authorization.k8s.io/v1/clusterroles/system%3Aargo",
    );
    await expect(a.pathOf(ref(workflowTemplate))).rejects.toThrow(
      "the API server serves no WorkflowTemplate in argoproj.io/v1alpha1",
    );
  });

  test("get: undefined when missing, the object when present, an error naming path and status otherwise", async () => {
    const a = api();
    fake.seed(namespace());
    fake.seed(configMap("a"));
    expect(await a.get(ref(configMap("missing")))).toBeUndefined();
    expect(await a.get(ref(configMap("a")))).toMatchObject({ data: { a: "1" } });
    fake.injectFault({ method: "GET", path: "/configmaps/a", status: 401, message: "Unauthorized" });
    await expect(a.get(ref(configMap("a")))).rejects.toThrow(
      "Kubernetes API GET /api/v1/namespaces/kubeflow/configmaps/a answered HTTP 401: Unauthorized",
    );
    expect(retryWaits).toEqual([]);
  });

  test("delete: true when deleted, false when already gone or its kind is not served (without asking)", async () => {
    const a = api();
    fake.seed(namespace());
    fake.seed(configMap("a"));
    expect(await a.delete(ref(configMap("a")))).toBe(true);
    expect(await a.delete(ref(configMap("a")))).toBe(false);
    const before = fake.count("DELETE");
    expect(await a.delete(ref(workflowTemplate))).toBe(false);
    expect(fake.count("DELETE")).toBe(before);
  });

  test("apply returns the object as stored; a missing namespace is a 404 error, not retried", async () => {
    const a = api();
    await expect(a.apply(configMap("a"), MANAGER)).rejects.toThrow(
      'answered HTTP 404: namespaces "kubeflow" not found',
    );
    expect(fake.count("PATCH")).toBe(1);
    await a.apply(namespace(), MANAGER);
    expect(await a.apply(configMap("a"), MANAGER)).toMatchObject({
      metadata: { name: "a", namespace: NS, uid: expect.any(String) },
      data: { a: "1" },
    });
  });

  test("gives up on network errors after the configured attempts", async () => {
    fake.injectFault({ network: true, times: 10 });
    const a = new KubeApi(fake, { attempts: 3, retryDelayMs: 10, wait: async (ms) => void retryWaits.push(ms) });
    await expect(a.resourceFor("v1", "ConfigMap")).rejects.toThrow("socket hang up");
    expect(retryWaits).toEqual([10, 20]);
  });
});

// ---- forEachLimited ----

describe("forEachLimited", () => {
  const tick = () => new Promise((r) => setImmediate(r));

  async function run(items: number[], limit: number, fail: (i: number) => boolean = () => false) {
    let inFlight = 0;
    let max = 0;
    const done: number[] = [];
    const result = await forEachLimited(items, limit, async (i) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await tick();
      if (i % 2) await tick();
      inFlight--;
      done.push(i);
      if (fail(i)) throw new Error(`bad ${i}`);
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    return { max, done, error: result };
  }

  const ten = Array.from({ length: 10 }, (_, i) => i);

  test("never runs more than the limit at once, and runs every item once", async () => {
    const { max, done, error } = await run(ten, 3);
    expect(error).toBeUndefined();
    expect(max).toBe(3);
    expect([...done].sort((a, b) => a - b)).toEqual(ten);
  });

  test("a limit above the item count runs them all at once", async () => {
    expect((await run(ten, 50)).max).toBe(10);
  });

  test("no items: nothing runs", async () => {
    const { done, error } = await run([], 4);
    expect(done).toEqual([]);
    expect(error).toBeUndefined();
  });

  test("one failure rejects with that very error, after every other item ran", async () => {
    const thrown: Error[] = [];
    const e = await forEachLimited(ten, 2, async (i) => {
      await tick();
      if (i === 4) {
        const err = new Error("bad 4");
        thrown.push(err);
        throw err;
      }
    }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(e).toBe(thrown[0]);
    const { done, error } = await run(ten, 2, (i) => i === 4);
    expect(error?.message).toBe("bad 4");
    expect(done).toHaveLength(10);
  });

  test("several failures are aggregated into one message listing each", async () => {
    const { done, error } = await run(ten, 3, (i) => i === 2 || i === 7);
    expect(done).toHaveLength(10);
    expect(error?.message).toBe("2 operations failed:\n- bad 2\n- bad 7");
  });
});
