import { AWAITED_KINDS, readinessOf } from "../../../stacks/kube/readiness";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Live = Record<string, any>;

const cond = (type: string, status: string, extra: Live = {}): Live => ({ type, status, ...extra });

function crd(conditions: Live[] | undefined): Live {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "workflows.argoproj.io", generation: 1 },
    status: conditions ? { conditions } : undefined,
  };
}

function deployment(status: Live | undefined, spec: Live = { replicas: 2 }, generation = 3): Live {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "ml-pipeline", namespace: "kubeflow", generation },
    spec,
    status,
  };
}

function statefulSet(status: Live, spec: Live = { replicas: 2 }, generation = 2): Live {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "mysql", namespace: "kubeflow", generation },
    spec,
    status,
  };
}

function daemonSet(status: Live, generation = 1): Live {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "agent", namespace: "kube-system", generation },
    spec: {},
    status,
  };
}

const rolledOut = { observedGeneration: 3, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };

describe("readiness of CustomResourceDefinitions", () => {
  it("is ready once Established", () => {
    expect(readinessOf(crd([cond("NamesAccepted", "True"), cond("Established", "True")]))).toEqual({ state: "ready" });
  });

  it.each([
    ["no status yet", undefined],
    ["no conditions", []],
    ["Established False", [cond("NamesAccepted", "True"), cond("Established", "False", { reason: "Installing" })]],
    ["Established Unknown", [cond("Established", "Unknown")]],
  ])("waits while %s", (_what, conditions) => {
    expect(readinessOf(crd(conditions))).toEqual({ state: "waiting", reason: "not Established yet" });
  });

  it("fails when its names are not accepted, with the API server's message", () => {
    const live = crd([
      cond("NamesAccepted", "False", { reason: "NameConflict", message: '"workflows" is already in use' }),
      cond("Established", "False", { reason: "NotAccepted" }),
    ]);
    expect(readinessOf(live)).toEqual({ state: "failed", reason: 'names not accepted: "workflows" is already in use' });
  });

  it("names the reason when the NamesAccepted condition has no message", () => {
    expect(readinessOf(crd([cond("NamesAccepted", "False", { reason: "NameConflict" })]))).toEqual({
      state: "failed",
      reason: "names not accepted: NameConflict",
    });
  });

  it("a conflicting name fails even while an older Established condition is still True", () => {
    expect(
      readinessOf(crd([cond("Established", "True"), cond("NamesAccepted", "False", { message: "conflict" })])).state,
    ).toBe("failed");
  });
});

describe("readiness of Deployments (kubectl rollout status)", () => {
  it("is ready when every replica is updated and available", () => {
    expect(readinessOf(deployment(rolledOut))).toEqual({ state: "ready" });
  });

  it("waits until the controller has observed the latest generation, even if the old rollout looks done", () => {
    expect(readinessOf(deployment({ ...rolledOut, observedGeneration: 2 }))).toEqual({
      state: "waiting",
      reason: "spec change not observed yet",
    });
    expect(readinessOf(deployment(undefined))).toEqual({ state: "waiting", reason: "spec change not observed yet" });
  });

  it("fails fast when the rollout exceeded its progress deadline", () => {
    const live = deployment({
      observedGeneration: 3,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 0,
      conditions: [
        cond("Progressing", "False", {
          reason: "ProgressDeadlineExceeded",
          message: 'ReplicaSet "ml-pipeline-6d4" has timed out progressing.',
        }),
      ],
    });
    expect(readinessOf(live)).toEqual({
      state: "failed",
      reason: 'rollout exceeded its progress deadline: ReplicaSet "ml-pipeline-6d4" has timed out progressing.',
    });
  });

  it("a progress deadline without a message still fails", () => {
    const live = deployment({
      observedGeneration: 3,
      conditions: [cond("Progressing", "False", { reason: "ProgressDeadlineExceeded" })],
    });
    expect(readinessOf(live)).toMatchObject({
      state: "failed",
      reason: expect.stringMatching(/^rollout exceeded its progress deadline/),
    });
  });

  it("a progress deadline of an unobserved generation is not yet a failure (the new spec may fix it)", () => {
    const live = deployment({
      observedGeneration: 2,
      conditions: [cond("Progressing", "False", { reason: "ProgressDeadlineExceeded" })],
    });
    expect(readinessOf(live)).toEqual({ state: "waiting", reason: "spec change not observed yet" });
  });

  it("waits while replicas are being updated", () => {
    expect(readinessOf(deployment({ ...rolledOut, updatedReplicas: 1 }))).toEqual({
      state: "waiting",
      reason: "1 of 2 replicas updated",
    });
  });

  it("waits while old replicas are pending termination", () => {
    expect(readinessOf(deployment({ ...rolledOut, replicas: 3 }))).toEqual({
      state: "waiting",
      reason: "1 old replicas pending termination",
    });
  });

  it("waits while updated replicas are not available", () => {
    expect(readinessOf(deployment({ ...rolledOut, availableReplicas: 1 }))).toEqual({
      state: "waiting",
      reason: "1 of 2 updated replicas available",
    });
    expect(readinessOf(deployment({ observedGeneration: 3, replicas: 2, updatedReplicas: 2 }))).toEqual({
      state: "waiting",
      reason: "0 of 2 updated replicas available",
    });
  });

  it("defaults to one replica when spec.replicas is unset", () => {
    expect(readinessOf(deployment({ observedGeneration: 3 }, {}))).toEqual({
      state: "waiting",
      reason: "0 of 1 replicas updated",
    });
    expect(
      readinessOf(deployment({ observedGeneration: 3, replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, {})),
    ).toEqual({ state: "ready" });
  });

  it("a Deployment scaled to zero is ready once observed", () => {
    expect(readinessOf(deployment({ observedGeneration: 3 }, { replicas: 0 }))).toEqual({ state: "ready" });
  });

  it("an object without metadata.generation counts as observed", () => {
    const live = deployment(rolledOut);
    delete live.metadata.generation;
    expect(readinessOf(live)).toEqual({ state: "ready" });
  });
});

describe("readiness of StatefulSets", () => {
  const done = {
    observedGeneration: 2,
    replicas: 2,
    readyReplicas: 2,
    currentRevision: "mysql-7f",
    updateRevision: "mysql-7f",
  };

  it("is ready when all replicas are ready at the update revision", () => {
    expect(readinessOf(statefulSet(done))).toEqual({ state: "ready" });
  });

  it("waits for the generation to be observed", () => {
    expect(readinessOf(statefulSet({ ...done, observedGeneration: 1 }))).toEqual({
      state: "waiting",
      reason: "spec change not observed yet",
    });
  });

  it("waits for ready replicas", () => {
    expect(readinessOf(statefulSet({ ...done, readyReplicas: 1 }))).toEqual({
      state: "waiting",
      reason: "1 of 2 replicas ready",
    });
    expect(readinessOf(statefulSet({ observedGeneration: 2 }))).toEqual({
      state: "waiting",
      reason: "0 of 2 replicas ready",
    });
  });

  it("waits while a rolling update moves pods to the new revision", () => {
    expect(readinessOf(statefulSet({ ...done, updateRevision: "mysql-8a" }))).toEqual({
      state: "waiting",
      reason: "rolling update in progress",
    });
    expect(
      readinessOf(
        statefulSet(
          { ...done, updateRevision: "mysql-8a" },
          { replicas: 2, updateStrategy: { type: "RollingUpdate" } },
        ),
      ).state,
    ).toBe("waiting");
  });

  it("with the OnDelete strategy, a revision mismatch is expected and not waited for", () => {
    expect(
      readinessOf(
        statefulSet({ ...done, updateRevision: "mysql-8a" }, { replicas: 2, updateStrategy: { type: "OnDelete" } }),
      ),
    ).toEqual({ state: "ready" });
  });
});

describe("readiness of DaemonSets", () => {
  const done = { observedGeneration: 1, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 };

  it("is ready when every scheduled pod is updated and available", () => {
    expect(readinessOf(daemonSet(done))).toEqual({ state: "ready" });
  });

  it("waits for the generation to be observed", () => {
    expect(readinessOf(daemonSet({ ...done, observedGeneration: 0 }))).toEqual({
      state: "waiting",
      reason: "spec change not observed yet",
    });
  });

  it("waits while only part of its pods are updated", () => {
    expect(readinessOf(daemonSet({ ...done, updatedNumberScheduled: 1 }))).toEqual({
      state: "waiting",
      reason: "1 of 3 pods updated",
    });
  });

  it("waits while only part of its pods are available", () => {
    expect(readinessOf(daemonSet({ ...done, numberAvailable: 2 }))).toEqual({
      state: "waiting",
      reason: "2 of 3 pods available",
    });
  });

  it("a DaemonSet scheduled on no node is ready", () => {
    expect(readinessOf(daemonSet({ observedGeneration: 1, desiredNumberScheduled: 0 }))).toEqual({ state: "ready" });
  });
});

describe("other kinds", () => {
  it.each(["ConfigMap", "Service", "Secret", "Namespace", "ClusterRole", "WorkflowTemplate"])(
    "%s is ready as soon as it exists",
    (kind) => {
      expect(
        readinessOf({
          apiVersion: "v1",
          kind,
          metadata: { name: "x", generation: 5 },
          status: { observedGeneration: 1, phase: "Pending" },
        }),
      ).toEqual({ state: "ready" });
    },
  );

  it("only the kinds with rollout rules are awaited", () => {
    expect([...AWAITED_KINDS].sort()).toEqual(["CustomResourceDefinition", "DaemonSet", "Deployment", "StatefulSet"]);
  });
});
