import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { amberImageName, parseDockerEnv } from "../../stacks/amber-image";
import { minikubeStartCommand } from "../../stacks/cluster";
import { editDistance } from "../../stacks/config";
import { dockerignoreRules, hashDirectory, isIgnored } from "../../stacks/content-hash";
import { isDigestRef, isPinnedImage } from "../../stacks/image-ref";
import { KubeconfigError, minifyKubeconfig } from "../../stacks/kubeconfig";
import { loadKfpManifests, parseManifests, parseManifestsCached, remoteKustomizeRef } from "../../stacks/kfp-source";
import { pipelineParameters } from "../../stacks/pipeline-parameters";
import { registryProxyConfig } from "../../stacks/registry";
import { shellQuote } from "../../stacks/shell";
import {
  telemetryInheritsMetricsPort,
  workflowControllerConfigData,
  workflowControllerContainerPatch,
} from "../../stacks/workflow-controller";
import { SHARED_KFP_DIR } from "../shared-kfp";

const sha = "0123456789abcdef".repeat(4);

describe("image references", () => {
  it.each([
    [`localhost:5000/amber@sha256:${sha}`, true],
    [`quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:${sha}`, true],
    ["localhost:5000/amber:1.0", false],
    [`amber@sha256:${sha.slice(1)}`, false],
    [`amber@sha256:${sha.toUpperCase()}`, false],
    [`Amber@sha256:${sha}`, false],
  ])("isDigestRef(%s) = %s", (ref, expected) => expect(isDigestRef(ref)).toBe(expected));

  it.each([
    ["registry:2.8.3", true],
    ["docker.io/library/nginx:1.29.1-alpine", true],
    ["nginx", false],
    ["nginx:latest", false],
    ["localhost:5000/amber", false],
    [`localhost:5000/amber@sha256:${sha}`, true],
  ])("isPinnedImage(%s) = %s", (ref, expected) => expect(isPinnedImage(ref)).toBe(expected));
});

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

describe("minikube and Docker", () => {
  it("starts a profile with the docker runtime and quotes odd values", () => {
    const cmd = minikubeStartCommand({
      manage: true,
      profile: "p1",
      cpus: 6,
      memory: "12g",
      disk: "80g",
      kubernetesVersion: "v1.33.2",
      driver: "kvm2",
    });
    expect(cmd).toBe(
      "minikube start --profile p1 --cpus 6 --memory 12g --disk-size 80g --kubernetes-version v1.33.2 --driver kvm2 --container-runtime docker --wait all",
    );
    expect(shellQuote("a b'c")).toBe("'a b'\\''c'");
  });

  it("reads minikube docker-env output with or without export and quotes", () => {
    expect(parseDockerEnv("DOCKER_TLS_VERIFY=1\nDOCKER_HOST=tcp://127.0.0.1:32771\nDOCKER_CERT_PATH=/c\n")).toEqual({
      DOCKER_TLS_VERIFY: "1",
      DOCKER_HOST: "tcp://127.0.0.1:32771",
      DOCKER_CERT_PATH: "/c",
    });
    expect(parseDockerEnv('export DOCKER_HOST="tcp://h:1"\n# comment').DOCKER_HOST).toBe("tcp://h:1");
    expect(() => parseDockerEnv("nothing")).toThrow(/no DOCKER_HOST/);
  });

  it("tags the image by build context content, never latest", () => {
    expect(amberImageName("localhost:5000", sha)).toBe("localhost:5000/amber:ctx-0123456789abcdef");
  });
});

describe("build context hash", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-"));
  fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM x\n");
  fs.mkdirSync(path.join(dir, "tests"));
  fs.writeFileSync(path.join(dir, "tests", "t.py"), "1");
  fs.writeFileSync(path.join(dir, ".dockerignore"), "tests/\n# c\n");

  it("changes with content, ignores what .dockerignore excludes", () => {
    const before = hashDirectory(dir);
    fs.writeFileSync(path.join(dir, "tests", "t.py"), "2");
    expect(hashDirectory(dir)).toBe(before);
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM y\n");
    expect(hashDirectory(dir)).not.toBe(before);
  });

  it("follows .dockerignore allow-lists, globs and negations", () => {
    const rules = dockerignoreRules("*\n!requirements.txt\n!protein_steps/\n**/__pycache__\n**/*.pyc\n");
    expect(isIgnored("tests/data/1aki.pdb", rules)).toBe(true);
    expect(isIgnored("requirements.txt", rules)).toBe(false);
    expect(isIgnored("protein_steps/cli.py", rules)).toBe(false);
    expect(isIgnored("protein_steps/__pycache__/cli.cpython-311.pyc", rules)).toBe(true);
    expect(isIgnored("protein_steps/steps/x.pyc", rules)).toBe(true);
    expect(isIgnored("a?c", dockerignoreRules("a?c"))).toBe(true);
  });
});

describe("registry proxy", () => {
  it("relays TCP from the node port to the registry Service", () => {
    const conf = registryProxyConfig("registry.kfp-registry.svc.cluster.local:80", 5000);
    expect(conf).toMatch(
      /stream \{\n {2}server \{ listen 5000; proxy_pass registry\.kfp-registry\.svc\.cluster\.local:80;/,
    );
  });
});

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

describe("KFP remote source", () => {
  it("renders each pinned target once and reuses the cache", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "kfp-cache-"));
    const rendered: string[] = [];
    const files: Record<string, string> = {
      "cluster-scoped-resources": fs.readFileSync(path.join(SHARED_KFP_DIR, "cluster-scoped-resources.yaml"), "utf8"),
      "env/platform-agnostic": fs.readFileSync(path.join(SHARED_KFP_DIR, "platform-agnostic.yaml"), "utf8"),
    };
    const render = (ref: string) => {
      rendered.push(ref);
      return files[Object.keys(files).find((t) => ref.includes(`/${t}?`))!];
    };
    const first = loadKfpManifests({ kind: "remote", version: "2.17.0" }, render, cache);
    const second = loadKfpManifests({ kind: "remote", version: "2.17.0" }, render, cache);
    expect(rendered).toEqual([
      remoteKustomizeRef("cluster-scoped-resources", "2.17.0"),
      remoteKustomizeRef("env/platform-agnostic", "2.17.0"),
    ]);
    expect(rendered[1]).toBe(
      "https://github.com/kubeflow/pipelines//manifests/kustomize/env/platform-agnostic?ref=2.17.0",
    );
    expect(second).toEqual(first);
    expect(first).toHaveLength(88);
  });

  it("caches nothing when rendering fails", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "kfp-cache-"));
    expect(() => loadKfpManifests({ kind: "remote", version: "2.17.0" }, () => "kind: [", cache)).toThrow(
      /invalid YAML/,
    );
    expect(fs.readdirSync(cache)).toEqual([]);
  });
});

describe("parsed manifest cache", () => {
  const text =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n";

  it("parses once, then answers from the JSON it wrote for that text", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "kfp-parsed-"));
    const first = parseManifestsCached(text, "t.yaml", cache);
    expect(first).toEqual(parseManifests(text, "t.yaml"));
    const [file] = fs.readdirSync(path.join(cache, "parsed"));
    expect(file).toMatch(/^[0-9a-f]{64}\.json$/);
    // Proof the second call reads the cache: it returns what the cache file says.
    fs.writeFileSync(path.join(cache, "parsed", file), JSON.stringify([{ kind: "FromCache" }]));
    expect(parseManifestsCached(text, "t.yaml", cache)).toEqual([{ kind: "FromCache" }]);
    expect(parseManifestsCached(`${text}\n# changed\n`, "t.yaml", cache)).toHaveLength(2);
    expect(fs.readdirSync(path.join(cache, "parsed"))).toHaveLength(2);
  });

  it("caches nothing for invalid YAML", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "kfp-parsed-"));
    expect(() => parseManifestsCached("kind: [", "bad.yaml", cache)).toThrow(/bad.yaml: invalid YAML/);
    expect(fs.existsSync(path.join(cache, "parsed"))).toBe(false);
  });
});

describe("misc", () => {
  it("measures edit distance", () => {
    expect(editDistance("cluster.minikube.cpu", "cluster.minikube.cpus")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("builds run parameters: preset, then PDB code, then overrides", () => {
    const p = pipelineParameters({ preset: "tiny", pdbCode: "2lzm", parameterOverrides: { temperature: 310 } });
    expect(p.pdb_code).toBe("2lzm");
    expect(p.temperature).toBe(310);
    const tutorial = pipelineParameters({ preset: "tutorial", pdbCode: "1aki", parameterOverrides: {} });
    expect(Object.keys(p).sort()).toEqual(Object.keys(tutorial).sort());
  });
});
