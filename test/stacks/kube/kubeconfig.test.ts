import { KubeconfigError, minifyKubeconfig } from "../../../stacks/kube/kubeconfig";

describe("kubeconfig", () => {
  const kc = [
    "apiVersion: v1",
    "current-context: b",
    "clusters: [{name: ca, cluster: {server: 'https://a'}}, {name: cb, cluster: {server: 'https://b'}}]",
    "contexts: [{name: a, context: {cluster: ca, user: ua}}, {name: b, context: {cluster: cb, user: ub}}]",
    "users: [{name: ua, user: {token: ta}}, {name: ub, user: {token: tb}}]",
  ].join("\n");

  it("keeps only the chosen context, its cluster and its user", () => {
    const out = minifyKubeconfig(kc, "a", "test");
    expect(out).toMatchObject({ context: "a", server: "https://a" });
    expect(out.kubeconfig).toContain("token: ta");
    expect(out.kubeconfig).not.toContain("tb");
  });

  it("defaults to the current-context", () => {
    expect(minifyKubeconfig(kc, "", "test")).toMatchObject({ context: "b", server: "https://b" });
  });

  it.each([
    ["not yaml: [", /not valid YAML.*cluster\.kubeconfig/],
    ["apiVersion: v1", /is not a kubeconfig \(no contexts\)/],
    [kc.replace("current-context: b", ""), undefined],
  ])("rejects broken files clearly (%#)", (text, expected) => {
    if (expected) expect(() => minifyKubeconfig(text, "", "f")).toThrow(expected);
    else expect(() => minifyKubeconfig(text, "", "f")).toThrow(/no current-context.*cluster\.context <one of: a, b>/);
  });

  it("names a context whose user is missing", () => {
    expect(() => minifyKubeconfig(kc.replace("{name: ua, user: {token: ta}}, ", ""), "a", "f")).toThrow(
      KubeconfigError,
    );
  });
});
