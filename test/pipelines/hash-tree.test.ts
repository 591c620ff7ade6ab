import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { hashTree } from "../../pipelines/hash-tree";

function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hash-tree-"));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const sha = (...parts: string[]) => createHash("sha256").update(parts.join("")).digest("hex");

describe("hashTree", () => {
  it("hashes `path NUL contents NUL` of every file, in localeCompare order, directories walked", () => {
    const dir = tree({ "b/z.txt": "z", "B.txt": "B", "a.txt": "a" });
    expect(hashTree(dir)).toBe(sha("a.txt\0a\0", "b/z.txt\0z\0", "B.txt\0B\0"));
  });

  it("hashes only the given paths, in the given order, skipping missing files", () => {
    const dir = tree({ "src/x.ts": "x", "lock.json": "{}", "other/y": "y" });
    expect(hashTree(dir, { paths: ["src", "lock.json", "absent.json"] })).toBe(sha("src/x.ts\0x\0", "lock.json\0{}\0"));
  });

  it("skips files the filter excludes", () => {
    const dir = tree({ "m.py": "1", "m.pyc": "2", "d/n.py": "3" });
    expect(hashTree(dir, { include: (rel) => rel.endsWith(".py") })).toBe(sha("d/n.py\0" + "3\0", "m.py\0" + "1\0"));
  });
});
