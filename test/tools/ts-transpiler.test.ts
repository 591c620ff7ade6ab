/** The transpiler `pulumi up` loads the program with (tools/ts-transpiler.js), on what the stack relies on. */
import * as fs from "fs";
import * as path from "path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { create } = require("../../tools/ts-transpiler.js") as {
  create: () => { transpile(input: string, o: { fileName: string }): { outputText: string; sourceMapText: string } };
};

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
});
