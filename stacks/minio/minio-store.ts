import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ARTIFACT_BUCKET, ARTIFACT_SECRET, ObjectStoreEndpoint, serviceEndpoint } from "../kfp/transforms";
import { childOptions } from "../util/child-options";

export interface MinioStoreArgs {
  /** KFP's namespace: MinIO lives beside KFP (the stack points KFP's UI at it, see transforms.ts's rewireUi). */
  namespace: string;
  image: string;
  storage: string;
  readinessTimeoutSeconds: number;
  /** MinIO's root credentials (generated once by the stack, never minio/minio123). */
  credentials: { accessKey: pulumi.Output<string>; secretKey: pulumi.Output<string> };
}

/** MinIO's Service: the name and port KFP used for its bundled MinIO up to 2.15. */
export const MINIO_SERVICE = "minio-service";
export const MINIO_API_PORT = 9000;
export const MINIO_CONSOLE_PORT = 9001;

export function minioEndpoint(namespace: string): ObjectStoreEndpoint {
  return serviceEndpoint(MINIO_SERVICE, namespace, MINIO_API_PORT);
}

/**
 * MinIO as KFP's artifact store, with the stack's generated credentials, the `mlpipeline` bucket
 * present from the start, and KFP's artifact Secret filled from the same credentials.
 */
export class MinioStore extends pulumi.ComponentResource {
  readonly endpoint: ObjectStoreEndpoint;
  readonly accessKey: pulumi.Output<string>;
  readonly secretKey: pulumi.Output<string>;

  constructor(name: string, args: MinioStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kfp-protein:minio:MinioStore", name, {}, opts);
    const ns = args.namespace;
    const labels = { app: "minio", "app.kubernetes.io/part-of": "kfp-protein-stack" };
    const credentials = args.credentials;
    this.accessKey = credentials.accessKey;
    this.secretKey = credentials.secretKey;
    this.endpoint = minioEndpoint(ns);

    const root = new k8s.core.v1.Secret(
      `${name}-root`,
      {
        metadata: { name: "minio-root", namespace: ns, labels },
        stringData: { MINIO_ROOT_USER: credentials.accessKey, MINIO_ROOT_PASSWORD: credentials.secretKey },
      },
      childOptions(this, opts),
    );

    new k8s.core.v1.Secret(
      `${name}-kfp-artifact-secret`,
      {
        metadata: { name: ARTIFACT_SECRET, namespace: ns, labels },
        stringData: { accesskey: credentials.accessKey, secretkey: credentials.secretKey },
      },
      childOptions(this, opts),
    );

    const pvc = new k8s.core.v1.PersistentVolumeClaim(
      `${name}-data`,
      {
        metadata: { name: "minio-pvc", namespace: ns, labels },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: args.storage } } },
      },
      childOptions(this, opts, { deleteBeforeReplace: true }),
    );

    new k8s.apps.v1.Deployment(
      `${name}-server`,
      {
        metadata: {
          name: "minio",
          namespace: ns,
          labels,
          annotations: { "pulumi.com/timeoutSeconds": String(args.readinessTimeoutSeconds) },
        },
        spec: {
          replicas: 1,
          strategy: { type: "Recreate" },
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: "minio",
                  image: args.image,
                  imagePullPolicy: "IfNotPresent",
                  // A bucket is a top-level directory of the data drive: creating it before the server
                  // starts makes `mlpipeline` exist without a client image or a Job.
                  command: ["/bin/sh", "-ec"],
                  args: [
                    `mkdir -p /data/${ARTIFACT_BUCKET} && exec minio server /data --console-address :${MINIO_CONSOLE_PORT}`,
                  ],
                  envFrom: [{ secretRef: { name: root.metadata.name } }],
                  ports: [
                    { name: "api", containerPort: MINIO_API_PORT },
                    { name: "console", containerPort: MINIO_CONSOLE_PORT },
                  ],
                  readinessProbe: { httpGet: { path: "/minio/health/ready", port: MINIO_API_PORT }, periodSeconds: 5 },
                  livenessProbe: { httpGet: { path: "/minio/health/live", port: MINIO_API_PORT }, periodSeconds: 20 },
                  resources: { requests: { cpu: "50m", memory: "256Mi" }, limits: { memory: "1Gi" } },
                  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                  volumeMounts: [{ name: "data", mountPath: "/data" }],
                },
              ],
              volumes: [{ name: "data", persistentVolumeClaim: { claimName: pvc.metadata.name } }],
            },
          },
        },
      },
      childOptions(this, opts),
    );

    new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: MINIO_SERVICE, namespace: ns, labels, annotations: { "pulumi.com/skipAwait": "true" } },
        spec: {
          type: "ClusterIP",
          selector: labels,
          ports: [
            { name: "api", port: MINIO_API_PORT, targetPort: MINIO_API_PORT },
            { name: "console", port: MINIO_CONSOLE_PORT, targetPort: MINIO_CONSOLE_PORT },
          ],
        },
      },
      childOptions(this, opts),
    );

    this.registerOutputs({ endpoint: this.endpoint, accessKey: this.accessKey, secretKey: this.secretKey });
  }
}
