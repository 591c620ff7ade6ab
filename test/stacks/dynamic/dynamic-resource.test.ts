import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
  cachedSerialization,
  codeFingerprint,
  DynamicResource,
  providerCacheKey,
  providerInput,
  ProviderCacheOptions,
  SerializedProvider,
  serializeWithSdk,
} from "../../../stacks/dynamic/dynamic-resource";
import { byName, installMocks, isSecretOutput, outputValue, settle } from "../../fakes/mock-monitor";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dynamic-resource-test-"));
let dirCount = 0;
const freshDir = () => path.join(tmp, `d${++dirCount}`);

function tree(files: Record<string, string>): string {
  const root = freshDir();
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const CODE = { dirs: ["src"], files: ["lock.json", "tsconfig.json"] };

describe("codeFingerprint", () => {
  const base = { "src/a.ts": "export const a = 1;", "src/sub/b.ts": "export const b = 2;", "lock.json": "{}" };

  it("is the same for the same tree, wherever it lives", () => {
    expect(codeFingerprint(tree(base), CODE)).toBe(codeFingerprint(tree(base), CODE));
  });

  it.each([
    ["a file's contents change", { ...base, "src/sub/b.ts": "export const b = 3;" }],
    ["a file is added under a dir", { ...base, "src/sub/c.ts": "" }],
    ["a file is renamed", { "src/a.ts": base["src/a.ts"], "src/sub/b2.ts": base["src/sub/b.ts"], "lock.json": "{}" }],
    ["a named file changes", { ...base, "lock.json": '{"v":2}' }],
    ["an optional named file appears", { ...base, "tsconfig.json": "{}" }],
  ])("changes when %s", (_why, changed) => {
    expect(codeFingerprint(tree(changed), CODE)).not.toBe(codeFingerprint(tree(base), CODE));
  });

  it("ignores files outside the named dirs and files", () => {
    expect(codeFingerprint(tree({ ...base, "test/x.ts": "anything" }), CODE)).toBe(codeFingerprint(tree(base), CODE));
  });
});

describe("providerCacheKey", () => {
  const make = (n: number) => ({
    async create() {
      return { id: String(n), outs: {} };
    },
  });

  it("is the same for providers whose methods read the same", () => {
    expect(providerCacheKey(make(1), "f")).toBe(providerCacheKey(make(1), "f"));
  });

  it("differs when a method's text, the project's code or Node differs", () => {
    const key = providerCacheKey(make(1), "f", "v20.0.0");
    const changedMethod = {
      async create() {
        return { id: "other", outs: {} };
      },
    };
    expect(providerCacheKey(changedMethod, "f", "v20.0.0")).not.toBe(key);
    expect(
      providerCacheKey(
        {
          ...make(1),
          async delete() {
            /* added */
          },
        },
        "f",
        "v20.0.0",
      ),
    ).not.toBe(key);
    expect(providerCacheKey(make(1), "g", "v20.0.0")).not.toBe(key);
    expect(providerCacheKey(make(1), "f", "v22.0.0")).not.toBe(key);
  });

  it("covers methods a class-based provider inherits", () => {
    class A {
      async create() {
        return { id: "a", outs: {} };
      }
    }
    class B {
      async create() {
        return { id: "b", outs: {} };
      }
    }
    expect(providerCacheKey(new A(), "f")).not.toBe(providerCacheKey(new B(), "f"));
  });
});

describe("cachedSerialization", () => {
  const provider = {
    async create() {
      return { id: "x", outs: {} };
    },
  };
  const options = (cacheDir: string, calls: SerializedProvider[]): ProviderCacheOptions => ({
    cacheDir,
    fingerprint: () => "fingerprint",
    serialize: async (p) => {
      const s = await serializeWithSdk(p);
      calls.push(s);
      return s;
    },
  });

  it("serializes on a miss, then reads the same text back without serializing", async () => {
    const dir = freshDir();
    const calls: SerializedProvider[] = [];
    const first = await cachedSerialization(provider, options(dir, calls));
    const second = await cachedSerialization(provider, options(dir, calls));
    expect(calls).toHaveLength(1);
    expect(second).toEqual(first);
    expect(first.text).toContain("exports.handler");
    expect(fs.readdirSync(dir)).toEqual([`${providerCacheKey(provider, "fingerprint")}.json`]);
  });

  it("serializes again over a corrupt or foreign cache file", async () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    const file = path.join(dir, `${providerCacheKey(provider, "fingerprint")}.json`);
    for (const junk of ["{not json", JSON.stringify({ text: 1 })]) {
      fs.writeFileSync(file, junk);
      const calls: SerializedProvider[] = [];
      const got = await cachedSerialization(provider, options(dir, calls));
      expect(calls).toHaveLength(1);
      expect(got).toEqual(calls[0]);
      expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual(calls[0]);
    }
  });

  it("never writes a closure that captured secrets to disk", async () => {
    const dir = freshDir();
    let calls = 0;
    const o: ProviderCacheOptions = {
      cacheDir: dir,
      fingerprint: () => "f",
      serialize: async () => ({ text: `exports.handler = "s3cr3t-${++calls}";`, containsSecrets: true }),
    };
    expect((await cachedSerialization(provider, o)).text).toContain("s3cr3t-1");
    expect((await cachedSerialization(provider, o)).text).toContain("s3cr3t-2");
    expect(fs.existsSync(dir)).toBe(false);
  });

  it("still serializes when the cache cannot be written", async () => {
    const blocker = path.join(tmp, "not-a-dir");
    fs.writeFileSync(blocker, "");
    const calls: SerializedProvider[] = [];
    const got = await cachedSerialization(provider, options(path.join(blocker, "cache"), calls));
    expect(got.text).toContain("exports.handler");
    expect(calls).toHaveLength(1);
  });
});

describe("as the engine sees it (mocks)", () => {
  const provider: pulumi.dynamic.ResourceProvider = {
    async create(inputs) {
      return { id: "same", outs: inputs };
    },
  };
  class Cached extends DynamicResource {
    constructor(name: string) {
      super(provider, name, { size: 3 }, undefined, "kfp-protein", "Probe");
    }
  }
  class Sdk extends pulumi.dynamic.Resource {
    constructor(name: string) {
      super(provider, name, { size: 3 }, undefined, "kfp-protein", "Probe");
    }
  }

  it("registers the type token and inputs pulumi.dynamic.Resource does, __provider included", async () => {
    installMocks();
    new Cached("cached");
    new Sdk("sdk");
    await settle();
    const cached = byName("cached");
    const sdk = byName("sdk");
    expect(cached.type).toBe("pulumi-nodejs:dynamic/kfp-protein:Probe");
    expect(cached.type).toBe(sdk.type);
    expect(cached.custom).toBe(true);
    expect(cached.inputs).toEqual(sdk.inputs);
    expect(cached.inputs.__provider).toContain("exports.handler");
  });

  it("refuses a __provider input of its own", () => {
    class Bad extends DynamicResource {
      constructor() {
        super(provider, "bad", { __provider: "x" }, undefined, "kfp-protein", "Probe");
      }
    }
    expect(() => new Bad()).toThrow(/__provider/);
  });

  it("marks the input secret when the serialized closure captured secrets", async () => {
    installMocks();
    const dir = freshDir();
    const o = (containsSecrets: boolean): ProviderCacheOptions => ({
      cacheDir: dir,
      fingerprint: () => String(containsSecrets),
      serialize: async () => ({ text: "exports.handler = 1;", containsSecrets }),
    });
    const secret = providerInput(
      {
        async create() {
          return { id: "1", outs: {} };
        },
      },
      o(true),
    );
    const plain = providerInput(
      {
        async create() {
          return { id: "2", outs: {} };
        },
      },
      o(false),
    );
    expect(await isSecretOutput(secret)).toBe(true);
    expect(await isSecretOutput(plain)).toBe(false);
    expect(await outputValue(secret)).toBe("exports.handler = 1;");
  });
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
