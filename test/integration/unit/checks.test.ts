import { deploymentsNotAvailable, metricsPortProblems, minioWiringProblems } from "../checks";
import { orphans } from "../verify";

const deployment = (name: string, available: string) => ({
  metadata: { name, namespace: "kubeflow" },
  status: {
    conditions: [
      { type: "Progressing", status: "True" },
      { type: "Available", status: available },
    ],
  },
});

describe("deploymentsNotAvailable", () => {
  it("reports Deployments without Available=True", () => {
    expect(
      deploymentsNotAvailable([deployment("a", "True"), deployment("b", "False"), { metadata: { name: "c" } }]),
    ).toEqual(["Deployment kubeflow/b is not Available", "Deployment /c is not Available"]);
  });
});

const apiServer = (host: string) => ({
  spec: {
    template: {
      spec: {
        containers: [{ name: "ml-pipeline-api-server", env: [{ name: "OBJECTSTORECONFIG_HOST", value: host }] }],
      },
    },
  },
});
const wcConfig = (endpoint: string, metricsConfig: string) => ({
  data: { artifactRepository: `s3:\n  endpoint: ${endpoint}\n  bucket: mlpipeline\n`, metricsConfig },
});

describe("minioWiringProblems", () => {
  it("accepts KFP and Argo both pointed at MinIO", () => {
    expect(
      minioWiringProblems(
        apiServer("minio-service.kubeflow"),
        wcConfig("minio-service.kubeflow:9000", ""),
        "minio-service",
      ),
    ).toEqual([]);
  });

  it("reports KFP's bundled SeaweedFS still wired in", () => {
    const problems = minioWiringProblems(
      apiServer("seaweedfs.kubeflow"),
      wcConfig("seaweedfs.kubeflow:9000", ""),
      "minio-service",
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('"seaweedfs.kubeflow"');
  });
});

describe("metricsPortProblems", () => {
  const controller = (port: number) => ({
    spec: {
      template: {
        spec: { containers: [{ name: "workflow-controller", ports: [{ name: "metrics", containerPort: port }] }] },
      },
    },
  });

  it("accepts the container port and metricsConfig agreeing on the port", () => {
    expect(metricsPortProblems(controller(9191), wcConfig("x", "enabled: true\nport: 9191\n"), 9191)).toEqual([]);
  });

  it("reports a patch that added a second metrics port beside the upstream one", () => {
    const both = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: "workflow-controller",
                ports: [
                  { name: "metrics", containerPort: 9090 },
                  { containerPort: 6060 },
                  { name: "metrics", containerPort: 9191 },
                ],
              },
            ],
          },
        },
      },
    };
    expect(metricsPortProblems(both, wcConfig("x", "port: 9191\n"), 9191)).toEqual([
      'workflow-controller container ports named "metrics" are [9090, 9191], expected exactly [9191]',
    ]);
  });

  it("reports the unpatched upstream port", () => {
    const problems = metricsPortProblems(controller(9090), wcConfig("x", "port: 9090\n"), 9191);
    expect(problems).toEqual([
      'workflow-controller container ports named "metrics" are [9090], expected exactly [9191]',
      "workflow-controller-configmap metricsConfig does not set port 9191: port: 9090\n",
    ]);
  });
});

describe("orphans", () => {
  it("lists objects the state does not know, ignoring what controllers make in every namespace", () => {
    const state = [{ kind: "Service", namespace: "kubeflow", name: "minio-service" }];
    const live = [
      { kind: "Service", namespace: "kubeflow", name: "minio-service" },
      { kind: "Service", namespace: "kubeflow", name: "minio-service-x1" },
      { kind: "ServiceAccount", namespace: "kubeflow", name: "default" },
    ];
    expect(orphans(state, live)).toEqual(["Service kubeflow/minio-service-x1 is not in the stack's state"]);
  });
});
