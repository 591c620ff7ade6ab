/** The transpiler `pulumi up` loads the program with (tools/ts-transpiler.js), on what the stack relies on. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { execFileSync } from "child_process";
import { parse as parseYaml } from "yaml";

interface Output {
  outputText: string;
  sourceMapText: string;
}
interface Transpiler {
  transpile(input: string, o: { fileName: string }): Output;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createTranspiler } = require("../../tools/ts-transpiler.js") as {
  createTranspiler: (o?: {
    cacheDir?: string | null;
    transform?: (input: string, fileName: string) => Output;
  }) => Transpiler;
};
/** Sucrase itself, no cache. */
const create = () => createTranspiler({ cacheDir: null });

/** Transpiles TypeScript source and runs it as a CommonJS module; returns its exports. */
function load(source: string): Record<string, unknown> {
  const { outputText } = create().transpile(source, { fileName: "/virtual/module.ts" });
  const module = { exports: {} as Record<string, unknown> };
  new Function("module", "exports", "require", outputText)(module, module.exports, require);
  return module.exports;
}

describe("tools/ts-transpiler.js", () => {
  it("keeps `import * as` of a Node built-in as the module itself, which Pulumi's serializer recognizes", () => {
    const m = load(`import * as fs from "fs";\nimport * as path from "path";\nexport const both = () => [fs, path];`);
    const [f, p] = (m.both as () => unknown[])();
    expect(f).toBe(fs);
    expect(p).toBe(path);
  });

  it("drops `declare` fields, so a resource's outputs set by its base class survive", () => {
    const m = load(
      [
        "class Base { constructor() { (this as any).applied = 'from base'; } }",
        "export class Sub extends Base { declare readonly applied: string; readonly kind: string = 'set'; }",
      ].join("\n"),
    );
    const sub = new (m.Sub as new () => { applied: string; kind: string })();
    expect(sub.applied).toBe("from base");
    expect(sub.kind).toBe("set");
  });

  it("leaves no TypeScript behind and maps back to the source", () => {
    const { outputText, sourceMapText } = create().transpile(
      "export function f(x: number): string { return String(x as number); }\nexport type T = { a: 1 };\n",
      { fileName: "/virtual/f.ts" },
    );
    expect(outputText).not.toMatch(/: number|: string|type T/);
    expect(JSON.parse(sourceMapText).mappings).toEqual(expect.any(String));
  });

  it("is the transpiler tsconfig.json gives ts-node, in transpile-only mode", () => {
    const tsconfig = JSON.parse(fs.readFileSync(path.join(__dirname, "../../tsconfig.json"), "utf8"));
    expect(tsconfig["ts-node"]).toEqual({ transpileOnly: true, transpiler: "./tools/ts-transpiler.js" });
  });

  describe("its cache", () => {
    const source = "export const answer: number = 42;\n";
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "transpiled-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const failing = () => {
      throw new Error("transpiled again");
    };

    it("gives back what sucrase gave, without transpiling again", () => {
      const first = createTranspiler({ cacheDir: dir }).transpile(source, { fileName: "/p/a.ts" });
      expect(first).toEqual(create().transpile(source, { fileName: "/p/a.ts" }));
      expect(fs.readdirSync(dir)).toHaveLength(1);
      expect(
        createTranspiler({ cacheDir: dir, transform: failing }).transpile(source, { fileName: "/p/a.ts" }),
      ).toEqual(first);
    });

    it("transpiles again when the source or the file name changed", () => {
      createTranspiler({ cacheDir: dir }).transpile(source, { fileName: "/p/a.ts" });
      const again = createTranspiler({ cacheDir: dir, transform: failing });
      expect(() => again.transpile(source + "export const b = 1;\n", { fileName: "/p/a.ts" })).toThrow(
        "transpiled again",
      );
      expect(() => again.transpile(source, { fileName: "/p/b.ts" })).toThrow("transpiled again");
    });

    it("replaces an entry it cannot read", () => {
      createTranspiler({ cacheDir: dir }).transpile(source, { fileName: "/p/a.ts" });
      const [entry] = fs.readdirSync(dir);
      fs.writeFileSync(path.join(dir, entry), "{ not json");
      const fresh = createTranspiler({ cacheDir: dir }).transpile(source, { fileName: "/p/a.ts" });
      expect(fresh.outputText).toContain("42");
      expect(JSON.parse(fs.readFileSync(path.join(dir, entry), "utf8"))).toEqual(fresh);
    });
  });

  describe("registerTypeScript, how the engine loads the program (tools/pulumi-main.js)", () => {
    const repo = path.join(__dirname, "..", "..");
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ts-register-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** Runs `code` in a fresh Node with the project's .ts loader registered; returns what it printed. */
    const runNode = (code: string) =>
      execFileSync(
        process.execPath,
        ["-e", `require(${JSON.stringify(path.join(repo, "tools/ts-transpiler.js"))}).registerTypeScript();\n${code}`],
        { cwd: dir, env: { ...process.env, XDG_CACHE_HOME: path.join(dir, "cache") }, encoding: "utf8" },
      );

    it("requires .ts files and what they import, through the transpiler and its cache", () => {
      fs.writeFileSync(path.join(dir, "b.ts"), "export const twice = (n: number): number => 2 * n;\n");
      fs.writeFileSync(
        path.join(dir, "a.ts"),
        'import { twice } from "./b";\nexport const answer: number = twice(21);\n',
      );
      expect(runNode('console.log(require("./a.ts").answer)')).toBe("42\n");
      expect(fs.readdirSync(path.join(dir, "cache", "kfp-protein-stack", "transpiled"))).toHaveLength(2);
    });

    it("keeps line numbers, so a stack trace names the .ts line that threw", () => {
      const source = 'type Unused = { a: number };\n\nexport function fail(): never {\n  throw new Error("here");\n}\n';
      fs.writeFileSync(path.join(dir, "fail.ts"), source);
      const out = runNode('try { require("./fail.ts").fail(); } catch (e) { console.log(e.stack); }');
      expect(out).toContain(`${path.join(dir, "fail.ts")}:4:`);
    });

    it("is what Pulumi.yaml runs, with the SDK's TypeScript support off", () => {
      const project = parseYaml(fs.readFileSync(path.join(repo, "Pulumi.yaml"), "utf8"));
      expect(project.runtime.options.typescript).toBe(false);
      expect(project.main).toBe("tools/pulumi-main.js");
      expect(fs.readFileSync(path.join(repo, project.main), "utf8")).toContain("registerTypeScript()");
    });
  });
});
