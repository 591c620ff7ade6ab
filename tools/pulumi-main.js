/**
 * The program as the engine runs it (Pulumi.yaml `main`, runtime option `typescript: false`): index.ts and what
 * it imports, transpiled by tools/ts-transpiler.js and its cache, with no TypeScript or ts-node loaded at all.
 * Its exports are the stack's outputs.
 */
require("./ts-transpiler.js").registerTypeScript();
module.exports = require("../index.ts");
