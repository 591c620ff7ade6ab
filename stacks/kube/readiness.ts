/**
 * When is a live Kubernetes object ready: the rules `kubectl wait --for=condition=Established` and
 * `kubectl rollout status` apply, as pure functions over the object the API server returns.
 */

// Live objects are schemaless JSON here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Live = Record<string, any>;

export type Readiness = { state: "ready" } | { state: "waiting"; reason: string } | { state: "failed"; reason: string };

const ready: Readiness = { state: "ready" };
const waiting = (reason: string): Readiness => ({ state: "waiting", reason });

/** Kinds whose readiness is more than existing. */
export const AWAITED_KINDS = ["CustomResourceDefinition", "Deployment", "StatefulSet", "DaemonSet"];

function condition(live: Live, type: string): Live | undefined {
  const conditions: Live[] = Array.isArray(live.status?.conditions) ? live.status.conditions : [];
  return conditions.find((c) => c.type === type);
}

function observed(live: Live): boolean {
  const generation = live.metadata?.generation;
  return generation === undefined || (live.status?.observedGeneration ?? 0) >= generation;
}

function crdReadiness(live: Live): Readiness {
  const names = condition(live, "NamesAccepted");
  if (names?.status === "False")
    return { state: "failed", reason: `names not accepted: ${names.message ?? names.reason}` };
  return condition(live, "Established")?.status === "True" ? ready : waiting("not Established yet");
}

function deploymentReadiness(live: Live): Readiness {
  if (!observed(live)) return waiting("spec change not observed yet");
  const progressing = condition(live, "Progressing");
  if (progressing?.reason === "ProgressDeadlineExceeded") {
    return { state: "failed", reason: `rollout exceeded its progress deadline: ${progressing.message ?? ""}`.trim() };
  }
  const want = live.spec?.replicas ?? 1;
  const s = live.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  if (updated < want) return waiting(`${updated} of ${want} replicas updated`);
  if ((s.replicas ?? 0) > updated) return waiting(`${(s.replicas ?? 0) - updated} old replicas pending termination`);
  if ((s.availableReplicas ?? 0) < updated)
    return waiting(`${s.availableReplicas ?? 0} of ${updated} updated replicas available`);
  return ready;
}

function statefulSetReadiness(live: Live): Readiness {
  if (!observed(live)) return waiting("spec change not observed yet");
  const want = live.spec?.replicas ?? 1;
  const s = live.status ?? {};
  if ((s.readyReplicas ?? 0) < want) return waiting(`${s.readyReplicas ?? 0} of ${want} replicas ready`);
  const rolling = (live.spec?.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";
  if (rolling && s.updateRevision && s.currentRevision !== s.updateRevision)
    return waiting("rolling update in progress");
  return ready;
}

function daemonSetReadiness(live: Live): Readiness {
  if (!observed(live)) return waiting("spec change not observed yet");
  const s = live.status ?? {};
  const desired = s.desiredNumberScheduled ?? 0;
  if ((s.updatedNumberScheduled ?? 0) < desired)
    return waiting(`${s.updatedNumberScheduled ?? 0} of ${desired} pods updated`);
  if ((s.numberAvailable ?? 0) < desired) return waiting(`${s.numberAvailable ?? 0} of ${desired} pods available`);
  return ready;
}

export function readinessOf(live: Live): Readiness {
  switch (live.kind) {
    case "CustomResourceDefinition":
      return crdReadiness(live);
    case "Deployment":
      return deploymentReadiness(live);
    case "StatefulSet":
      return statefulSetReadiness(live);
    case "DaemonSet":
      return daemonSetReadiness(live);
    default:
      return ready;
  }
}
