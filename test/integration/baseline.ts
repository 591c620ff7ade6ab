/**
 * The kubectl baseline: the same objects the stack made (its recorded inputs) applied server-side,
 * waited on for the same readiness (CRDs established, Deployments Available, DaemonSets and
 * StatefulSets rolled out), then deleted; each phase timed by wall clock like the stack's `up`.
 */
import { timed } from "./exec";
import { Kubectl } from "./kubectl";
import { baselineManifests, Deployment } from "./state";

type Manifest = Record<string, unknown>;

const WAIT_TIMEOUT = "600s";

const meta = (m: Manifest) => (m.metadata ?? {}) as { name: string; namespace?: string };

export interface BaselineResult {
  applySeconds: number;
  deleteSeconds: number;
}

/** `kubectl wait`/`rollout status` invocations covering the readiness the stack's `up` waits for. */
export function readinessWaits(objects: Manifest[]): string[][] {
  const waits: string[][] = [];
  const byNamespace = new Map<string, string[]>();
  for (const o of objects) {
    if (o.kind !== "Deployment") continue;
    const { name, namespace = "default" } = meta(o);
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), `deployment/${name}`]);
  }
  for (const [namespace, names] of byNamespace) {
    waits.push(["wait", "--for=condition=Available", `--timeout=${WAIT_TIMEOUT}`, "-n", namespace, ...names]);
  }
  for (const o of objects) {
    if (o.kind !== "DaemonSet" && o.kind !== "StatefulSet") continue;
    const { name, namespace = "default" } = meta(o);
    waits.push([
      "rollout",
      "status",
      `--timeout=${WAIT_TIMEOUT}`,
      "-n",
      namespace,
      `${String(o.kind).toLowerCase()}/${name}`,
    ]);
  }
  return waits;
}

export async function runBaseline(kubectl: Kubectl, deployment: Deployment): Promise<BaselineResult> {
  const { objects, patches } = baselineManifests(deployment);
  const first = objects.filter((o) => o.kind === "Namespace" || o.kind === "CustomResourceDefinition");
  const rest = objects.filter((o) => !first.includes(o));
  const crds = first.filter((o) => o.kind === "CustomResourceDefinition").map((o) => `crd/${meta(o).name}`);

  const apply = await timed(async () => {
    await kubectl.applyObjects(first, "itest-baseline");
    if (crds.length > 0)
      await kubectl.run(["wait", "--for=condition=Established", `--timeout=${WAIT_TIMEOUT}`, ...crds]);
    await kubectl.applyObjects(rest, "itest-baseline");
    await kubectl.applyObjects(patches, "itest-baseline-patch", true);
    await Promise.all(readinessWaits(rest).map((args) => kubectl.run(args)));
  });

  const del = await timed(async () => {
    const list = { apiVersion: "v1", kind: "List", items: [...objects].reverse() };
    await kubectl.run(
      ["delete", "--ignore-not-found", "--wait=true", `--timeout=${WAIT_TIMEOUT}`, "-f", "-"],
      JSON.stringify(list),
    );
  });
  return { applySeconds: apply.seconds, deleteSeconds: del.seconds };
}
