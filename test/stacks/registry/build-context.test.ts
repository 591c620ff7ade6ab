import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dockerignoreRules, hashDirectory, isIgnored } from "../../../stacks/registry/build-context";

describe("build context hash", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-"));
  fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM x\n");
  fs.mkdirSync(path.join(dir, "tests"));
  fs.writeFileSync(path.join(dir, "tests", "t.py"), "1");
  fs.writeFileSync(path.join(dir, ".dockerignore"), "tests/\n# c\n");

  it("changes with content, ignores what .dockerignore excludes", () => {
    const before = hashDirectory(dir);
    fs.writeFileSync(path.join(dir, "tests", "t.py"), "2");
    expect(hashDirectory(dir)).toBe(before);
    fs.writeFileSync(path.join(dir, "Dockerfile"), "FROM y\n");
    expect(hashDirectory(dir)).not.toBe(before);
  });

  it("follows .dockerignore allow-lists, globs and negations", () => {
    const rules = dockerignoreRules("*\n!requirements.txt\n!protein_steps/\n**/__pycache__\n**/*.pyc\n");
    expect(isIgnored("tests/data/1aki.pdb", rules)).toBe(true);
    expect(isIgnored("requirements.txt", rules)).toBe(false);
    expect(isIgnored("protein_steps/cli.py", rules)).toBe(false);
    expect(isIgnored("protein_steps/__pycache__/cli.cpython-311.pyc", rules)).toBe(true);
    expect(isIgnored("protein_steps/steps/x.pyc", rules)).toBe(true);
    expect(isIgnored("a?c", dockerignoreRules("a?c"))).toBe(true);
  });
});

describe("build context hash bytes", () => {
  // The AMBER image is tagged by this hash: a change of the hashing scheme would rebuild it for every user.
  it("is pinned for a known tree (paths sorted by localeCompare, `path NUL contents NUL`, ignored files skipped)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ctx-pin-"));
    const files: Record<string, string> = {
      Dockerfile: "FROM x\nCOPY . /app\n",
      ".dockerignore": "tests/\n**/*.pyc\n",
      "B.txt": "upper\n",
      "a.txt": "lower\n",
      "pkg/__init__.py": "",
      "pkg/sub/b.py": "print('b')\n",
      "pkg/c.pyc": "\x00\x01",
      "tests/t.py": "assert True\n",
    };
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    }
    expect(hashDirectory(dir)).toBe("0c78b96fd71a7c9b6c07e165161845897f4bd19994543420680ef17108a1d585");
  });
});
