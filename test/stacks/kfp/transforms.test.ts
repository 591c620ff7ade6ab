import * as path from "path";
import * as YAML from "yaml";
import { KubeObject, findObject } from "../../../stacks/kube/object";
import { quantityValue } from "../../../stacks/kube/quantity";
import {
  applyResourceProfile,
  argoVersionOf,
  dropBundledObjectStore,
  preparePlatform,
  releaseWorkflowControllerMetricsPort,
  rewireObjectStore,
  serviceEndpoint,
  sizeMysqlVolume,
  splitPhases,
  trimOptionalComponents,
} from "../../../stacks/kfp/transforms";
import { readManifestPath } from "../../../stacks/kfp/source";
import { SHARED_KFP_DIR } from "../../fixtures/shared-kfp";

const all = readManifestPath(SHARED_KFP_DIR);
const { foundation, platform } = splitPhases(all);
const endpoint = serviceEndpoint("minio-service", "kubeflow", 9000);
const trim = {
  visualizationServer: false,
  viewerController: false,
  cache: true,
  mysqlStorage: "10Gi",
  resourceProfile: "minikube" as const,
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function container(objs: KubeObject[], deployment: string): any {
  return findObject(objs, "Deployment", deployment)!.spec.template.spec.containers[0];
}

function env(objs: KubeObject[], deployment: string, name: string): string | undefined {
  return container(objs, deployment).env.find((e: { name: string }) => e.name === name)?.value;
}

describe("the rendered KFP 2.17.0 manifests", () => {
  it("load as 88 objects from both files", () => {
    expect(all).toHaveLength(16 + 72);
  });

  it("split into a foundation of the namespace and 11 CRDs, and the rest", () => {
    expect(foundation.map((o) => o.kind).sort()).toEqual([...Array(11).fill("CustomResourceDefinition"), "Namespace"]);
    expect(platform).toHaveLength(88 - 12);
    expect(platform.some((o) => o.kind === "ClusterRole")).toBe(true);
  });
});

describe("object store", () => {
  const dropped = dropBundledObjectStore(platform);

  it("drops SeaweedFS entirely and the default-credential Secret", () => {
    expect(dropped.filter((o) => /seaweedfs/.test(o.metadata.name))).toEqual([]);
    expect(findObject(dropped, "Secret", "mlpipeline-minio-artifact")).toBeUndefined();
    expect(platform.length - dropped.length).toBe(6);
    expect(YAML.stringify(dropped)).not.toMatch(/minio123/);
  });

  it("leaves its input untouched", () => {
    expect(findObject(platform, "Deployment", "seaweedfs")).toBeDefined();
  });

  const rewired = rewireObjectStore(dropped, endpoint);

  it("points the API server at MinIO", () => {
    expect(env(rewired, "ml-pipeline", "OBJECTSTORECONFIG_HOST")).toBe(endpoint.host);
    expect(env(rewired, "ml-pipeline", "OBJECTSTORECONFIG_PORT")).toBe("9000");
    expect(
      container(rewired, "ml-pipeline").env.filter((e: { name: string }) => e.name === "OBJECTSTORECONFIG_HOST"),
    ).toHaveLength(1);
  });

  it("points Argo's artifact repository at MinIO with the artifact Secret", () => {
    const repo = YAML.parse(findObject(rewired, "ConfigMap", "workflow-controller-configmap")!.data.artifactRepository);
    expect(repo.s3).toMatchObject({
      endpoint: `${endpoint.host}:9000`,
      bucket: "mlpipeline",
      insecure: true,
      accessKeySecret: { name: "mlpipeline-minio-artifact", key: "accesskey" },
    });
    expect(repo.archiveLogs).toBe(true);
    expect(repo.s3.keyFormat).toMatch(/^private-artifacts\//);
  });

  it("gives the v2 launcher a minio provider and pipeline root instead of its seaweedfs default", () => {
    const launcher = findObject(rewired, "ConfigMap", "kfp-launcher")!;
    expect(launcher.data.defaultPipelineRoot).toBe("minio://mlpipeline/v2/artifacts");
    const providers = YAML.parse(launcher.data.providers);
    expect(providers.minio.default).toMatchObject({
      endpoint: `${endpoint.host}:9000`,
      disableSSL: true,
      credentials: {
        fromEnv: false,
        secretRef: { secretName: "mlpipeline-minio-artifact", accessKeyKey: "accesskey", secretKeyKey: "secretkey" },
      },
    });
  });

  it("leaves no reference to seaweedfs anywhere", () => {
    expect(JSON.stringify(rewired)).not.toMatch(/seaweedfs/);
  });

  it("fails naming the object when KFP's layout changed", () => {
    const withoutLauncher = dropped.filter((o) => o.metadata.name !== "kfp-launcher");
    expect(() => rewireObjectStore(withoutLauncher, endpoint)).toThrow(
      /no ConfigMap "kfp-launcher".*minio:\/\/ scheme/,
    );
  });
});

describe("minikube trimming", () => {
  it("drops the visualization server and viewer controller when off, keeps them when on", () => {
    const off = trimOptionalComponents(platform, trim);
    expect(findObject(off, "Deployment", "ml-pipeline-visualizationserver")).toBeUndefined();
    expect(findObject(off, "Service", "ml-pipeline-visualizationserver")).toBeUndefined();
    expect(findObject(off, "Deployment", "ml-pipeline-viewer-crd")).toBeUndefined();
    expect(findObject(off, "Deployment", "cache-server")).toBeDefined();
    const on = trimOptionalComponents(platform, { ...trim, visualizationServer: true, viewerController: true });
    expect(on).toHaveLength(platform.length);
  });

  it("drops the cache server and its deployer when caching is off", () => {
    const off = trimOptionalComponents(platform, { ...trim, cache: false });
    expect(findObject(off, "Deployment", "cache-server")).toBeUndefined();
    expect(findObject(off, "Deployment", "cache-deployer-deployment")).toBeUndefined();
  });

  it("sizes MySQL's volume", () => {
    const sized = sizeMysqlVolume(platform, "5Gi");
    expect(findObject(sized, "PersistentVolumeClaim", "mysql-pv-claim")!.spec.resources.requests.storage).toBe("5Gi");
  });

  it("caps container requests on the minikube profile and keeps them upstream", () => {
    const small = applyResourceProfile(platform, "minikube");
    expect(container(small, "ml-pipeline").resources.requests).toEqual({ cpu: "50m", memory: "128Mi" });
    expect(container(applyResourceProfile(platform, "upstream"), "ml-pipeline").resources.requests).toEqual({
      cpu: "250m",
      memory: "500Mi",
    });
    const init = findObject(small, "Deployment", "ml-pipeline")!.spec.template.spec.initContainers[0];
    expect(init.resources.requests).toEqual({ cpu: "10m", memory: "16Mi" });
  });

  it("compares quantities across units", () => {
    expect(quantityValue("500Mi")).toBeGreaterThan(quantityValue("128Mi"));
    expect(quantityValue("0.5")).toBe(quantityValue("500m"));
    expect(() => quantityValue("lots")).toThrow(/not a Kubernetes quantity/);
  });
});

describe("workflow-controller", () => {
  it("hands the metrics port to the patch and keeps healthz", () => {
    const released = releaseWorkflowControllerMetricsPort(platform);
    expect(container(released, "workflow-controller").ports).toEqual([{ containerPort: 6060 }]);
    expect(container(platform, "workflow-controller").ports).toHaveLength(2);
  });

  it("reads the bundled Argo version", () => {
    expect(argoVersionOf(platform)).toBe("4.0.5");
  });
});

describe("preparePlatform", () => {
  it("applies every transform for a MinIO stack", () => {
    const out = preparePlatform(platform, { ...trim, objectStore: endpoint });
    expect(JSON.stringify(out)).not.toMatch(/seaweedfs/);
    expect(findObject(out, "Deployment", "ml-pipeline-visualizationserver")).toBeUndefined();
    expect(container(out, "workflow-controller").ports).toEqual([{ containerPort: 6060 }]);
    expect(findObject(out, "PersistentVolumeClaim", "mysql-pv-claim")!.spec.resources.requests.storage).toBe("10Gi");
  });

  it("keeps KFP's SeaweedFS when no object store is given", () => {
    const out = preparePlatform(platform, { ...trim });
    expect(findObject(out, "Deployment", "seaweedfs")).toBeDefined();
    expect(env(out, "ml-pipeline", "OBJECTSTORECONFIG_HOST")).toBe("seaweedfs.kubeflow");
  });

  it("never deploys a :latest image", () => {
    const out = preparePlatform(platform, { ...trim, objectStore: endpoint });
    expect(JSON.stringify(out)).not.toMatch(/"image":"[^"]*:latest"/);
  });
});

describe("manifest files", () => {
  it("reads one file as well as a directory", () => {
    expect(readManifestPath(path.join(SHARED_KFP_DIR, "cluster-scoped-resources.yaml"))).toHaveLength(16);
  });

  it("names the config key when the path does not exist", () => {
    expect(() => readManifestPath("/no/such/dir")).toThrow(/kfp\.path: \/no\/such\/dir does not exist/);
  });
});
