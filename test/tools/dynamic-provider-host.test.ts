/** tools/dynamic-provider-host/pulumi-resource-pulumi-nodejs, which the engine starts for the dynamic providers. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");
const HOST = path.join(ROOT, "tools", "dynamic-provider-host", "pulumi-resource-pulumi-nodejs");

describe("the dynamic-provider host", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dynamic-host-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("runs the project's own SDK entry point with the deferral hook preloaded, passing the engine's arguments", () => {
    // A `node` that prints how it was called, first on PATH.
    const bin = path.join(tmp, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, "node"), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
    const run = spawnSync(HOST, ["127.0.0.1:12345"], {
      cwd: tmp,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual([
      "--require",
      path.join(ROOT, "tools", "defer-sdk-modules.js"),
      path.join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "dynamic-provider", "index.js"),
      "127.0.0.1:12345",
    ]);
  });

  it("reaches the real SDK, which asks for the engine's address when given none", () => {
    const run = spawnSync(HOST, [], { cwd: tmp, encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toContain("Missing <engine> address");
    expect(run.status).not.toBe(0);
  });

  it("without the project's dependencies, says to run npm ci", () => {
    const project = path.join(tmp, "project");
    fs.mkdirSync(path.join(project, "tools", "dynamic-provider-host"), { recursive: true });
    const copy = path.join(project, "tools", "dynamic-provider-host", "pulumi-resource-pulumi-nodejs");
    fs.copyFileSync(HOST, copy);
    fs.chmodSync(copy, 0o755);
    const run = spawnSync(copy, ["127.0.0.1:12345"], { cwd: tmp, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cmd\/dynamic-provider\/index\.js is missing: run npm ci in .*project/);
  });
});
