/**
 * tools/defer-sdk-modules.js, which the program and the dynamic-provider host load first: the SDK modules it
 * defers are still loaded at start-up without it, are not with it, and are there, the same, when used.
 * Each case runs in its own `node`, as the engine starts them.
 */
import { execFileSync } from "child_process";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const HOOK = path.join(ROOT, "tools", "defer-sdk-modules.js");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deferred } = require(HOOK) as {
  deferred: <T extends object>(load: () => T, o: { esModule: boolean }) => T;
};

/** Which deferred modules a script's process has loaded, printed as JSON by `report()`. */
const PRELUDE = `
const report = (extra = {}) => console.log(JSON.stringify({
  typescript: Object.keys(require.cache).some((k) => k.endsWith("/node_modules/typescript/lib/typescript.js")),
  arborist: Object.keys(require.cache).some((k) => k.endsWith("/node_modules/@npmcli/arborist/lib/index.js")),
  ...extra,
}));
`;

function runNode(script: string, withHook: boolean): Record<string, unknown> {
  const args = [...(withHook ? ["--require", HOOK] : []), "-e", PRELUDE + script];
  // stderr is captured, not shown: the serializer requires every built-in module, and some of them warn.
  const out = execFileSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out.trim().split("\n").pop() as string) as Record<string, unknown>;
}

/** A closure that reaches a built-in, a package, a class with `super` (rewritten through TypeScript's parser). */
const SERIALIZE = `
const pulumi = require("@pulumi/pulumi");
const os = require("os");
const yaml = require("yaml");
class Base { size() { return 1; } }
class Sized extends Base { size() { return super.size() + os.cpus().length; } }
const handler = () => yaml.stringify({ size: new Sized().size() });
pulumi.runtime.serializeFunction(handler).then(({ text }) => report({ text }));
`;

describe("tools/defer-sdk-modules.js", () => {
  it("without it, loading the SDK loads typescript and @npmcli/arborist (what the hook is there to avoid)", () => {
    expect(runNode(`require("@pulumi/pulumi"); report();`, false)).toEqual({ typescript: true, arborist: true });
  });

  it("with it, neither the SDK nor its runtime (what the dynamic-provider host loads) loads them", () => {
    const script = `require("@pulumi/pulumi/runtime"); require("@pulumi/pulumi"); require("@pulumi/kubernetes"); report();`;
    expect(runNode(script, true)).toEqual({ typescript: false, arborist: false });
  });

  it("serializes a closure to the same text with it, loading typescript when it does", () => {
    const plain = runNode(SERIALIZE, false);
    const hooked = runNode(SERIALIZE, true);
    expect(hooked.typescript).toBe(true);
    expect(typeof hooked.text).toBe("string");
    expect((hooked.text as string).length).toBeGreaterThan(200);
    expect(hooked.text).toBe(plain.text);
  });

  it("computes a closure's code paths with it, through the deferred @npmcli/arborist", () => {
    const script = `
      require("@pulumi/pulumi").runtime.computeCodePaths({ extraIncludePackages: ["yaml"] })
        .then((paths) => report({ yaml: paths.has("node_modules/yaml") }));`;
    expect(runNode(script, true)).toEqual({ typescript: false, arborist: true, yaml: true });
  });

  describe("the stand-in", () => {
    const real = Object.assign(() => "called", { Named: "named", other: 2 });

    it("loads the module once, on first use, and answers as it does", () => {
      const load = jest.fn(() => real);
      const standIn = deferred(load, { esModule: false }) as unknown as typeof real;
      expect(load).not.toHaveBeenCalled();
      expect(standIn.Named).toBe("named");
      expect("other" in standIn).toBe(true);
      expect(Object.keys(standIn)).toEqual(["Named", "other"]);
      expect(load).toHaveBeenCalledTimes(1);
    });

    it("passes __importStar as an ES module without loading it, then reads through", () => {
      const load = jest.fn(() => real);
      const standIn = deferred(load, { esModule: true }) as unknown as typeof real & { __esModule?: boolean };
      // TypeScript's __importStar: a module marked __esModule is used as it is.
      const star = standIn.__esModule ? standIn : { ...standIn, default: standIn };
      expect(star).toBe(standIn);
      expect(load).not.toHaveBeenCalled();
      expect(star.Named).toBe("named");
      expect(load).toHaveBeenCalledTimes(1);
    });
  });
});
