"""md-bench: the same NVT stage on serial sander and on OpenMM's CPU platform (1 thread, then every CPU).

Usage: python images/amber/bench_md.py [--steps N] [--work DIR]   (npm run bench:md runs it in the venv)
Builds the solvated 1AKI system as the pipeline does (tutorial box, water and ions; short minimisations and
a short heating with sander to get velocities), then runs one NVT stage (2 fs, PME, the tutorial's cutoff
and restraints) through `protein-step sander-mdrun` with each engine and prints one line:
  md-bench: atoms=… steps=… sander=<ns/day> openmm_cpu_1=<ns/day> openmm_cpu_<n>=<ns/day> ratio=<best/sander>
ns/day is each engine's own figure from its log (the MD loop, without start-up). A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

AMBER_DIR = Path(__file__).resolve().parent
DATA = AMBER_DIR / "tests" / "data"
BOX = ["--forcefield", "protein.ff14SB", "--water-model", "TIP3PBOX", "--box-type", "truncated_octahedron",
       "--box-distance", "9.0"]
IONS = ["--positive-ion", "Na+", "--negative-ion", "Cl-"]
SPEED = {"sander": re.compile(r"ns/day\s*=\s*([0-9.]+)"), "openmm": re.compile(r"([0-9.]+) ns/day")}


def step(*argv: str, cpus: list[int] | None = None) -> None:
    command = [sys.executable, "-m", "protein_steps", *argv]
    if cpus is not None:  # the CPUs the step may use, as a container's CPU set would give it
        command = ["taskset", "--cpu-list", ",".join(map(str, cpus)), *command]
    result = subprocess.run(command, cwd=AMBER_DIR, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"md-bench: protein-step {argv[0]} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")


def md(out: Path, kind: str, steps: int, top: Path, crd: Path, engine: str = "sander",
       cpus: list[int] | None = None) -> Path:
    weight = {"minimization": "50", "heat": "10", "nvt": "5"}[kind]
    mask = "{solute} & !@H=" if kind == "nvt" else "{solute}"  # the tutorial's restraints
    step("sander-mdrun", "--engine", engine, "--platform", "cpu", "--simulation-type", kind, "--steps", str(steps),
         "--restraint-mask", mask, "--restraint-weight", weight, "--temperature", "300", "--traj-interval", "0",
         "--seed", "71277", "--free-md-protocol", "tutorial", "--water-model", "TIP3PBOX", *IONS,
         "--input-top", str(top), "--input-crd", str(crd), "--output-mdin", str(out / "mdin"),
         "--output-rst", str(out / "rst"), "--output-traj", str(out / "traj"), "--output-log", str(out / "log"),
         cpus=cpus)
    return out


def speed(log: Path, engine: str) -> float:
    match = SPEED[engine].search(log.read_text(errors="replace"))
    if not match:
        sys.exit(f"md-bench: no ns/day in {log}")
    return float(match.group(1))


def build(work: Path) -> tuple[Path, Path]:
    """The solvated 1AKI topology and a heated restart (with velocities) to start NVT from."""
    step("fetch-pdb", "--pdb-code", "1aki", "--source", str(DATA), "--output-pdb", str(work / "fetch/pdb"))
    step("pdb4amber", "--input-pdb", str(work / "fetch/pdb"), "--output-pdb", str(work / "p4a/pdb"))
    step("leap-gen-top", "--forcefield", "protein.ff14SB", "--input-pdb", str(work / "p4a/pdb"),
         "--output-top", str(work / "vac/top"), "--output-crd", str(work / "vac/crd"),
         "--output-pdb", str(work / "vac/pdb"))
    step("amber-to-pdb", "--input-top", str(work / "vac/top"), "--input-crd", str(work / "vac/crd"),
         "--output-pdb", str(work / "a2p/pdb"))
    step("leap-solvate", *BOX, "--input-pdb", str(work / "a2p/pdb"), "--output-top", str(work / "solv/top"),
         "--output-crd", str(work / "solv/crd"), "--output-pdb", str(work / "solv/pdb"))
    step("leap-add-ions", *BOX, "--ionic-concentration", "150", *IONS, "--seed", "71277",
         "--input-pdb", str(work / "solv/pdb"),
         "--output-top", str(work / "ions/top"), "--output-crd", str(work / "ions/crd"),
         "--output-pdb", str(work / "ions/pdb"))
    top = work / "ions/top"
    minimised = md(work / "min", "minimization", 200, top, work / "ions/crd", engine="openmm")
    heated = md(work / "heat", "heat", 50, top, minimised / "rst", engine="openmm")
    return top, heated / "rst"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="npm run bench:md --", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000, help="NVT steps of each engine (default 1000)")
    parser.add_argument("--work", help="working directory (default: a new temporary one)")
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="md-bench-"))
    cpus = sorted(os.sched_getaffinity(0))
    print(f"md-bench: building the solvated 1AKI system in {work}", flush=True)
    top, start = build(work)
    atoms = int(re.search(r"atoms = (\d+)", (work / "min/mdin").read_text()).group(1))
    results = {"sander": speed(md(work / "sander", "nvt", args.steps, top, start, "sander", cpus[:1]) / "log", "sander")}
    print(f"md-bench: sander done ({results['sander']} ns/day)", flush=True)
    for count in sorted({1, len(cpus)}):
        out = md(work / f"openmm{count}", "nvt", args.steps, top, start, "openmm", cpus[:count])
        results[f"openmm_cpu_{count}"] = speed(out / "log", "openmm")
        print(f"md-bench: OpenMM CPU on {count} thread(s) done ({results[f'openmm_cpu_{count}']} ns/day)", flush=True)
    ratio = max(v for k, v in results.items() if k != "sander") / results["sander"]
    figures = " ".join(f"{name}={value:.2f}" for name, value in results.items())
    print(f"md-bench: atoms={atoms} steps={args.steps} {figures} ratio={ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
