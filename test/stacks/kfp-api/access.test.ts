import * as fs from "fs";
import * as path from "path";
import { connectionFor, defaultUiBaseUrl, requesterForAccess, KfpAccess } from "../../../stacks/kfp-api/access";
import { kubeCredentials } from "../../../stacks/kube/credentials";
import { KfpClient } from "../../../stacks/kfp-api/client";
import { startFakeKfp } from "../../fakes/fake-kfp";
import { FAST_RETRY } from "../../fixtures/provider-inputs";

const b64 = (s: string): string => Buffer.from(s).toString("base64");

function kubeconfig(server: string, user: string, extraCluster = ""): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "current-context: minikube",
    "clusters:",
    "- name: minikube",
    "  cluster:",
    `    server: ${server}`,
    extraCluster,
    "- name: other",
    "  cluster:",
    "    server: https://other:6443",
    "    insecure-skip-tls-verify: true",
    "contexts:",
    "- name: minikube",
    "  context: {cluster: minikube, user: minikube, namespace: default}",
    "- name: other",
    "  context: {cluster: other, user: tokenuser}",
    "users:",
    "- name: minikube",
    `  user:${user}`,
    "- name: tokenuser",
    "  user: {token: tok-123}",
  ].join("\n");
}

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

describe("connections", () => {
  const access: KfpAccess = {
    kind: "kubeProxy",
    kubeconfig: kubeconfig("https://k:6443", " {token: sekret}"),
    namespace: "kubeflow",
    service: "ml-pipeline",
    port: 8888,
  };

  test("kube proxy: service-proxy URL on the API server, bearer token from the kubeconfig", () => {
    const conn = connectionFor(access);
    expect(conn.baseUrl).toBe("https://k:6443/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy");
    expect(conn.headers).toEqual({ authorization: "Bearer sekret" });
    expect(defaultUiBaseUrl(access)).toBe("https://k:6443/api/v1/namespaces/kubeflow/services/ml-pipeline-ui:80/proxy");
  });

  test("endpoint: trailing slashes trimmed, optional token, scheme required", () => {
    expect(connectionFor({ kind: "endpoint", baseUrl: "http://kfp:8888/", bearerToken: "t" })).toMatchObject({
      baseUrl: "http://kfp:8888",
      headers: { authorization: "Bearer t" },
    });
    expect(() => connectionFor({ kind: "endpoint", baseUrl: "kfp:8888" })).toThrow(
      /must start with http:\/\/ or https:\/\//,
    );
  });

  test("kube proxy access reaches KFP through the service-proxy path with the kubeconfig's token", async () => {
    const prefix = "/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy";
    const fake = await startFakeKfp({ pathPrefix: prefix, bearerToken: "sekret" });
    try {
      const server = fake.url.slice(0, -prefix.length);
      const good = new KfpClient(
        requesterForAccess({ ...access, kubeconfig: kubeconfig(server, " {token: sekret}") }),
        { retry: FAST_RETRY },
      );
      await expect(good.healthz()).resolves.toEqual({ multi_user: false, pipeline_store: "database" });
      const bad = new KfpClient(requesterForAccess({ ...access, kubeconfig: kubeconfig(server, " {token: wrong}") }), {
        retry: FAST_RETRY,
      });
      await expect(bad.healthz()).rejects.toThrow(
        "answered HTTP 401: Unauthorized (check the kubeconfig user's or bearer token's permissions)",
      );
      expect(fake.state.requests.map((r) => r.path)).toEqual(["/apis/v2beta1/healthz", "/apis/v2beta1/healthz"]);
    } finally {
      await fake.close();
    }
  });
});

describe("kube proxy over HTTPS", () => {
  const fixture = (name: string): Buffer => fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "tls", name));
  const prefix = "/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy";

  function proxyAccess(server: string, user: string, cluster: string): KfpAccess {
    return {
      kind: "kubeProxy",
      kubeconfig: kubeconfig(server, user, cluster),
      namespace: "kubeflow",
      service: "ml-pipeline",
      port: 8888,
    };
  }

  test("verifies the server against certificate-authority-data and presents the client certificate", async () => {
    const fake = await startFakeKfp({
      pathPrefix: prefix,
      tls: { cert: fixture("server.crt"), key: fixture("server.key"), ca: fixture("ca.crt") },
    });
    try {
      const server = fake.url.slice(0, -prefix.length);
      const user = `\n    client-certificate-data: ${fixture("client.crt").toString("base64")}\n    client-key-data: ${fixture("client.key").toString("base64")}`;
      const ca = `    certificate-authority-data: ${fixture("ca.crt").toString("base64")}`;
      const withCert = new KfpClient(requesterForAccess(proxyAccess(server, user, ca)), { retry: FAST_RETRY });
      await expect(withCert.healthz()).resolves.toEqual({ multi_user: false, pipeline_store: "database" });

      const noClientCert = new KfpClient(requesterForAccess(proxyAccess(server, " {token: t}", ca)), {
        retry: { ...FAST_RETRY, attempts: 1 },
      });
      await expect(noClientCert.healthz()).rejects.toThrow(/certificate required/);

      const unknownCa = new KfpClient(requesterForAccess(proxyAccess(server, user, "")), {
        retry: { ...FAST_RETRY, attempts: 1 },
      });
      await expect(unknownCa.healthz()).rejects.toThrow(/self[- ]signed|unable to verify|local issuer/);

      const insecure = new KfpClient(
        requesterForAccess(proxyAccess(server, user, "    insecure-skip-tls-verify: true")),
        { retry: FAST_RETRY },
      );
      await expect(insecure.healthz()).resolves.toBeDefined();
    } finally {
      await fake.close();
    }
  });
});
