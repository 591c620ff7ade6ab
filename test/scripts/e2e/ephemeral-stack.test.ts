/** The project file an ephemeral stack's copy gets (scripts/e2e/ephemeral-stack.ts), as the engine resolves it. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { writeProjectFile } from "../../../scripts/e2e/ephemeral-stack";

const ROOT = path.join(__dirname, "..", "..", "..");

interface ProjectFile {
  name: string;
  main: string;
  plugins: { providers: { name: string; path: string }[] };
  backend: { url: string };
}

const read = (dir: string) => parseYaml(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as ProjectFile;

describe("writeProjectFile", () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), "project-copy-"));
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  it("points main and the plugins back at the project, from the copy's folder, and sets the backend", () => {
    writeProjectFile(ROOT, copy, "/state/dir");
    const original = read(ROOT);
    const written = read(copy);
    expect(written.name).toBe(original.name);
    expect(path.resolve(copy, written.main)).toBe(path.resolve(ROOT, original.main));
    expect(written.plugins.providers.map((p) => [p.name, path.resolve(copy, p.path)])).toEqual(
      original.plugins.providers.map((p) => [p.name, path.resolve(ROOT, p.path)]),
    );
    expect(written.backend).toEqual({ url: "file:///state/dir?metadata=skip" });
  });

  it("the project's dynamic-provider host is where Pulumi.yaml says, executable", () => {
    const host = read(ROOT).plugins.providers.find((p) => p.name === "pulumi-nodejs");
    expect(host).toBeDefined();
    const script = path.join(ROOT, host!.path, "pulumi-resource-pulumi-nodejs");
    expect(fs.statSync(script).mode & 0o111).not.toBe(0);
  });
});
