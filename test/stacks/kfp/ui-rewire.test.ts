import * as YAML from "yaml";
import { findObject, K8sObject } from "../../../stacks/kube/object";
import {
  ARTIFACT_BUCKET,
  argoKeyFormat,
  preparePlatform,
  serviceEndpoint,
  splitPhases,
} from "../../../stacks/kfp/transforms";
import { readManifestPath } from "../../../stacks/kfp/source";
import { minioEndpoint } from "../../../stacks/minio/minio-store";
import { SHARED_KFP_DIR } from "../../fixtures/shared-kfp";

/**
 * The KFP UI server's compiled-in defaults for the env it reads, as released in kubeflow/pipelines tag
 * 2.17.0, frontend/server/configs.ts (`loadConfigs`). A default the manifests never override is invisible
 * to a grep of them, so the UI's effective settings are computed from this table and the Deployment's env.
 */
const UI_DEFAULTS_2_17_0: Record<string, string> = {
  MINIO_HOST: "seaweedfs",
  MINIO_PORT: "9000",
  MINIO_NAMESPACE: "kubeflow",
  MINIO_SSL: "false",
  ARGO_ARCHIVE_LOGS: "false",
  ARGO_ARCHIVE_ARTIFACTORY: "minio",
  ARGO_ARCHIVE_BUCKETNAME: "mlpipeline",
  ARGO_KEYFORMAT:
    "artifacts/{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}",
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EnvVar = { name: string; value?: string; valueFrom?: any };

/** What the UI server ends up with: the container's env (fieldRef to the namespace resolved), else the default. */
function effectiveUiSettings(objs: readonly K8sObject[]): Record<string, string> {
  const ui = findObject(objs, "Deployment", "ml-pipeline-ui")!;
  const env: EnvVar[] = ui.spec.template.spec.containers[0].env ?? [];
  const settings = { ...UI_DEFAULTS_2_17_0 };
  for (const e of env) {
    if (!(e.name in settings)) continue;
    if (e.value !== undefined) settings[e.name] = e.value;
    else if (e.valueFrom?.fieldRef?.fieldPath === "metadata.namespace") settings[e.name] = ui.metadata.namespace!;
    else throw new Error(`${e.name} comes from ${JSON.stringify(e.valueFrom)}, which this test cannot resolve`);
  }
  // configs.ts: endPoint = MINIO_NAMESPACE ? `${MINIO_HOST}.${MINIO_NAMESPACE}` : MINIO_HOST
  const endpoint = settings.MINIO_NAMESPACE
    ? `${settings.MINIO_HOST}.${settings.MINIO_NAMESPACE}`
    : settings.MINIO_HOST;
  return { ...settings, endpoint: `${endpoint}:${settings.MINIO_PORT}` };
}

function argoS3(objs: readonly K8sObject[]): { endpoint: string; bucket: string; keyFormat: string } {
  const cm = findObject(objs, "ConfigMap", "workflow-controller-configmap")!;
  return YAML.parse(cm.data!.artifactRepository).s3;
}

const { platform } = splitPhases(readManifestPath(SHARED_KFP_DIR));
const trim = {
  visualizationServer: false,
  viewerController: false,
  cache: true,
  mysqlStorage: "10Gi",
  resourceProfile: "minikube" as const,
};

describe("the KFP UI's artifact settings", () => {
  it("as released, point at SeaweedFS through compiled-in defaults and disagree with Argo's keyFormat", () => {
    // The premise of the rewiring: if upstream changes, this test says so.
    const ui = effectiveUiSettings(platform);
    expect(ui.endpoint).toBe("seaweedfs.kubeflow:9000");
    expect(ui.ARGO_KEYFORMAT).not.toBe(argoS3(platform).keyFormat);
  });

  describe("with MinIO", () => {
    const objs = preparePlatform(platform, { ...trim, objectStore: minioEndpoint("kubeflow") });
    const ui = effectiveUiSettings(objs);
    const s3 = argoS3(objs);

    it("reach the object store Argo and the API server use", () => {
      expect(ui.endpoint).toBe("minio-service.kubeflow:9000");
      expect(ui.endpoint).toBe(s3.endpoint);
      expect(ui.MINIO_SSL).toBe("false");
    });

    it("read archived logs from Argo's bucket under Argo's keyFormat", () => {
      expect(ui.ARGO_ARCHIVE_BUCKETNAME).toBe(s3.bucket);
      expect(ui.ARGO_KEYFORMAT).toBe(s3.keyFormat);
      expect(ui.ARGO_KEYFORMAT).toBe(argoKeyFormat(platform));
      expect(ui.ARGO_ARCHIVE_ARTIFACTORY).toBe("minio");
    });

    it("name no cluster domain anywhere KFP reads its store from", () => {
      expect(YAML.stringify(objs)).not.toMatch(/cluster\.local/);
    });

    it("follow the endpoint it is given", () => {
      const other = preparePlatform(platform, { ...trim, objectStore: serviceEndpoint("store", "data", 9100) });
      expect(effectiveUiSettings(other).endpoint).toBe("store.data:9100");
    });
  });

  it("with KFP's own SeaweedFS, keep its host and take Argo's keyFormat", () => {
    const objs = preparePlatform(platform, trim);
    const ui = effectiveUiSettings(objs);
    expect(ui.endpoint).toBe("seaweedfs.kubeflow:9000");
    expect(ui.ARGO_KEYFORMAT).toBe(argoS3(objs).keyFormat);
    expect(ui.ARGO_ARCHIVE_BUCKETNAME).toBe(ARTIFACT_BUCKET);
  });
});
