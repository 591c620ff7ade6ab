/**
 * Stages the 3D viewer library for the step runner (npm's postinstall, so `npm ci` does it): the pinned `3dmol`
 * package's browser build and licence are copied beside the step runner's data, where the run report inlines the
 * library and the AMBER image build takes it from (its build context is images/amber, and the image has no npm).
 */
const { copyFileSync, mkdirSync, readFileSync } = require("fs");
const { join } = require("path");

const root = join(__dirname, "..");
const pin = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).dependencies["3dmol"];
const installed = JSON.parse(readFileSync(join(root, "node_modules/3dmol/package.json"), "utf8")).version;
if (installed !== pin) {
  console.error(`stage-viewer-lib: node_modules has 3dmol ${installed}, package.json pins ${pin}: run npm ci`);
  process.exit(1);
}
const target = join(root, "images/amber/protein_steps/data/viewer");
mkdirSync(target, { recursive: true });
copyFileSync(join(root, "node_modules/3dmol/build/3Dmol-min.js"), join(target, "3Dmol-min.js"));
copyFileSync(join(root, "node_modules/3dmol/LICENSE"), join(target, "LICENSE-3Dmol.txt"));
