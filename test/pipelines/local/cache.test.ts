import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { mkdirSync } from "fs";
import { CacheInputs, inputHash, isCached, recordSuccess, treeDigest } from "../../../pipelines/local/cache";

describe("local runner: input-hash cache", () => {
  const dir = mkdtempSync(join(tmpdir(), "local-cache-"));
  const input = join(dir, "input");
  const output = join(dir, "output");
  writeFileSync(input, "coordinates v1");
  const base: CacheInputs = {
    codeVersion: "v1",
    image: "img",
    command: ["protein-step", "x"],
    args: ["--a", "{{p}}"],
    parameters: { a: "1", b: "2" },
    inputFiles: { i: input },
  };

  it("is stable for equal inputs regardless of key order", () => {
    expect(inputHash(base)).toBe(inputHash({ ...base, parameters: { b: "2", a: "1" } }));
  });

  it("changes with parameters, command, image and input file contents", () => {
    const hash = inputHash(base);
    expect(inputHash({ ...base, parameters: { a: "1", b: "3" } })).not.toBe(hash);
    expect(inputHash({ ...base, args: ["--b"] })).not.toBe(hash);
    expect(inputHash({ ...base, image: "img2" })).not.toBe(hash);
    expect(inputHash({ ...base, codeVersion: "v2" })).not.toBe(hash);
    writeFileSync(input, "coordinates v2");
    expect(inputHash(base)).not.toBe(hash);
    writeFileSync(input, "coordinates v1");
    expect(inputHash(base)).toBe(hash);
  });

  it("is valid only for the recorded hash and while every output exists", () => {
    const hash = inputHash(base);
    expect(isCached(dir, hash, [output])).toBe(false);
    recordSuccess(dir, hash);
    expect(isCached(dir, hash, [output])).toBe(false); // output missing
    writeFileSync(output, "result");
    expect(isCached(dir, hash, [output])).toBe(true);
    expect(isCached(dir, "other", [output])).toBe(false);
  });
});

describe("local runner: code digest", () => {
  it("changes with the content of matching files only", () => {
    const root = mkdtempSync(join(tmpdir(), "tree-"));
    mkdirSync(join(root, "pkg"));
    writeFileSync(join(root, "pkg", "step.py"), "print(1)");
    writeFileSync(join(root, "notes.md"), "a");
    const before = treeDigest(root, [".py"]);
    writeFileSync(join(root, "notes.md"), "b");
    expect(treeDigest(root, [".py"])).toBe(before);
    writeFileSync(join(root, "pkg", "step.py"), "print(2)");
    expect(treeDigest(root, [".py"])).not.toBe(before);
  });
});
