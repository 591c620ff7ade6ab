import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig, StackConfig } from "../../stacks/config";
import { createProteinPlatform, PlatformOutputs, urlCarriesCredentials } from "../../stacks/platform";
import { slimKfpDir } from "../fakes/slim-kfp";
import { FakeMachine, fakeProbe } from "../fakes/fake-probe";
import { compileOutputs } from "../../scripts/compile";
import {
  byName,
  FAKE_CUDA_DIGEST,
  FAKE_DIGEST,
  installMocks,
  invocations,
  isSecretOutput,
  isSecretValue,
  outputValue,
  Registration,
  registrations,
  settle,
} from "../fakes/mock-monitor";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "graph-test-"));
const kubeconfigPath = path.join(tmp, "kubeconfig");
fs.writeFileSync(
  kubeconfigPath,
  [
    "apiVersion: v1",
    "kind: Config",
    "current-context: kwok",
    "clusters: [{name: kwok, cluster: {server: 'https://127.0.0.1:6443'}}, {name: other, cluster: {server: 'https://10.9.9.9'}}]",
    "contexts: [{name: kwok, context: {cluster: kwok, user: admin}}, {name: other, context: {cluster: other, user: admin}}]",
    "users: [{name: admin, user: {token: secret-token}}]",
  ].join("\n"),
);

const offline = { "kfp.source": "path", "kfp.path": slimKfpDir() };
const prebuilt = { "amber.build": "false", "amber.image": FAKE_DIGEST };
const existing = { "cluster.mode": "existing", "cluster.kubeconfig": kubeconfigPath, ...prebuilt };

function config(raw: Record<string, unknown>): StackConfig {
  return parseStackConfig({ ...offline, ...raw }, { stackName: "dev", env: { HOME: tmp } });
}

async function deploy(raw: Record<string, unknown>, machine: FakeMachine = {}): Promise<PlatformOutputs> {
  installMocks();
  const outputs = createProteinPlatform(config(raw), {
    probe: fakeProbe(machine),
    renderKfp: () => {
      throw new Error("no network in tests");
    },
  });
  await settle();
  return outputs;
}

const MANIFEST_SET = "pulumi-nodejs:dynamic/kfp-protein:ManifestSet";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; [key: string]: any };

/** The objects of a ManifestSet: its `manifests` input maps each object's key to its JSON. */
function manifestsOf(name: string): Obj[] {
  const set = byName(name);
  if (set.type !== MANIFEST_SET) throw new Error(`${name} is a ${set.type}, not a ManifestSet`);
  return Object.values(set.inputs.manifests as Record<string, string>).map((json) => JSON.parse(json) as Obj);
}

/** Every registration's inputs, with ManifestSets' manifests parsed so their fields are searchable. */
const allInputs = () =>
  registrations.map((r) => (r.type === MANIFEST_SET ? { ...r.inputs, manifests: manifestsOf(r.name) } : r.inputs));

const dependsOnAll = (r: Registration, names: string[]) => names.every((n) => r.dependencies.includes(byName(n).urn));

describe("dev stack (managed minikube, MinIO, built image, pipeline run)", () => {
  let out: PlatformOutputs;
  beforeAll(async () => {
    out = await deploy({ "cluster.minikube.manage": "true", "workflowController.metricsPort": "9091" });
  });

  it("uses one type token per layer, all kfp-protein:*", () => {
    const components = registrations
      .filter((r) => !r.custom && r.type.startsWith("kfp-protein:"))
      .map((r) => r.type)
      .sort();
    expect(components).toEqual([
      "kfp-protein:argo:WorkflowControllerPortPatch",
      "kfp-protein:cluster:TargetCluster",
      "kfp-protein:image:AmberImage",
      "kfp-protein:kfp:KfpFoundation",
      "kfp-protein:kfp:KubeflowPipelines",
      "kfp-protein:minio:MinioStore",
      "kfp-protein:registry:InClusterRegistry",
    ]);
  });

  it("owns the minikube profile: started with the configured resources, deleted on destroy", () => {
    const mk = byName("cluster-minikube");
    expect(mk.inputs.create).toBe(
      "minikube start --profile kfp-protein-dev --cpus 4 --memory 8g --disk-size 40g --kubernetes-version v1.34.0 --driver docker --container-runtime docker --wait all",
    );
    expect(mk.inputs.delete).toBe("minikube delete --profile kfp-protein-dev");
    // Without GPUs the triggers are what they were before cluster.minikube.gpus existed: no replacement on upgrade.
    expect(mk.inputs.triggers).toEqual(["kfp-protein-dev", 4, "8g", "40g", "v1.34.0", "docker"]);
    expect(mk.parent).toBe(byName("cluster").urn);
  });

  it("keeps the profile's kubeconfig secret and builds the provider from it", async () => {
    expect(byName("cluster-kubeconfig").additionalSecretOutputs).toEqual(["stdout"]);
    expect(dependsOnAll(byName("cluster-kubeconfig"), ["cluster-minikube"])).toBe(true);
    expect(byName("cluster-k8s").inputs.context).toBe("kfp-protein-dev");
    expect(await outputValue(out.kubeContext)).toBe("kfp-protein-dev");
  });

  it("creates the CRD set and the namespace first, then MinIO and the platform set beside each other", () => {
    const foundation = manifestsOf("kfp-foundation-crds");
    expect(foundation.filter((o) => o.kind === "CustomResourceDefinition").length).toBeGreaterThan(0);
    // Cluster-scoped objects only: the namespace is its own resource, everything namespaced is the platform's.
    expect(foundation.filter((o) => o.kind === "Namespace" || o.metadata.namespace !== undefined)).toEqual([]);
    expect(
      manifestsOf("kfp-platform").filter((o) => o.kind === "CustomResourceDefinition" || o.kind === "Namespace"),
    ).toEqual([]);
    expect(byName("kfp-foundation-namespace").type).toBe("kubernetes:core/v1:Namespace");
    expect(byName("kfp-foundation-namespace").inputs.metadata.name).toBe("kubeflow");
    // CRDs are cluster-scoped: their set starts with the namespace, not after it.
    expect(byName("kfp-foundation-crds").dependencies).not.toContain(byName("kfp-foundation-namespace").urn);
    // MinIO needs only the namespace, so it starts while the CRDs are still being established.
    expect(dependsOnAll(byName("minio-server"), ["kfp-foundation-namespace"])).toBe(true);
    expect(byName("minio-server").dependencies).not.toContain(byName("kfp-foundation-crds").urn);
    const platform = byName("kfp-platform");
    expect(dependsOnAll(platform, ["kfp-foundation-namespace"])).toBe(true);
    // MinIO's artifact Secret is created alongside, as KFP's own Secrets are: pods reading it are retried.
    expect(platform.dependencies).not.toContain(byName("minio-kfp-artifact-secret").urn);
    // Nothing in the platform needs the CRDs to be created, so both sets apply at once.
    expect(platform.dependencies).not.toContain(byName("kfp-foundation-crds").urn);
    // KFP starts beside MinIO rather than after it: its API server retries the store until it answers.
    expect(platform.dependencies).not.toContain(byName("minio-server").urn);
  });

  it("records KFP's objects by key as JSON, Secrets' as secrets, and keeps the set's access secret", () => {
    for (const name of ["kfp-foundation-crds", "kfp-platform"]) {
      const set = byName(name);
      const raw = set.rawInputs.manifests as Record<string, unknown>;
      for (const [key, json] of Object.entries(set.inputs.manifests as Record<string, string>)) {
        const o = JSON.parse(json) as Obj;
        expect(key).toBe(
          `${o.apiVersion} ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`,
        );
        expect({ key, secret: isSecretValue(raw[key]) }).toEqual({ key, secret: o.kind === "Secret" });
      }
      expect(isSecretValue(set.rawInputs.access)).toBe(true);
      expect(set.inputs.access).toMatchObject({ context: "kfp-protein-dev" });
      expect(set.additionalSecretOutputs).toContain("access");
      expect(set.parent).toBe(byName(name === "kfp-platform" ? "kfp" : "kfp-foundation").urn);
    }
    const secrets = manifestsOf("kfp-platform")
      .filter((o) => o.kind === "Secret")
      .map((o) => o.metadata.name);
    expect(secrets).toContain("mysql-secret");
    expect(
      manifestsOf("kfp-platform").find((o) => o.kind === "Deployment" && o.metadata.name === "ml-pipeline"),
    ).toBeDefined();
  });

  it("deploys no SeaweedFS and fills KFP's artifact Secret from generated credentials", () => {
    const objs = manifestsOf("kfp-platform");
    expect(objs.length).toBeGreaterThan(10);
    expect(objs.filter((o) => /seaweedfs/.test(o.metadata.name))).toEqual([]);
    const secret = byName("minio-kfp-artifact-secret");
    expect(secret.inputs.metadata).toMatchObject({ name: "mlpipeline-minio-artifact", namespace: "kubeflow" });
    expect(secret.inputs.stringData).toEqual({ accesskey: "kfp-0123456789abcdef", secretkey: "generated-secret" });
    expect(JSON.stringify(allInputs())).not.toMatch(/minio123/);
  });

  it("generates MinIO's credentials as secret outputs and exports them secret", async () => {
    expect(byName("minio-credentials").additionalSecretOutputs.sort()).toEqual(["accessKey", "secretKey"]);
    expect(await isSecretOutput(out.minioCredentials!)).toBe(true);
    expect(await outputValue(out.minioCredentials!)).toEqual({
      accessKey: "kfp-0123456789abcdef",
      secretKey: "generated-secret",
    });
  });

  it("creates the mlpipeline bucket before MinIO serves", () => {
    const c = byName("minio-server").inputs.spec.template.spec.containers[0];
    expect(c.args[0]).toMatch(/^mkdir -p \/data\/mlpipeline && exec minio server \/data/);
    expect(c.image).toMatch(/^quay\.io\/minio\/minio:RELEASE\.2025-09-07T16-13-09Z@sha256:[0-9a-f]{64}$/);
  });

  it("patches the workflow-controller after KFP, forced, and retained on delete", () => {
    for (const name of ["workflow-controller-configmap", "workflow-controller-deployment"]) {
      const patch = byName(name);
      expect(patch.retainOnDelete).toBe(true);
      expect(patch.inputs.metadata.annotations["pulumi.com/patchForce"]).toBe("true");
      expect(dependsOnAll(patch, ["kfp-platform"])).toBe(true);
    }
    expect(byName("workflow-controller-configmap").inputs.data.metricsConfig).toMatch(/port: 9091/);
    expect(byName("workflow-controller-configmap").inputs.data.telemetryConfig).toBeUndefined();
    const container = byName("workflow-controller-deployment").inputs.spec.template.spec.containers[0];
    expect(container.ports).toEqual([
      { containerPort: 6060, protocol: "TCP" },
      { name: "metrics", containerPort: 9091, protocol: "TCP" },
    ]);
    // Argo 4.0.5 awaits its placeholder metrics server: leader election stays on.
    expect(container.env.map((e: { name: string }) => e.name)).toEqual([
      "TRANSIENT_ERROR_PATTERN",
      "LEADER_ELECTION_IDENTITY",
    ]);
  });

  it("builds the image with minikube's Docker after the registry exists, by content tag", () => {
    const image = byName("amber-image");
    expect(image.inputs.imageName).toMatch(/^localhost:5000\/amber:ctx-[0-9a-f]{16}$/);
    expect(dependsOnAll(image, ["registry-server", "registry-proxy"])).toBe(true);
    expect(image.inputs.build.platform).toBe("linux/amd64");
    expect(byName("amber-minikube-docker").inputs).toMatchObject({
      host: "tcp://192.168.49.2:2376",
      certPath: "/home/u/.minikube/certs",
    });
  });

  it("reads minikube docker-env as an invoke, so every preview and up asks again", () => {
    expect(registrations.filter((r) => /docker-env/.test(r.name))).toEqual([]);
    expect(invocations.filter((i) => i.token === "command:local:run").map((i) => i.inputs.command)).toEqual([
      "minikube docker-env --profile kfp-protein-dev --shell none",
    ]);
  });

  it("runs the pipeline only after KFP answers healthz and the image exists, by digest", async () => {
    const run = byName("protein-pipeline-run");
    expect(dependsOnAll(run, ["kfp-api-ready", "amber-image"])).toBe(true);
    expect(
      dependsOnAll(byName("kfp-api-ready"), [
        "kfp-foundation-crds",
        "kfp-platform",
        "workflow-controller-configmap",
        "workflow-controller-deployment",
      ]),
    ).toBe(true);
    expect(run.inputs.pipelineIr).toContain(FAKE_DIGEST);
    expect(run.inputs.parameters).toMatchObject({ pdb_code: "1aki" });
    expect(await outputValue(out.amberImage)).toBe(FAKE_DIGEST);
    expect(await outputValue(out.pipelineRunState!)).toBe("SUCCEEDED");
  });

  it("reaches KFP through the API server proxy with the kubeconfig kept secret", async () => {
    expect(await outputValue(out.kfpApiEndpoint)).toBe(
      "https://192.168.49.2:8443/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy/apis/v2beta1",
    );
    expect(byName("kfp-api-ready").inputs.access).toMatchObject({
      kind: "kubeProxy",
      service: "ml-pipeline",
      port: 8888,
      context: "kfp-protein-dev",
    });
    expect(byName("kfp-api-ready").additionalSecretOutputs).toContain("access");
    // The run reads its pods with the same cluster access, kept secret too.
    expect(byName("protein-pipeline-run").inputs.podAccess).toMatchObject({ context: "kfp-protein-dev" });
    expect(byName("protein-pipeline-run").additionalSecretOutputs).toContain("podAccess");
  });

  it("exports port-forward commands for the UI and the MinIO console", async () => {
    expect(await outputValue(out.kfpUiPortForward)).toBe(
      "kubectl --context kfp-protein-dev -n kubeflow port-forward svc/ml-pipeline-ui 8080:80",
    );
    expect(await outputValue(out.minioConsolePortForward!)).toBe(
      "kubectl --context kfp-protein-dev -n kubeflow port-forward svc/minio-service 9001:9001",
    );
    expect(out.registryAddress).toBe("localhost:5000");
  });

  it("parents every resource to a component or the stack", () => {
    const componentUrns = new Set(registrations.filter((r) => !r.custom).map((r) => r.urn));
    const layered = (t: string) =>
      t.startsWith("kubernetes:") || t.startsWith("command:") || t.startsWith("docker:") || t === MANIFEST_SET;
    for (const r of registrations.filter((x) => layered(x.type))) {
      expect({ name: r.name, parented: componentUrns.has(r.parent) }).toEqual({ name: r.name, parented: true });
    }
  });

  it("never references a :latest image", () => {
    const images = JSON.stringify(allInputs()).match(/"image":"[^"]*"/g) ?? [];
    expect(images.length).toBeGreaterThan(10);
    expect(images.filter((i) => /:latest"|^"image":"[^:@]*"$/.test(i))).toEqual([]);
  });
});

describe("existing cluster by kubeconfig (test and bigger-cluster setups)", () => {
  let out: PlatformOutputs;
  beforeAll(async () => {
    out = await deploy({ ...existing, "cluster.context": "kwok", "kfp.apiEndpoint": "http://127.0.0.1:18888" });
  });

  it("creates no minikube profile and no image build", () => {
    expect(registrations.filter((r) => r.type === "command:local:Command")).toEqual([]);
    expect(registrations.filter((r) => r.type.startsWith("docker:"))).toEqual([]);
  });

  it("hands the provider only the chosen context, as a secret", async () => {
    const provider = byName("cluster-k8s");
    expect(provider.inputs.context).toBe("kwok");
    expect(await outputValue(out.kubeContext)).toBe("kwok");
    expect(JSON.stringify(provider.inputs)).not.toContain("10.9.9.9");
  });

  it("talks to the configured KFP endpoint", async () => {
    expect(byName("kfp-api-ready").inputs.access).toEqual({ kind: "endpoint", baseUrl: "http://127.0.0.1:18888" });
    expect(await outputValue(out.kfpApiEndpoint)).toBe("http://127.0.0.1:18888/apis/v2beta1");
    expect(await isSecretOutput(out.kfpApiEndpoint)).toBe(false);
  });

  it("runs the given image digest", async () => {
    expect(await outputValue(out.amberImage)).toBe(FAKE_DIGEST);
    expect(byName("protein-pipeline-run").inputs.pipelineIr).toContain(FAKE_DIGEST);
  });
});

describe("outputs a user copies", () => {
  const spaced = path.join(tmp, "kubeconfig-spaced");
  fs.writeFileSync(
    spaced,
    fs.readFileSync(kubeconfigPath, "utf8").replace(/\bname: kwok, context/, "name: 'admin@my cluster', context"),
  );
  let out: PlatformOutputs;
  beforeAll(async () => {
    out = await deploy({
      ...existing,
      "cluster.kubeconfig": spaced,
      "cluster.context": "admin@my cluster",
      "kfp.apiEndpoint": "http://kfp:s3cret@127.0.0.1:18888",
    });
  });

  it("quotes each value of the port-forward command for a POSIX shell", async () => {
    expect(await outputValue(out.kfpUiPortForward)).toBe(
      "kubectl --context 'admin@my cluster' -n kubeflow port-forward svc/ml-pipeline-ui 8080:80",
    );
  });

  it("keeps a kfpApiEndpoint that carries credentials secret", async () => {
    expect(await isSecretOutput(out.kfpApiEndpoint)).toBe(true);
    expect(await outputValue(out.kfpApiEndpoint)).toBe("http://kfp:s3cret@127.0.0.1:18888/apis/v2beta1");
  });

  it.each([
    ["http://u:p@h:1", true],
    ["http://u@h:1", true],
    ["http://h:1/x?access_token=t", true],
    ["http://h:1/x?api-key=t", true],
    ["http://h:1/x?page=2", false],
    ["http://127.0.0.1:18888", false],
  ])("urlCarriesCredentials(%s) = %s", (url, expected) => expect(urlCarriesCredentials(url)).toBe(expected));
});

describe("config variants", () => {
  it("keeps KFP's SeaweedFS when asked, with no MinIO", async () => {
    const out = await deploy({ ...existing, "objectStore.kind": "seaweedfs" });
    expect(registrations.some((r) => r.type === "kfp-protein:minio:MinioStore")).toBe(false);
    expect(out.minioCredentials).toBeUndefined();
    const objs = manifestsOf("kfp-platform");
    expect(objs.some((o) => o.kind === "Deployment" && o.metadata.name === "seaweedfs")).toBe(true);
    expect(objs.some((o) => o.kind === "Secret" && o.metadata.name === "mlpipeline-minio-artifact")).toBe(true);
    expect(dependsOnAll(byName("kfp-platform"), ["kfp-foundation-namespace"])).toBe(true);
    expect(byName("kfp-platform").dependencies).not.toContain(byName("kfp-foundation-crds").urn);
  });

  it("creates no registry and no run when both are off", async () => {
    const out = await deploy({ ...existing, "registry.enabled": "false", "pipeline.enabled": "false" });
    expect(registrations.some((r) => r.type === "kfp-protein:registry:InClusterRegistry")).toBe(false);
    expect(registrations.some((r) => r.name === "protein-pipeline-run")).toBe(false);
    expect(out.pipelineRunUrl).toBeUndefined();
    expect(registrations.some((r) => r.name === "kfp-api-ready")).toBe(true);
  });

  it("uses the tiny preset and parameter overrides for the run", async () => {
    await deploy({
      ...existing,
      "pipeline.preset": "tiny",
      "pipeline.pdbCode": "2LZM",
      "pipeline.parameters": '{"temperature": 310}',
    });
    expect(byName("protein-pipeline-run").inputs.parameters).toMatchObject({ pdb_code: "2lzm", temperature: 310 });
  });

  it("deploys the batch pipeline for pipeline.pdbCodes, with its parallelism", async () => {
    await deploy({ ...existing, "pipeline.pdbCodes": ["1AKI", "4e43"], "pipeline.parallelism": "3" });
    const run = byName("protein-pipeline-run").inputs;
    expect(run.pipelineName).toBe("protein-md-batch");
    expect(run.parameters.pdb_codes).toEqual(["1aki", "4e43"]);
    expect(run.parameters).not.toHaveProperty("pdb_code");
    const ir = String(run.pipelineIr);
    expect(ir).toContain("parallelismLimit: 3");
    expect(ir).toContain(`image: ${FAKE_DIGEST}`);
  });

  it("builds the CUDA variant for MD steps that request a GPU, and runs only them on it, placed on GPU nodes", async () => {
    await deploy(
      {
        "cluster.minikube.manage": "true",
        "cluster.minikube.gpus": "all",
        "pipeline.parameters": '{"md_engine": "openmm"}',
        "pipeline.resources.md.gpu": "1",
        "pipeline.resources.md.tolerations": ["nvidia.com/gpu:NoSchedule"],
      },
      { dockerRuntimes: { ok: true, stdout: '{"nvidia":{"path":"nvidia-container-runtime"},"runc":{"path":"runc"}}' } },
    );
    const cuda = byName("amber-cuda12-image");
    expect(cuda.inputs.imageName).toBe(`${byName("amber-image").inputs.imageName}-cuda12`);
    expect(cuda.inputs.build.args).toEqual({ OPENMM_PLATFORM: "cuda12" });
    expect(byName("amber-image").inputs.build.args).toBeUndefined();
    const run = byName("protein-pipeline-run");
    expect(dependsOnAll(run, ["amber-image", "amber-cuda12-image"])).toBe(true);
    const ir = String(run.inputs.pipelineIr);
    const md = ir.slice(ir.indexOf("exec-sander-mdrun:"), ir.indexOf("exec-", ir.indexOf("exec-sander-mdrun:") + 1));
    expect(md).toContain(`image: ${FAKE_CUDA_DIGEST}`);
    expect(md).toContain("resourceType: nvidia.com/gpu");
    expect(ir.split(`image: ${FAKE_CUDA_DIGEST}`)).toHaveLength(2);
    expect(ir).toContain("key: nvidia.com/gpu\n              operator: Exists");
    expect(byName("cluster-minikube").inputs.create).toContain("--gpus all");
    expect(byName("cluster-minikube").inputs.triggers).toContain("all");
  });

  it("uploads exactly the IR npm run compile writes for the same config", async () => {
    const raw = { ...existing, "pipeline.resources.light.cpuLimit": "2" };
    await deploy(raw);
    const compiled = compileOutputs(
      { stack: "dev", sets: [], out: "ir.yaml", images: { image: FAKE_DIGEST, cudaImage: FAKE_CUDA_DIGEST } },
      config(raw),
    );
    expect(byName("protein-pipeline-run").inputs.pipelineIr).toBe(compiled["ir.yaml"]);
  });

  it("keeps the single-protein pipeline when pipeline.pdbCodes is not set", async () => {
    await deploy({ ...existing, "pipeline.parallelism": "3" });
    const run = byName("protein-pipeline-run").inputs;
    expect(run.pipelineName).toBe("protein-md");
    expect(String(run.pipelineIr)).not.toContain("parallelismLimit");
    expect(run.parameters.pdb_code).toBe("1aki");
  });

  it("passes the run's lifecycle settings through", async () => {
    await deploy({
      ...existing,
      "pipeline.onDestroy": "delete",
      "pipeline.rerunToken": "again",
      "pipeline.wait": "false",
      "pipeline.onPodFault": "leave",
    });
    expect(byName("protein-pipeline-run").inputs).toMatchObject({
      onDestroy: "delete",
      rerunToken: "again",
      wait: false,
      onPodFault: "leave",
    });
  });
});

describe("nothing is created on bad input", () => {
  it("a too-old minikube, a stopped Docker and an arm64 node fail together before any resource", async () => {
    installMocks();
    const probe = fakeProbe({
      minikube: { ok: true, stdout: "v1.36.0\n" },
      docker: { ok: false, missing: false, message: "Cannot connect to the Docker daemon" },
      nodeArch: "aarch64",
    });
    expect(() => createProteinPlatform(config({ "cluster.minikube.manage": "true" }), { probe })).toThrow(
      /Preflight failed \(3 problems\); nothing was created:\n {2}- minikube: found v1\.36\.0, needs 1\.37\.0 or newer[^\n]*\n {2}- docker: [^\n]*Cannot connect[^\n]*\n {2}- amber\.build: the node's architecture is arm64/,
    );
    await settle();
    expect(registrations).toEqual([]);
  });

  it("a missing kubeconfig fails before any resource, naming the key", () => {
    installMocks();
    expect(() =>
      createProteinPlatform(config({ ...existing, "cluster.kubeconfig": path.join(tmp, "absent") })),
    ).toThrow(/kubeconfig .*absent \(cluster\.kubeconfig\) does not exist/);
    return settle().then(() => expect(registrations).toEqual([]));
  });

  it("an unknown context fails listing the contexts there are", async () => {
    installMocks();
    expect(() => createProteinPlatform(config({ ...existing, "cluster.context": "prod" }))).toThrow(
      /context "prod" is not in .*\(it has: kwok, other\)/,
    );
    await settle();
    expect(registrations).toEqual([]);
  });

  it("an unreadable KFP source fails before any resource", async () => {
    installMocks();
    expect(() => createProteinPlatform(config({ ...existing, "kfp.path": path.join(tmp, "nope") }))).toThrow(
      /kfp\.path: .*nope does not exist/,
    );
    await settle();
    expect(registrations).toEqual([]);
  });

  it("bad batch codes fail before any resource, naming the key", async () => {
    installMocks();
    expect(() => createProteinPlatform(config({ ...existing, "pipeline.pdbCodes": ["1aki", "1AKI", "bad"] }))).toThrow(
      /2 problems\); nothing was created:\n {2}- pipeline\.pdbCodes: "bad" is not a PDB ID.*\n {2}- pipeline\.pdbCodes: 1aki listed more than once/,
    );
    await settle();
    expect(registrations).toEqual([]);
  });

  it("bad stack config fails the whole program before any resource, as a RunError (no stack trace)", async () => {
    installMocks();
    pulumi.runtime.setAllConfig({
      "kfp-protein-stack:kfp.version": "latest",
      "kfp-protein-stack:pipeline.pdbCode": "x",
    });
    let error: Error | undefined;
    jest.isolateModules(() => {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("../../index");
      } catch (e) {
        error = e as Error;
      }
    });
    await settle();
    expect(error?.message).toMatch(/2 problems\); nothing was created/);
    expect(pulumi.RunError.isInstance(error)).toBe(true);
    expect(registrations).toEqual([]);
  });
});
