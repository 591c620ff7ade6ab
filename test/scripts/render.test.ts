import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { flattenConfig, parseStackConfig, PROJECT } from "../../stacks/config";
import { isPinnedImage } from "../../stacks/config/checks";
import { knownPipelineParameters } from "../../pipelines/protein/parameters";
import { parseRenderArgs, render } from "../../scripts/render/main";
import { MARKER } from "../../scripts/render/write";
import { REDACTED } from "../../scripts/render/collect";
import { stackConfigValues } from "../../scripts/render/stack-config";
import { SHARED_KFP_DIR } from "../fixtures/shared-kfp";

const projectDir = path.resolve(__dirname, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "render-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const offline = ["--set", "kfp.source=path", "--set", `kfp.path=${SHARED_KFP_DIR}`];

type Obj = {
  kind: string;
  metadata: { name: string; namespace?: string; annotations?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [k: string]: any;
};

const isPatch = (o: Obj) => o.metadata.annotations?.["pulumi.com/patchForce"] === "true";

function podSpecs(o: Obj): Obj[] {
  if (["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind)) return [o.spec?.template?.spec ?? {}];
  if (o.kind === "Pod") return [o.spec];
  return [];
}

describe("npm run render on the dev stack with KFP 2.17.0 from ../shared", () => {
  const out = path.join(tmp, "rendered");
  let files: string[];
  let objs: Obj[];
  // The first render parses with an empty cache of its own (cold); the order test renders again with it warm.
  const cache = path.join(tmp, "cache");
  const withCache = async <T>(work: () => Promise<T>): Promise<T> => {
    const before = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    try {
      return await work();
    } finally {
      if (before === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = before;
    }
  };
  beforeAll(async () => {
    files = await withCache(() => render(parseRenderArgs(["--out", out, ...offline]), projectDir));
    objs = files.map((f) => YAML.parse(fs.readFileSync(path.join(out, f), "utf8")));
  }, 60_000);

  it("writes one YAML file per object: KFP's, MinIO's, the registry's and the patches", () => {
    expect(fs.readdirSync(out).sort()).toEqual([...files, MARKER].sort());
    const names = objs.map((o) => `${o.kind}/${o.metadata.name}`);
    for (const n of [
      "Deployment/ml-pipeline-ui",
      "CustomResourceDefinition/workflows.argoproj.io",
      "Deployment/minio",
      "DaemonSet/registry-proxy",
      "ConfigMap/workflow-controller-configmap",
    ])
      expect(names).toContain(n);
    expect(files.filter((f) => f.includes("-patch-"))).toHaveLength(2);
  });

  it("has no seaweedfs in any env or ConfigMap, and no SeaweedFS object", () => {
    for (const o of objs) {
      if (o.kind === "ConfigMap") expect(JSON.stringify(o.data ?? {})).not.toMatch(/seaweedfs/i);
      for (const spec of podSpecs(o))
        for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])])
          expect(JSON.stringify(c.env ?? [])).not.toMatch(/seaweedfs/i);
      expect(o.metadata.name).not.toMatch(/seaweedfs/);
    }
  });

  it("names no cluster.local anywhere", () => {
    expect(objs.filter((o) => /cluster\.local/.test(JSON.stringify(o))).map((o) => o.metadata.name)).toEqual([]);
  });

  it("sets the UI's MINIO_HOST to MinIO's Service and its keyFormat to Argo's", () => {
    const ui = objs.find((o) => o.kind === "Deployment" && o.metadata.name === "ml-pipeline-ui")!;
    const env = Object.fromEntries(
      ui.spec.template.spec.containers[0].env.map((e: { name: string; value?: string }) => [e.name, e.value]),
    );
    expect(env).toMatchObject({ MINIO_HOST: "minio-service", MINIO_NAMESPACE: "kubeflow", MINIO_PORT: "9000" });
    const cm = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === "workflow-controller-configmap")!;
    expect(env.ARGO_KEYFORMAT).toBe(YAML.parse(cm.data.artifactRepository).s3.keyFormat);
  });

  it("uses only digest- or version-pinned images", () => {
    // Patches restate a few fields of an object above, never its image.
    const images = objs
      .filter((o) => !isPatch(o))
      .flatMap((o) =>
        podSpecs(o).flatMap((s) => [...(s.containers ?? []), ...(s.initContainers ?? [])].map((c: Obj) => c.image)),
      );
    expect(images.length).toBeGreaterThan(10);
    expect(images.filter((i) => !isPinnedImage(i))).toEqual([]);
  });

  it("never writes a Secret's values", () => {
    const secrets = objs.filter((o) => o.kind === "Secret");
    expect(secrets.map((s) => s.metadata.name)).toContain("mlpipeline-minio-artifact");
    for (const s of secrets)
      for (const v of Object.values({ ...(s.data ?? {}), ...(s.stringData ?? {}) })) expect(v).toBe(REDACTED);
  });

  it("writes the same files in the same order with a cold parse cache and a warm one", async () => {
    const warm = await withCache(() =>
      render(parseRenderArgs(["--out", path.join(tmp, "warm"), ...offline]), projectDir),
    );
    expect(fs.readdirSync(cache).length).toBeGreaterThan(0);
    expect(warm).toEqual(files);
  }, 60_000);

  it("replaces its own earlier output but refuses a directory it did not write", () => {
    const foreign = path.join(tmp, "foreign");
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, "keep.txt"), "mine");
    return expect(render(parseRenderArgs(["--out", foreign, ...offline]), projectDir)).rejects.toThrow(
      /was not written by render/,
    );
  });
});

describe("render's config", () => {
  it("is the stack file's values with --set overrides winning, as the engine hands them to up", () => {
    const values = stackConfigValues(projectDir, "dev", [
      "kfp.source=path",
      "kfp.path=/kfp",
      "cluster.minikube.cpus=6",
    ]);
    expect(JSON.parse(values[`${PROJECT}:cluster`])).toMatchObject({ mode: "minikube", minikube: { manage: true } });
    const cfg = parseStackConfig(flattenConfig(values, PROJECT), { stackName: "dev", env: {} });
    expect(cfg.cluster.minikube!.cpus).toBe(6);
    expect(cfg.workflowController.metricsPort).toBe(9091);
  });

  it("rejects bad keys and values with up's own error, and writes nothing", async () => {
    const out = path.join(tmp, "never");
    const sets = ["kfp.verison=2.17.0", "cluster.minikube.cpus=one"];
    const args = parseRenderArgs(["--out", out, ...offline, ...sets.flatMap((s) => ["--set", s])]);
    const values = stackConfigValues(projectDir, "dev", args.sets);
    let upError: Error | undefined;
    try {
      parseStackConfig(flattenConfig(values, PROJECT), {
        stackName: "dev",
        env: process.env,
        pipelineParameters: knownPipelineParameters(),
      });
    } catch (e) {
      upError = e as Error;
    }
    expect(upError?.message).toMatch(/kfp\.verison: unknown config key\. Did you mean "kfp\.version"/);
    expect(upError?.message).toMatch(/cluster\.minikube\.cpus: expected a whole number/);
    await expect(render(args, projectDir)).rejects.toThrow(upError!.message);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("rejects malformed arguments", () => {
    expect(() => parseRenderArgs(["--set", "x=1"])).toThrow(/--out DIR is required/);
    expect(() => parseRenderArgs(["--out", "d", "--bogus"])).toThrow(/unknown argument --bogus/);
    expect(() => stackConfigValues(projectDir, "dev", ["novalue"])).toThrow(/expected key=value/);
    expect(() => stackConfigValues(projectDir, "nosuchstack", [])).toThrow(/Pulumi\.nosuchstack\.yaml does not exist/);
  });
});
