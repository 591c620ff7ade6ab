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
