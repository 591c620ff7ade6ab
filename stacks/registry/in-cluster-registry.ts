import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { childOptions } from "../util/child-options";

export interface InClusterRegistryArgs {
  namespace: string;
  image: string;
  proxyImage: string;
  storage: string;
  /** Port on each node's loopback where the registry answers (`localhost:<hostPort>`). */
  hostPort: number;
  readinessTimeoutSeconds: number;
}

const REGISTRY_PORT = 5000;

/** nginx as a plain TCP relay from the node's loopback to the registry Service. */
export function registryProxyConfig(upstream: string, listenPort: number): string {
  return [
    "worker_processes 1;",
    "pid /tmp/nginx.pid;",
    "events { worker_connections 256; }",
    "stream {",
    `  server { listen ${listenPort}; proxy_pass ${upstream}; proxy_timeout 10m; }`,
    "}",
    "",
  ].join("\n");
}

/**
 * An image registry inside the cluster that every node reaches as `localhost:<hostPort>` (a hostPort
 * relay on each node, as minikube's addon does), so pods pull by digest from it. The hostPort binds to
 * the node's loopback only: nothing is exposed outside the cluster.
 */
export class InClusterRegistry extends pulumi.ComponentResource {
  /** How nodes (and the node's Docker daemon) address the registry. */
  readonly address: string;
  readonly namespace: string;

  constructor(name: string, args: InClusterRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("kfp-protein:registry:InClusterRegistry", name, {}, opts);
    this.namespace = args.namespace;
    this.address = `localhost:${args.hostPort}`;
    const timeout = { "pulumi.com/timeoutSeconds": String(args.readinessTimeoutSeconds) };
    const registryLabels = { app: "registry", "app.kubernetes.io/part-of": "kfp-protein-stack" };
    const proxyLabels = { app: "registry-proxy", "app.kubernetes.io/part-of": "kfp-protein-stack" };

    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: { name: args.namespace, labels: registryLabels },
      },
      childOptions(this, opts),
    );
    const nsName = ns.metadata.name;

    const pvc = new k8s.core.v1.PersistentVolumeClaim(
      `${name}-data`,
      {
        metadata: { name: "registry-data", namespace: nsName, labels: registryLabels },
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: args.storage } } },
      },
      childOptions(this, opts, { deleteBeforeReplace: true }),
    );

    new k8s.apps.v1.Deployment(
      `${name}-server`,
      {
        metadata: { name: "registry", namespace: nsName, labels: registryLabels, annotations: timeout },
        spec: {
          replicas: 1,
          strategy: { type: "Recreate" },
          selector: { matchLabels: registryLabels },
          template: {
            metadata: { labels: registryLabels },
            spec: {
              containers: [
                {
                  name: "registry",
                  image: args.image,
                  imagePullPolicy: "IfNotPresent",
                  env: [
                    { name: "REGISTRY_HTTP_ADDR", value: `:${REGISTRY_PORT}` },
                    { name: "REGISTRY_STORAGE_DELETE_ENABLED", value: "true" },
                  ],
                  ports: [{ name: "registry", containerPort: REGISTRY_PORT }],
                  readinessProbe: { httpGet: { path: "/v2/", port: REGISTRY_PORT }, periodSeconds: 5 },
                  resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "512Mi" } },
                  volumeMounts: [{ name: "data", mountPath: "/var/lib/registry" }],
                },
              ],
              volumes: [{ name: "data", persistentVolumeClaim: { claimName: pvc.metadata.name } }],
            },
          },
        },
      },
      childOptions(this, opts),
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: {
          name: "registry",
          namespace: nsName,
          labels: registryLabels,
          annotations: { "pulumi.com/skipAwait": "true" },
        },
        spec: {
          type: "ClusterIP",
          selector: registryLabels,
          ports: [{ name: "http", port: 80, targetPort: REGISTRY_PORT }],
        },
      },
      childOptions(this, opts),
    );

    const proxyConfig = new k8s.core.v1.ConfigMap(
      `${name}-proxy-config`,
      {
        metadata: { name: "registry-proxy", namespace: nsName, labels: proxyLabels },
        data: {
          "nginx.conf": service.metadata.name.apply((svc) =>
            registryProxyConfig(`${svc}.${args.namespace}:80`, REGISTRY_PORT),
          ),
        },
      },
      childOptions(this, opts),
    );

    new k8s.apps.v1.DaemonSet(
      `${name}-proxy`,
      {
        metadata: { name: "registry-proxy", namespace: nsName, labels: proxyLabels, annotations: timeout },
        spec: {
          selector: { matchLabels: proxyLabels },
          template: {
            metadata: { labels: proxyLabels },
            spec: {
              containers: [
                {
                  name: "proxy",
                  image: args.proxyImage,
                  imagePullPolicy: "IfNotPresent",
                  command: ["nginx", "-g", "daemon off;", "-c", "/etc/registry-proxy/nginx.conf"],
                  ports: [
                    { name: "registry", containerPort: REGISTRY_PORT, hostPort: args.hostPort, hostIP: "127.0.0.1" },
                  ],
                  resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "64Mi" } },
                  volumeMounts: [{ name: "config", mountPath: "/etc/registry-proxy" }],
                },
              ],
              volumes: [{ name: "config", configMap: { name: proxyConfig.metadata.name } }],
            },
          },
        },
      },
      childOptions(this, opts),
    );

    this.registerOutputs({ address: this.address, namespace: this.namespace });
  }
}
