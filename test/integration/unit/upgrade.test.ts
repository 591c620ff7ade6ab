import {
  describeSteps,
  EXPECTED_BEHAVIOUR_CHANGES,
  ownName,
  stateUpgradeProblems,
  upgradeProblems,
  UpgradeStep,
} from "../upgrade";

const urn = (type: string, name: string) => `urn:pulumi:s::kfp-protein-stack::${type}::${name}`;

describe("upgradeProblems", () => {
  it("accepts no-ops and updates of the provider version and serialized provider", () => {
    const steps: UpgradeStep[] = [
      { op: "same", urn: urn("kubernetes:core/v1:Namespace", "kfp") },
      { op: "update", urn: urn("pulumi-nodejs:dynamic/kfp-protein:ManifestSet", "kfp"), diffs: ["providerVersion"] },
      { op: "update", urn: urn("pulumi-nodejs:dynamic/kfp-protein:KfpApiReady", "r"), diffs: ["__provider"] },
    ];
    expect(upgradeProblems(steps)).toEqual([]);
  });

  it("names every replace, create and delete", () => {
    const problems = upgradeProblems([
      { op: "replace", urn: urn("kubernetes:core/v1:Namespace", "kfp") },
      { op: "create", urn: urn("kubernetes:core/v1:Secret", "new") },
      { op: "delete", urn: urn("kubernetes:core/v1:Secret", "old") },
    ]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^replace kubernetes:core\/v1:Namespace::kfp:/);
    expect(problems[2]).toMatch(/^delete .*::old/);
  });

  it("rejects an update of any other input", () => {
    const problems = upgradeProblems([
      {
        op: "update",
        urn: urn("pulumi-nodejs:dynamic/kfp-protein:ManifestSet", "kfp"),
        diffs: ["providerVersion", "manifests"],
      },
    ]);
    expect(problems).toEqual([
      "update pulumi-nodejs:dynamic/kfp-protein:ManifestSet::kfp changes manifests; only providerVersion may change",
    ]);
  });
});

describe("expected behaviour changes", () => {
  const cm =
    "urn:pulumi:s::p::kfp-protein:registry:InClusterRegistry$kubernetes:core/v1:ConfigMap::registry-proxy-config";
  const other = "urn:pulumi:s::p::kfp-protein:registry:InClusterRegistry$kubernetes:core/v1:Service::registry";
  it("accepts a listed replacement and a listed input, and nothing beside them", () => {
    expect(
      upgradeProblems([
        { op: "replace", urn: cm, diffs: ["data"] },
        { op: "delete-replaced", urn: cm },
      ]),
    ).toEqual([]);
    expect(upgradeProblems([{ op: "replace", urn: other }])).toHaveLength(1);
    expect(upgradeProblems([{ op: "update", urn: cm, diffs: ["data", "metadata"] }])).toEqual([
      "update kfp-protein:registry:InClusterRegistry$kubernetes:core/v1:ConfigMap::registry-proxy-config changes metadata; only providerVersion may change",
    ]);
  });
  it("keys a resource by its own type and name", () => {
    expect(ownName(cm)).toBe("kubernetes:core/v1:ConfigMap::registry-proxy-config");
    expect(EXPECTED_BEHAVIOUR_CHANGES[ownName(cm)].why).toMatch(/cluster domain/);
  });
});

describe("describeSteps", () => {
  it("counts the steps by operation", () => {
    expect(
      describeSteps([
        { op: "update", urn: "a" },
        { op: "same", urn: "b" },
        { op: "same", urn: "c" },
      ]),
    ).toBe("same=2 update=1");
    expect(describeSteps([])).toBe("no steps");
  });
});

describe("stateUpgradeProblems", () => {
  const set = urn("pulumi-nodejs:dynamic/kfp-protein:ManifestSet", "kfp");
  const ns = urn("kubernetes:core/v1:Namespace", "kfp");
  const before = {
    resources: [
      { urn: set, type: "t", inputs: { manifests: { a: "1" }, providerVersion: "v1", __provider: "old" } },
      { urn: ns, type: "t", inputs: { metadata: { name: "kubeflow" } } },
    ],
  };

  it("accepts new provider versions and code with everything else as it was", () => {
    const after = {
      resources: [
        { urn: set, type: "t", inputs: { manifests: { a: "1" }, providerVersion: "v2", __provider: "new" } },
        { urn: ns, type: "t", inputs: { metadata: { name: "kubeflow" } } },
      ],
    };
    expect(stateUpgradeProblems(before, after)).toEqual([]);
  });

  it("names changed inputs, and resources that came or went", () => {
    const after = {
      resources: [
        { urn: set, type: "t", inputs: { manifests: { a: "2" }, providerVersion: "v2" } },
        { urn: urn("kubernetes:core/v1:Secret", "s"), type: "t", inputs: {} },
      ],
    };
    expect(stateUpgradeProblems(before, after)).toEqual([
      "kubernetes:core/v1:Namespace::kfp is gone after the upgrade",
      "pulumi-nodejs:dynamic/kfp-protein:ManifestSet::kfp: the upgrade changed input(s) manifests",
      "kubernetes:core/v1:Secret::s is new after the upgrade",
    ]);
  });
});
