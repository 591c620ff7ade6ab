/**
 * The program as the engine runs it (Pulumi.yaml `main`, runtime option `typescript: false`): index.ts and what
 * it imports, transpiled by tools/ts-transpiler.js and its cache, without the SDK's ts-node registration.
 * Its exports are the stack's outputs.
 */
// First, before anything loads @pulumi/pulumi: see the file.
require("./defer-sdk-modules.js");
require("./ts-transpiler.js").registerTypeScript();
// V8's own stack traces instead of those of the source-map-support the SDK installs: the SDK formats a full
// stack trace for every resource and every promise it makes, and mapping each through its .js.map files costs
// about 0.3 s of CPU per run. The program's frames need no map (sucrase keeps line numbers).
Error.prepareStackTrace = undefined;
module.exports = require("../index.ts");
