import {
  telemetryInheritsMetricsPort,
  workflowControllerConfigData,
  workflowControllerContainerPatch,
} from "../../../stacks/kfp/workflow-controller-port-patch";

describe("workflow-controller port", () => {
  it.each([
    ["3.4.17", true],
    ["3.5.8", true],
    ["3.6.0", false],
    ["4.0.5", false],
    ["2.12.0", true],
  ])("Argo %s shares telemetry with metrics: %s", (v, expected) => {
    expect(telemetryInheritsMetricsPort(v)).toBe(expected);
  });

  it("sets telemetryConfig only where Argo needs it", () => {
    const base = {
      namespace: "kubeflow",
      metricsPort: 9091,
      telemetryPort: 8081,
      disableLeaderElection: true,
      upstream: { env: [], ports: [] },
    };
    expect(workflowControllerConfigData({ ...base, argoVersion: "4.0.5" })).toEqual({
      metricsConfig: "enabled: true\npath: /metrics\nport: 9091\n",
    });
    expect(workflowControllerConfigData({ ...base, argoVersion: "3.5.2" }).telemetryConfig).toBe(
      "enabled: true\npath: /telemetry\nport: 8081\n",
    );
  });
});

describe("workflow-controller container patch", () => {
  const upstream = {
    env: [
      { name: "TRANSIENT_ERROR_PATTERN", value: "x" },
      { name: "LEADER_ELECTION_IDENTITY", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } } },
    ],
    ports: [{ containerPort: 6060, protocol: "TCP" }],
  };
  const args = {
    namespace: "kubeflow",
    argoVersion: "4.0.5",
    metricsPort: 9191,
    telemetryPort: 8081,
    disableLeaderElection: true,
    upstream,
  };

  it("restates KFP's entries in their order, then adds its own", () => {
    const patch = workflowControllerContainerPatch(args);
    expect(patch.env.map((e) => e.name)).toEqual([
      "TRANSIENT_ERROR_PATTERN",
      "LEADER_ELECTION_IDENTITY",
      "LEADER_ELECTION_DISABLE",
    ]);
    expect(patch.ports).toEqual([
      { containerPort: 6060, protocol: "TCP" },
      { name: "metrics", containerPort: 9191, protocol: "TCP" },
    ]);
  });

  it("adds no env entry when leader election stays on, and never a second metrics port", () => {
    const patch = workflowControllerContainerPatch({
      ...args,
      disableLeaderElection: false,
      upstream: { ...upstream, ports: [...upstream.ports, { name: "metrics", containerPort: 9090 }] },
    });
    expect(patch.env).toEqual(upstream.env);
    expect(patch.ports.filter((p) => p.name === "metrics")).toEqual([
      { name: "metrics", containerPort: 9191, protocol: "TCP" },
    ]);
  });
});
