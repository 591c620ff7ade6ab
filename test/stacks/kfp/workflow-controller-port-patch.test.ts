import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { findObject } from "../../../stacks/kube/object";
import { prepareKfpRelease } from "../../../stacks/kfp/release";
import { SHARED_KFP_DIR } from "../../fixtures/shared-kfp";
import {
  leaderElectionDisabled,
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
    argoVersion: "3.5.8",
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

describe("leader election", () => {
  it.each([
    ["3.4.17", true, true],
    ["3.5.8", true, true],
    ["3.5.8", false, false],
    ["3.6.0", true, false],
    ["4.0.5", true, false],
  ])("Argo %s, disableLeaderElection %s: disabled %s", (argoVersion, disableLeaderElection, expected) => {
    expect(leaderElectionDisabled({ argoVersion, disableLeaderElection })).toBe(expected);
  });

  it("stays on for Argo 3.6+ even when the setting asks to disable it", () => {
    const patch = workflowControllerContainerPatch({
      namespace: "kubeflow",
      argoVersion: "4.0.5",
      metricsPort: 9191,
      telemetryPort: 8081,
      disableLeaderElection: true,
      upstream: { env: [{ name: "LEADER_ELECTION_IDENTITY", value: "x" }], ports: [] },
    });
    expect(patch.env.map((e) => e.name)).toEqual(["LEADER_ELECTION_IDENTITY"]);
  });

  const kfp = {
    version: "2.17.0",
    source: { kind: "path" as const, path: SHARED_KFP_DIR },
    readinessTimeoutSeconds: 600,
    visualizationServer: false,
    viewerController: false,
    cache: true,
    mysqlStorage: "10Gi",
    resourceProfile: "minikube" as const,
  };
  const strategyOf = (release: ReturnType<typeof prepareKfpRelease>) =>
    findObject(release.platform, "Deployment", "workflow-controller")!.spec.strategy;

  it("keeps KFP 2.17.0's (Argo 4.0.5) rollout as released", () => {
    const release = prepareKfpRelease(kfp, undefined, undefined, { disableLeaderElection: true });
    expect(release.argoVersion).toBe("4.0.5");
    expect(strategyOf(release)).toBeUndefined();
  });

  it("rolls out by Recreate when leader election is off (Argo <= 3.5), so two controllers never run at once", () => {
    const render = () => {
      throw new Error("not used");
    };
    // The 2.17.0 manifests with the workflow-controller image retagged as an Argo 3.5 release.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "argo35-"));
    for (const f of fs.readdirSync(SHARED_KFP_DIR).filter((f) => f.endsWith(".yaml"))) {
      const text = fs.readFileSync(path.join(SHARED_KFP_DIR, f), "utf8");
      fs.writeFileSync(path.join(dir, f), text.replace(/workflow-controller:v4\.0\.5/g, "workflow-controller:v3.5.8"));
    }
    const old = prepareKfpRelease({ ...kfp, source: { kind: "path", path: dir } }, undefined, render, {
      disableLeaderElection: true,
    });
    expect(old.argoVersion).toBe("3.5.8");
    expect(strategyOf(old)).toEqual({ type: "Recreate" });
    const kept = prepareKfpRelease({ ...kfp, source: { kind: "path", path: dir } }, undefined, render, {
      disableLeaderElection: false,
    });
    expect(strategyOf(kept)).toBeUndefined();
  });
});
