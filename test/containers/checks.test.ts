import { createHash } from "crypto";
import { createServer } from "http";
import { AddressInfo } from "net";
import { mkdirSync, mkdtempSync, unlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { imageProblems, registryProblems, runReport } from "./checks";
import { AMBER_CHARGE_SCALE, prmtopSections, topologyFacts } from "./prmtop";

/** A prmtop with the sections the checks read, in Amber's fixed-width formats. */
function prmtop(atoms: { name: string; charge: number }[], bonds: [number, number][], residues: string[]): string {
  const fixed = (values: string[], perLine: number, width: number, right = true) => {
    const lines: string[] = [];
    for (let i = 0; i < values.length; i += perLine)
      lines.push(
        values
          .slice(i, i + perLine)
          .map((v) => (right ? v.padStart(width) : v.padEnd(width)))
          .join(""),
      );
    return lines.join("\n");
  };
  const pointers = [String(atoms.length), ...Array(30).fill("0")];
  return [
    "%VERSION  VERSION_STAMP = V0001.000",
    "%FLAG TITLE",
    "%FORMAT(20a4)",
    "test",
    "%FLAG POINTERS",
    "%FORMAT(10I8)",
    fixed(pointers, 10, 8),
    "%FLAG ATOM_NAME",
    "%FORMAT(20a4)",
    fixed(
      atoms.map((a) => a.name),
      20,
      4,
      false,
    ),
    "%FLAG CHARGE",
    "%FORMAT(5E16.8)",
    fixed(
      atoms.map((a) => (a.charge * AMBER_CHARGE_SCALE).toExponential(8).toUpperCase()),
      5,
      16,
    ),
    "%FLAG RESIDUE_LABEL",
    "%FORMAT(20a4)",
    fixed(residues, 20, 4, false),
    "%FLAG BONDS_WITHOUT_HYDROGEN",
    "%FORMAT(10I8)",
    fixed(
      bonds.flatMap(([i, j]) => [String(3 * i), String(3 * j), "1"]),
      10,
      8,
    ),
    "",
  ].join("\n");
}

// 24 atoms so names and bonds wrap over several lines: two cystine bridges, one S–C bond, net charge +1.
const names = Array.from({ length: 24 }, (_, i) => ([3, 9, 15, 21].includes(i) ? "SG" : `C${i}`));
const atoms = names.map((name, i) => ({ name, charge: i === 0 ? 1.5 : i === 1 ? -0.5 : 0 }));
const bonds: [number, number][] = [
  [0, 1],
  [3, 9],
  [3, 4],
  [15, 21],
];

describe("container tier: prmtop facts", () => {
  it("splits sections by their %FORMAT widths, across lines", () => {
    const sections = prmtopSections(prmtop(atoms, bonds, ["CYX", "CYX", "WAT"]));
    expect(sections.get("ATOM_NAME")).toEqual(names);
    expect(sections.get("POINTERS")![0]).toBe("24");
  });

  it("counts atoms, S–S bonds only, residues and the net charge", () => {
    const facts = topologyFacts(prmtop(atoms, bonds, ["CYX", "CYX", "WAT", "WAT", "Na+"]));
    expect(facts.atoms).toBe(24);
    expect(facts.disulfides).toBe(2);
    expect(facts.charge).toBeCloseTo(1, 6);
    expect(facts.residues).toEqual({ CYX: 2, WAT: 2, "Na+": 1 });
  });

  it("refuses a topology whose sections disagree or are missing", () => {
    const text = prmtop(atoms, bonds, ["ALA"]);
    expect(() => topologyFacts(text.replace("%FLAG CHARGE", "%FLAG CHARGES"))).toThrow(/no %FLAG CHARGE section/);
    expect(() => topologyFacts(text.replace(/^ {6}24/m, "      25"))).toThrow(/25 atoms but 24 names/);
  });
});

const REF = `127.0.0.1:5000/amber@sha256:${"a".repeat(64)}`;

function runDir(options: { state?: string; disulfides?: 1; charge?: number; svg?: boolean }) {
  const out = mkdtempSync(join(tmpdir(), "containers-run-"));
  const tasks = ["leap-gen-top", "leap-add-ions", "plot-heat", "run-report"];
  writeFileSync(
    join(out, "summary.json"),
    JSON.stringify({
      runner: "docker",
      images: [{ reference: REF }],
      tasks: tasks.map((name, i) => ({ name, state: i === 2 ? (options.state ?? "SUCCEEDED") : "SUCCEEDED" })),
    }),
  );
  for (const task of tasks) mkdirSync(join(out, task, "parameters"), { recursive: true });
  const ssBonds = options.disulfides === 1 ? bonds.slice(0, 3) : bonds;
  writeFileSync(join(out, "leap-gen-top", "topology.parmtop"), prmtop(atoms, ssBonds, ["CYX"]));
  const neutral = atoms.map((a, i) => ({ ...a, charge: i === 0 ? 0.5 + (options.charge ?? 0) : a.charge }));
  writeFileSync(join(out, "leap-add-ions", "topology.parmtop"), prmtop(neutral, bonds, ["WAT", "Na+"]));
  writeFileSync(join(out, "plot-heat", "plot.html"), options.svg === false ? "<p>no plot</p>" : "<svg></svg>");
  writeFileSync(join(out, "plot-heat", "metrics.json"), JSON.stringify({ mean_temp: 101.5 }));
  writeFileSync(join(out, "run-report", "plot.html"), "<svg></svg>");
  writeFileSync(join(out, "plot-heat", "log.txt"), "runner's own log");
  return out;
}

describe("container tier: run facts", () => {
  const expected = { reference: REF, uid: process.getuid!(), atoms: 24, disulfides: 2 };

  it("passes a run with the expected topology, a neutral system, plots, metrics and owned files", () => {
    const report = runReport(runDir({}), expected);
    expect(report.problems).toEqual([]);
    expect(report.tasks).toBe(4);
    expect(report.facts).toContain("vacuum topology: 24 atoms, 2 disulfide bonds");
    expect(report.facts).toContain("2 HTML plots, 1 metrics artifacts");
  });

  it("asks every plot task but the run report for its metrics", () => {
    const out = runDir({});
    unlinkSync(join(out, "plot-heat", "metrics.json"));
    expect(runReport(out, expected).problems).toContain("metrics with numbers: 0 of 0 (plot tasks: 1)");
  });

  it("names each fact that does not hold", () => {
    const report = runReport(runDir({ state: "FAILED", disulfides: 1, charge: 0.5, svg: false }), {
      ...expected,
      uid: 4242,
      reference: "other@sha256:" + "b".repeat(64),
    });
    expect(report.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^summary.json images are \[127.0.0.1/),
        "task plot-heat is FAILED: ",
        "vacuum topology has 1 disulfide bonds, not 2",
        "solvated system is not neutral: 0.5000 e",
        "HTML plots with an inline SVG: 1 of 2",
        expect.stringMatching(/topology.parmtop is owned by uid \d+, not the container user 4242$/),
      ]),
    );
    expect(report.problems.some((p) => p.includes("log.txt"))).toBe(false);
  });
});

describe("container tier: image facts", () => {
  const dockerfile = [
    "ARG PYTHON_IMAGE=python:3.11-slim@sha256:" + "c".repeat(64),
    "FROM ${PYTHON_IMAGE}",
    "ENV AMBERHOME=/opt/amber \\",
    "    PATH=/opt/amber/bin:/usr/bin",
    "USER 10001:10001",
  ].join("\n");
  const image = {
    Size: 1,
    Config: { User: "10001:10001", Env: ["AMBERHOME=/opt/amber", "PATH=/opt/amber/bin:/usr/bin"] },
  };

  it("accepts the user, ENV-set AMBERHOME and PATH, and pinned references", () => {
    expect(imageProblems(image, dockerfile, [REF, "kfp-protein/bookworm-python:bookworm-0123"])).toEqual([]);
  });

  it("names a root user, a PATH without AMBERHOME/bin, a syntax directive and :latest", () => {
    const problems = imageProblems(
      { Size: 1, Config: { User: "", Env: ["AMBERHOME=/opt/amber", "PATH=/usr/bin"] } },
      `# syntax=docker/dockerfile:1.7\n${dockerfile.replace("ENV AMBERHOME", "ENV HOME")}\nFROM debian:latest`,
      ["amber:latest"],
    );
    expect(problems).toEqual([
      "Config.User is '', not 10001:10001",
      "the image's PATH (/usr/bin) does not include /opt/amber/bin",
      "the Dockerfile sets AMBERHOME with no ENV instruction",
      "the Dockerfile has a # syntax= directive: BuildKit would pull a frontend image",
      "Dockerfile names :latest (FROM debian:latest)",
      "image reference names :latest (amber:latest)",
    ]);
  });
});

describe("container tier: registry round trip", () => {
  it("accepts a manifest that hashes to the digest and names the image id; names every mismatch", async () => {
    const manifest = JSON.stringify({ schemaVersion: 2, config: { digest: "sha256:config" } });
    const digest = `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
    const server = createServer((request, response) => {
      const found = request.url === "/v2/amber/manifests/ctx-1" || request.url === `/v2/amber/manifests/${digest}`;
      response.writeHead(found ? 200 : 404, found ? { "Docker-Content-Digest": digest } : {});
      response.end(found ? manifest : "{}");
    });
    await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await registryProblems(url, "amber", "ctx-1", digest, "sha256:config")).toEqual([]);
      const wrong = await registryProblems(url, "amber", "ctx-2", digest, "sha256:other");
      expect(wrong).toEqual([
        `GET ${url}/v2/amber/manifests/ctx-2: HTTP 404`,
        `GET ${url}/v2/amber/manifests/${digest}: config blob sha256:config is not the image id sha256:other`,
      ]);
    } finally {
      server.close();
    }
  });
});
