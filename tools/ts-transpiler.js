/**
 * The transpiler ts-node uses for this project (tsconfig.json "ts-node".transpiler), so for every
 * `pulumi up`: sucrase, which strips types and rewrites imports in plain JavaScript, loads the program
 * in a third of TypeScript's time. Type checking is `npm run lint`'s job.
 * Imports follow TypeScript without esModuleInterop (`import * as fs` is `require("fs")` itself): Pulumi
 * serializes dynamic providers by walking what they capture, and knows Node's built-in modules only as
 * `require` returns them.
 */
const { transform } = require("sucrase");

exports.create = () => ({
  transpile(input, { fileName }) {
    const out = transform(input, {
      transforms: ["typescript", "imports"],
      enableLegacyTypeScriptModuleInterop: true,
      filePath: fileName,
      sourceMapOptions: { compiledFilename: fileName },
    });
    return { outputText: out.code, sourceMapText: JSON.stringify(out.sourceMap) };
  },
});
