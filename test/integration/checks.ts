/**
 * What `up` must have produced in the API server, checked on objects read back with kubectl.
 * Pure: each function takes the objects and returns the problems found (empty = fine).
 */

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const nameOf = (o: Obj): string => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? "?"}`;

export function deploymentsNotAvailable(deployments: Obj[]): string[] {
  return deployments
    .filter((d) => !(d.status?.conditions ?? []).some((c: Obj) => c.type === "Available" && c.status === "True"))
    .map((d) => `Deployment ${nameOf(d)} is not Available`);
}

/** Env values of all containers of a Deployment's pod template. */
function templateEnv(deployment: Obj): Record<string, string> {
  const containers: Obj[] = deployment.spec?.template?.spec?.containers ?? [];
  return Object.fromEntries(containers.flatMap((c) => (c.env ?? []).map((e: Obj) => [e.name, String(e.value ?? "")])));
}

/** KFP's API server and Argo's artifact repository must both point at the MinIO service. */
export function minioWiringProblems(mlPipeline: Obj, workflowControllerConfig: Obj, minioService: string): string[] {
  const problems: string[] = [];
  const host = templateEnv(mlPipeline).OBJECTSTORECONFIG_HOST ?? "";
  if (!host.includes(minioService)) {
    problems.push(`ml-pipeline OBJECTSTORECONFIG_HOST is "${host}", expected the ${minioService} service`);
  }
  const repo = String(workflowControllerConfig.data?.artifactRepository ?? "");
  if (!repo.includes(minioService)) {
    problems.push(
      `workflow-controller-configmap artifactRepository does not name ${minioService}: ${repo.slice(0, 200)}`,
    );
  }
  return problems;
}

/** The patched metrics port: exactly one container port named `metrics`, on the port Argo's metricsConfig sets. */
export function metricsPortProblems(workflowController: Obj, workflowControllerConfig: Obj, port: number): string[] {
  const problems: string[] = [];
  const container = (workflowController.spec?.template?.spec?.containers ?? []).find(
    (c: Obj) => c.name === "workflow-controller",
  );
  const metrics: number[] = (container?.ports ?? [])
    .filter((p: Obj) => p.name === "metrics")
    .map((p: Obj) => p.containerPort);
  if (metrics.length !== 1 || metrics[0] !== port) {
    problems.push(
      `workflow-controller container ports named "metrics" are [${metrics.join(", ")}], expected exactly [${port}]`,
    );
  }
  const config = String(workflowControllerConfig.data?.metricsConfig ?? "");
  if (!new RegExp(`port:\\s*${port}\\b`).test(config)) {
    problems.push(`workflow-controller-configmap metricsConfig does not set port ${port}: ${config}`);
  }
  return problems;
}
