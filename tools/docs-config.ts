/**
 * `npm run docs:config`: rewrites Pulumi.yaml's config declarations and docs/configuration.md's table from
 * stacks/config/schema.ts (test/stacks/config/docs.test.ts fails when they are stale).
 */
import * as fs from "fs";
import * as path from "path";
import {
  pulumiConfigDeclarations,
  readmeConfigTable,
  README_MARKERS,
  replaceBetween,
  YAML_MARKERS,
} from "../stacks/config/docs";

const root = path.join(__dirname, "..");
const targets = [
  { file: "Pulumi.yaml", markers: YAML_MARKERS, body: pulumiConfigDeclarations() },
  { file: "docs/configuration.md", markers: README_MARKERS, body: readmeConfigTable() },
];
for (const t of targets) {
  const full = path.join(root, t.file);
  const before = fs.readFileSync(full, "utf8");
  const after = replaceBetween(before, t.markers, t.body, t.file);
  if (after !== before) fs.writeFileSync(full, after);
  console.log(`${t.file}: ${after === before ? "already current" : "updated"}`);
}
