/**
 * Defers two modules that @pulumi/pulumi 3.248 loads at start-up but uses only to serialize a function (a dynamic
 * provider's closure) or to compute a closure's code paths: `typescript`, through `typescript-shim` (the SDK's
 * other users of it already require it inside their functions), and `@npmcli/arborist`. Loading and compiling
 * them costs about 0.5 s of CPU in every process that loads the SDK, before it can do anything: the program
 * (ahead of its first resource) and the dynamic-provider host (ahead of the engine's first call to any dynamic
 * resource, which holds up every registration behind it). Our dynamic providers' serialized code is usually
 * cached (stacks/dynamic/dynamic-resource.ts), so neither is needed in a no-op `up`.
 *
 * The SDK's own `require` of each returns a stand-in that loads the real module on first use: the same module,
 * later. Loaded by tools/pulumi-main.js and, with `node --require`, by tools/dynamic-provider-host. Requiring
 * this file installs the hook (once). test/tools/defer-sdk-modules.test.ts checks that both are still loaded
 * without it (else this file has nothing left to do) and not with it, and that serialization is unchanged.
 */
const Module = require("module");
const path = require("path");

/** Who requires what. `esModule`: the requiring code wraps it in `__importStar`, which a stand-in must pass. */
const DEFERRED = [
  {
    parent: path.join("@pulumi", "pulumi", "runtime", "closure", "parseFunction.js"),
    request: "../../typescript-shim",
    esModule: false,
  },
  {
    parent: path.join("@pulumi", "pulumi", "runtime", "closure", "codePaths.js"),
    request: "@npmcli/arborist",
    esModule: true,
  },
];

/** An object that stands for `load()`'s result and calls it once, on first use. */
function deferred(load, { esModule }) {
  let real;
  const target = () => (real ??= load());
  return new Proxy(
    {},
    {
      // `__importStar` returns a module marked as an ES module as it is, without listing its keys.
      get: (_, key) => (key === "__esModule" && esModule && real === undefined ? true : Reflect.get(target(), key)),
      has: (_, key) => Reflect.has(target(), key),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
        // A proxy may not report a property of its (empty) target as non-configurable.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

function install() {
  if (Module._load.deferringSdkModules) return;
  const load = Module._load;
  const deferringLoad = function (request, parent, isMain) {
    const entry = parent?.filename && DEFERRED.find((d) => d.request === request && parent.filename.endsWith(d.parent));
    if (!entry) return load.apply(this, arguments);
    return deferred(() => load.call(this, request, parent, isMain), entry);
  };
  deferringLoad.deferringSdkModules = true;
  Module._load = deferringLoad;
}

install();

module.exports = { DEFERRED, deferred };
