import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadKfpManifests, parseManifests, parseManifestsCached, remoteKustomizeRef } from "../../../stacks/kfp/source";
import { SHARED_KFP_DIR } from "../../fixtures/shared-kfp";

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
