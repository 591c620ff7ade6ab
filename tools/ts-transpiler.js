/**
 * The transpiler ts-node uses for this project (tsconfig.json "ts-node".transpiler), so for every
 * `pulumi up`: sucrase, which strips types and rewrites imports in plain JavaScript, loads the program
 * in a third of TypeScript's time. Type checking is `npm run lint`'s job.
 * Imports follow TypeScript without esModuleInterop (`import * as fs` is `require("fs")` itself): Pulumi
 * serializes dynamic providers by walking what they capture, and knows Node's built-in modules only as
 * `require` returns them.
 * Its output is kept under the project's cache dir, keyed by the source, its file name, sucrase's version and
 * these options: transpiling the program is about half of its start-up, on every `up`, no-op or not.
 */
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");

const OPTIONS = { transforms: ["typescript", "imports"], enableLegacyTypeScriptModuleInterop: true };

function sucraseTransform(input, fileName) {
  // Loaded on the first miss only: a fully cached program never needs sucrase itself.
  const { transform } = require("sucrase");
  const out = transform(input, { ...OPTIONS, filePath: fileName, sourceMapOptions: { compiledFilename: fileName } });
  return { outputText: out.code, sourceMapText: JSON.stringify(out.sourceMap) };
}

function defaultCacheDir(env = process.env) {
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache");
  return path.join(base, "kfp-protein-stack", "transpiled");
}

let salt;
function cacheSalt() {
  salt ??= `${require("sucrase/package.json").version}\0${JSON.stringify(OPTIONS)}`;
  return salt;
}

/** A transpiler with its cache in `cacheDir` (null: none) and `transform` on a miss; tests pass their own. */
function createTranspiler({ cacheDir = defaultCacheDir(), transform = sucraseTransform } = {}) {
  return {
    transpile(input, { fileName }) {
      if (!cacheDir) return transform(input, fileName);
      const key = crypto.createHash("sha256").update(cacheSalt()).update("\0").update(fileName).update("\0");
      const file = path.join(cacheDir, `${key.update(input).digest("hex")}.json`);
      try {
        const cached = JSON.parse(fs.readFileSync(file, "utf8"));
        if (typeof cached.outputText === "string" && typeof cached.sourceMapText === "string") return cached;
      } catch {
        // missing or unreadable: transpile again
      }
      const result = transform(input, fileName);
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify(result));
        fs.renameSync(tmp, file);
      } catch {
        // an unwritable cache only costs the next run the transpile again
      }
      return result;
    },
  };
}

/**
 * Loads the project's .ts files through `transpiler` in this process, as ts-node would with this file as its
 * transpiler, but without ts-node's setup and its source-map layer, which maps every stack trace the SDK
 * formats (one per resource and per promise). Sucrase keeps line numbers, so traces still name the right .ts line.
 */
function registerTypeScript(transpiler = createTranspiler()) {
  const Module = require("module");
  const loadJs = Module._extensions[".js"];
  Module._extensions[".ts"] = (module, fileName) => {
    if (fileName.includes(`${path.sep}node_modules${path.sep}`)) return loadJs(module, fileName);
    const { outputText } = transpiler.transpile(fs.readFileSync(fileName, "utf8"), { fileName });
    module._compile(outputText, fileName);
  };
}

exports.createTranspiler = createTranspiler;
exports.create = () => createTranspiler();
exports.registerTypeScript = registerTypeScript;
