import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import {
  pulumiConfigDeclarations,
  readmeConfigTable,
  README_MARKERS,
  replaceBetween,
  YAML_MARKERS,
} from "../../../stacks/config/docs";

const root = path.join(__dirname, "..", "..", "..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const STALE = "stale: run `npm run docs:config`";

describe("generated config docs", () => {
  it.each([
    ["Pulumi.yaml", YAML_MARKERS, pulumiConfigDeclarations()],
    ["docs/configuration.md", README_MARKERS, readmeConfigTable()],
  ])("%s is current with stacks/config/schema.ts", (file, markers, body) => {
    const text = read(file);
    const regenerated = replaceBetween(text, markers, body, file);
    if (regenerated !== text) throw new Error(`${file} is ${STALE}`);
  });

  it("declares in Pulumi.yaml what the schema says, descriptions without Markdown", () => {
    const declarations = YAML.parse(
      pulumiConfigDeclarations({
        "a.b": { type: "string", default: "tutorial", description: "Preset: `tutorial` or `tiny`." },
        "a.c": { type: "array", items: "string", default: [], description: "Codes." },
      }),
    );
    expect(declarations).toEqual({
      "a.b": { type: "string", default: "tutorial", description: "Preset: tutorial or tiny." },
      "a.c": { type: "array", items: { type: "string" }, default: [], description: "Codes." },
    });
  });

  it("shows empty defaults as a dash and cuts long ones in README's table", () => {
    const table = readmeConfigTable({
      "x.empty": { type: "string", default: "", description: "d" },
      "x.long": { type: "string", default: "a".repeat(50), description: "a | b" },
    });
    expect(table.split("\n").slice(2)).toEqual([
      "| `x.empty` | string | — | d |",
      `| \`x.long\` | string | \`${"a".repeat(37)}…\` | a \\| b |`,
    ]);
  });

  it("refuses a file without its markers rather than guessing where the part goes", () => {
    expect(() => replaceBetween("no markers\n", README_MARKERS, "x", "README.md")).toThrow(/README.md lacks the lines/);
  });
});
