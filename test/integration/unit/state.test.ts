import {
  appeared,
  baselineManifests,
  Deployment,
  duplicateUrns,
  MANIFEST_SET_TYPE,
  objectsDestroyMustRemove,
  pipelineRunProblems,
  PIPELINE_RUN_TYPE,
  revealSecrets,
  stackObjects,
  StateResource,
} from "../state";

const SIG = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
/** How `pulumi stack export --show-secrets` writes a secret: plaintext is the value as JSON. */
const envelope = (value: unknown) => ({ [SIG]: secretSig, plaintext: JSON.stringify(value) });

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [k: string]: unknown };

const key = (o: Obj) =>
  `${o.apiVersion} ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
const applied = (o: Obj) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  name: o.metadata.name,
  digest: "0123456789abcdef",
});

/** A ManifestSet as exported: manifests keyed by objectKey, Secrets' JSON as secrets, `applied` in outputs. */
function manifestSet(name: string, objects: Obj[], appliedObjects: Obj[] = objects): StateResource {
  const manifests = Object.fromEntries(
    objects.map((o) => [key(o), o.kind === "Secret" ? envelope(JSON.stringify(o)) : JSON.stringify(o)]),
  );
  const access = envelope({ kubeconfig: "apiVersion: v1", context: "kind" });
  return {
    urn: `urn:pulumi:itest::kfp-protein-stack::kfp-protein:kfp:KubeflowPipelines$${MANIFEST_SET_TYPE}::${name}`,
    type: MANIFEST_SET_TYPE,
    custom: true,
    id: "4f2a",
    inputs: { access, fieldManager: "kfp-protein-stack", manifests, timeoutSeconds: 600 },
    outputs: { access, fieldManager: "kfp-protein-stack", applied: appliedObjects.map(applied), timeoutSeconds: 600 },
  };
}

const crd: Obj = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "workflows.argoproj.io" },
  spec: {},
};
const clusterRole: Obj = {
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: { name: "argo-cluster-role" },
  rules: [],
};
const apiServer: Obj = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "ml-pipeline", namespace: "kubeflow" },
  spec: { replicas: 1 },
};
const mysqlPvc: Obj = {
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "mysql-pv-claim", namespace: "kubeflow" },
  spec: {},
};
const mysqlSecret: Obj = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "mysql-secret", namespace: "kubeflow" },
  stringData: { username: "root" },
};

const singles: StateResource[] = [
  { urn: "urn:stack", type: "pulumi:pulumi:Stack" },
  { urn: "urn:provider", type: "pulumi:providers:kubernetes", custom: true },
  { urn: "urn:component", type: "kfp-protein:kfp:KubeflowPipelines", custom: false },
  {
    urn: "urn:deploy",
    type: "kubernetes:apps/v1:Deployment",
    custom: true,
    inputs: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "minio", namespace: "kubeflow", annotations: { "pulumi.com/skipAwait": "false", team: "md" } },
      spec: { replicas: 1 },
    },
    outputs: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "minio", namespace: "kubeflow" } },
  },
  {
    urn: "urn:ns",
    type: "kubernetes:core/v1:Namespace",
    custom: true,
    inputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "kubeflow" } },
    outputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "kubeflow" } },
  },
  {
    urn: "urn:secret",
    type: "kubernetes:core/v1:Secret",
    custom: true,
    retainOnDelete: true,
    inputs: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "creds", namespace: "kubeflow" },
      stringData: envelope({ secretkey: "s3cr3t" }),
    },
    outputs: { apiVersion: "v1", kind: "Secret", metadata: { name: "creds", namespace: "kubeflow" } },
  },
  {
    urn: "urn:patch",
    type: "kubernetes:apps/v1:DeploymentPatch",
    custom: true,
    inputs: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "workflow-controller", namespace: "kubeflow" },
    },
    outputs: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "workflow-controller", namespace: "kubeflow" },
    },
  },
];

const deployment: Deployment = {
  resources: [
    ...singles,
    manifestSet("kfp-foundation-crds", [crd, clusterRole]),
    manifestSet("kfp-platform", [apiServer, mysqlPvc, mysqlSecret]),
  ],
};

const refs = (d: Deployment) => stackObjects(d).map((o) => `${o.ref.kind} ${o.ref.namespace ?? ""}/${o.ref.name}`);

describe("stackObjects", () => {
  it("lists pulumi-kubernetes objects and every ManifestSet's objects, leaving out providers, components and patches", () => {
    expect(refs(deployment)).toEqual([
      "Deployment kubeflow/minio",
      "Namespace /kubeflow",
      "Secret kubeflow/creds",
      "CustomResourceDefinition /workflows.argoproj.io",
      "ClusterRole /argo-cluster-role",
      "Deployment kubeflow/ml-pipeline",
      "PersistentVolumeClaim kubeflow/mysql-pv-claim",
      "Secret kubeflow/mysql-secret",
    ]);
  });

  it("gives a set's objects their parsed manifests, Secrets revealed, and the set's URN", () => {
    const [deployObj, pvc, secret] = stackObjects(deployment).filter((o) => o.urn.endsWith("::kfp-platform"));
    expect(deployObj).toMatchObject({
      ref: { apiVersion: "apps/v1", kind: "Deployment", namespace: "kubeflow", name: "ml-pipeline" },
      retained: false,
    });
    expect(deployObj.manifest).toEqual(apiServer);
    expect(pvc.manifest).toEqual(mysqlPvc);
    expect(secret.manifest.stringData).toEqual({ username: "root" });
  });

  it("reads a set whose whole manifests map is one secret", () => {
    const set = manifestSet("kfp-platform", [apiServer, mysqlSecret]);
    set.inputs!.manifests = envelope(revealSecrets(set.inputs!.manifests));
    expect(stackObjects({ resources: [set] }).map((o) => o.manifest)).toEqual([apiServer, mysqlSecret]);
  });

  it("takes a set's objects from outputs.applied: an object refresh found gone is not the stack's", () => {
    const refreshed: Deployment = { resources: [manifestSet("kfp-platform", [apiServer, mysqlPvc], [mysqlPvc])] };
    expect(refs(refreshed)).toEqual(["PersistentVolumeClaim kubeflow/mysql-pv-claim"]);
  });

  it("says which set applied an object its inputs do not hold", () => {
    const broken: Deployment = { resources: [manifestSet("kfp-platform", [mysqlPvc], [mysqlPvc, apiServer])] };
    expect(() => stackObjects(broken)).toThrow(
      /kfp-platform applied apps\/v1 Deployment kubeflow\/ml-pipeline, but its inputs.manifests has no such object/,
    );
  });

  it("says which set's manifest is not JSON", () => {
    const set = manifestSet("kfp-platform", [mysqlPvc]);
    (set.inputs!.manifests as Record<string, string>)[key(mysqlPvc)] = "{not json";
    expect(() => stackObjects({ resources: [set] })).toThrow(
      /kfp-platform: the manifest under "v1 PersistentVolumeClaim kubeflow\/mysql-pv-claim" is not JSON/,
    );
  });

  it("refuses a set whose Secret manifests are encrypted", () => {
    const set = manifestSet("kfp-platform", [mysqlSecret]);
    (set.inputs!.manifests as Record<string, unknown>)[key(mysqlSecret)] = { [SIG]: secretSig, ciphertext: "xyz" };
    expect(() => stackObjects({ resources: [set] })).toThrow(/--show-secrets/);
  });
});

describe("objectsDestroyMustRemove", () => {
  it("lists owned objects of both sources, leaving out retained ones", () => {
    expect(objectsDestroyMustRemove(deployment)).toEqual([
      { apiVersion: "apps/v1", kind: "Deployment", name: "minio", namespace: "kubeflow" },
      { apiVersion: "v1", kind: "Namespace", name: "kubeflow" },
      { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", name: "workflows.argoproj.io" },
      { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "argo-cluster-role" },
      { apiVersion: "apps/v1", kind: "Deployment", name: "ml-pipeline", namespace: "kubeflow" },
      { apiVersion: "v1", kind: "PersistentVolumeClaim", name: "mysql-pv-claim", namespace: "kubeflow" },
      { apiVersion: "v1", kind: "Secret", name: "mysql-secret", namespace: "kubeflow" },
    ]);
  });

  it("leaves out the objects of a retained set", () => {
    const set = { ...manifestSet("kfp-platform", [apiServer]), retainOnDelete: true };
    expect(objectsDestroyMustRemove({ resources: [set] })).toEqual([]);
  });

  it("says which resource lacks an object identity", () => {
    const broken: Deployment = {
      resources: [{ urn: "urn:x", type: "kubernetes:core/v1:Pod", custom: true, outputs: {} }],
    };
    expect(() => objectsDestroyMustRemove(broken)).toThrow(/urn:x has no apiVersion/);
  });
});

describe("baselineManifests", () => {
  const name = (m: Record<string, unknown>) => `${m.kind}/${(m.metadata as { name: string }).name}`;

  it("applies both sources' objects, namespaces then CRDs first, and keeps patches apart", () => {
    const { objects, patches } = baselineManifests(deployment);
    expect(objects.map(name)).toEqual([
      "Namespace/kubeflow",
      "CustomResourceDefinition/workflows.argoproj.io",
      "Deployment/minio",
      "Secret/creds",
      "ClusterRole/argo-cluster-role",
      "Deployment/ml-pipeline",
      "PersistentVolumeClaim/mysql-pv-claim",
      "Secret/mysql-secret",
    ]);
    expect(patches.map(name)).toEqual(["Deployment/workflow-controller"]);
  });

  it("strips Pulumi annotations and reveals secrets of either source", () => {
    const { objects } = baselineManifests(deployment);
    const byName = (n: string) => objects.find((o) => name(o) === n)!;
    expect((byName("Deployment/minio").metadata as Record<string, unknown>).annotations).toEqual({ team: "md" });
    expect(byName("Secret/creds").stringData).toEqual({ secretkey: "s3cr3t" });
    expect(byName("Secret/mysql-secret")).toEqual(mysqlSecret);
    expect(JSON.stringify(objects)).not.toContain(SIG);
  });

  it("applies every manifest a set declares, applied or not", () => {
    const refreshed: Deployment = { resources: [manifestSet("kfp-platform", [apiServer, mysqlPvc], [mysqlPvc])] };
    expect(baselineManifests(refreshed).objects.map(name)).toEqual([
      "Deployment/ml-pipeline",
      "PersistentVolumeClaim/mysql-pv-claim",
    ]);
  });
});

describe("revealSecrets", () => {
  it("refuses encrypted secrets with the fix in the message", () => {
    expect(() => revealSecrets({ a: { [SIG]: secretSig, ciphertext: "xyz" } })).toThrow(/--show-secrets/);
  });
});

describe("appeared and duplicateUrns", () => {
  it("finds names present only after", () => {
    expect(appeared(["namespace/default"], ["namespace/default", "namespace/kubeflow"])).toEqual([
      "namespace/kubeflow",
    ]);
  });

  it("finds URNs recorded twice", () => {
    expect(
      duplicateUrns({
        resources: [
          { urn: "a", type: "t" },
          { urn: "a", type: "t" },
          { urn: "b", type: "t" },
        ],
      }),
    ).toEqual(["a"]);
  });
});

describe("pipelineRunProblems", () => {
  const run = (outputs: Record<string, unknown>): StateResource => ({
    urn: `urn:pulumi:itest::kfp-protein-stack::${PIPELINE_RUN_TYPE}::protein-pipeline-run`,
    type: PIPELINE_RUN_TYPE,
    custom: true,
    outputs,
  });

  it("accepts one run that SUCCEEDED", () => {
    expect(pipelineRunProblems({ resources: [run({ state: "SUCCEEDED", runId: "r1" })] })).toEqual([]);
  });

  it("checks a batch run's PDB codes", () => {
    const batch = { ...run({ state: "SUCCEEDED" }), inputs: { parameters: { pdb_codes: ["1aki", "4e43"] } } };
    expect(pipelineRunProblems({ resources: [batch] }, ["1aki", "4e43"])).toEqual([]);
    expect(pipelineRunProblems({ resources: [run({ state: "SUCCEEDED" })] }, ["1aki", "4e43"])).toEqual([
      'the run\'s pdb_codes are undefined, not the batch ["1aki","4e43"]',
    ]);
  });

  it.each([
    ["no run", [], /found 0/],
    ["two runs", [run({ state: "SUCCEEDED" }), run({ state: "SUCCEEDED" })], /found 2/],
    ["a FAILED run", [run({ state: "FAILED" })], /"FAILED", not SUCCEEDED/],
    ["a run without outputs", [{ ...run({}), outputs: undefined }], /undefined, not SUCCEEDED/],
  ])("reports %s", (_what, resources, message) => {
    const problems = pipelineRunProblems({ resources: resources as StateResource[] });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });
});
