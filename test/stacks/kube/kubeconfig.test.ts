import { KubeconfigError, kubeCredentials, minifyKubeconfig } from "../../../stacks/kube/kubeconfig";
import { b64, kubeconfig } from "../../fixtures/kubeconfig";

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

describe("kubeconfig credentials", () => {
  test("current-context with absolute certificate files, read through the injected reader", () => {
    const read = (p: string): Buffer => Buffer.from(`contents of ${p}`);
    const creds = kubeCredentials(
      kubeconfig(
        "https://192.168.49.2:8443/",
        "\n    client-certificate: /home/u/.minikube/client.crt\n    client-key: /home/u/.minikube/client.key",
        "    certificate-authority: /home/u/.minikube/ca.crt",
      ),
      undefined,
      read,
    );
    expect(creds.server).toBe("https://192.168.49.2:8443");
    expect(creds.token).toBeUndefined();
    expect(creds.tls.ca?.toString()).toBe("contents of /home/u/.minikube/ca.crt");
    expect(creds.tls.cert?.toString()).toBe("contents of /home/u/.minikube/client.crt");
    expect(creds.tls.key?.toString()).toBe("contents of /home/u/.minikube/client.key");
    expect(creds.tls.rejectUnauthorized).toBe(true);
  });

  test("inline -data fields are base64-decoded; a named context with a token and insecure-skip-tls-verify", () => {
    const cfg = kubeconfig(
      "https://k:6443",
      `\n    client-certificate-data: ${b64("CERT")}\n    client-key-data: ${b64("KEY")}`,
      `    certificate-authority-data: ${b64("CA")}`,
    );
    const mine = kubeCredentials(cfg);
    expect([mine.tls.ca?.toString(), mine.tls.cert?.toString(), mine.tls.key?.toString()]).toEqual([
      "CA",
      "CERT",
      "KEY",
    ]);
    const other = kubeCredentials(cfg, "other");
    expect(other).toEqual({
      server: "https://other:6443",
      token: "tok-123",
      tls: { ca: undefined, cert: undefined, key: undefined, rejectUnauthorized: false },
    });
  });

  test("errors name the problem and the fix", () => {
    const cfg = kubeconfig("https://k:6443", " {token: t}", "    certificate-authority: ca.crt");
    expect(() => kubeCredentials(cfg)).toThrow(
      /certificate-authority "ca.crt" is a relative path.*absolute path or certificate-authority-data/,
    );
    expect(() => kubeCredentials(cfg, "nope")).toThrow(
      'kubeconfig: context "nope" not found (known: minikube, other); fix the context/kubeconfig setting',
    );
    expect(() => kubeCredentials(kubeconfig("https://k", "\n    exec: {command: gke-gcloud-auth-plugin}"))).toThrow(
      /exec\/auth-provider credentials/,
    );
    expect(() => kubeCredentials("clusters: [")).toThrow(/not valid YAML/);
  });
});
