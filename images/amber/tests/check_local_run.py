"""Checks a local run's output directory: the done-criteria of the local runner, and for a tiny run of
1AKI the run report's content (header fields, verdict rows against the tutorial, the plumbing banner,
the free-MD plot, axis labels and metrics in words with units).

Usage: python images/amber/tests/check_local_run.py DIR [--engine sander|openmm]
  (DIR = --out of `npm run pipeline:local`; --engine = the run's md_engine, default sander)
"""

import json
import re
import sys
from pathlib import Path

MIN_TASKS = 15
MD_TASKS = ("min-vacuum-h", "min-vacuum-system", "min-solvated", "heat", "nvt", "npt", "free-md")
REPORT_PLOTS = 9
REPORT = Path("run-report") / "plot.html"
VIEWER = Path("run-report") / "molecule.html"
# The run report of a tiny 1AKI run: what it must say (pattern → what is missing when it does not match).
TINY_1AKI_REPORT = {
    r"<th>Protein</th><td>1AKI: The structure of the orthorhombic form of hen egg-white lysozyme": "protein and title",
    r"<th>System</th><td>[\d,]+ atoms, [\d,]+ waters, \d+ Cl-, \d+ Na\+ \(salt ≈ 1[45]\d mM\); truncated octahedron":
        "system line",
    r"<th>Preset</th><td>tiny</td>": "preset",
    r"<th>Seed</th><td>71277 ": "seed",
    r"Report written</th><td><span class=\"volatile\">\d{4}-\d\d-\d\d": "date",
    r"<td>Free MD</td><td>0\.4 ps</td><td>[\d.]+ K</td><td>300 K</td><td class=\"volatile\">\d+ s</td>": "stage times",
    r"A plumbing check": "tiny banner",
    r"NPT mean density</td><td>0\.\d{3} g/cm³</td><td>0\.887–0\.909 g/cm³": "tutorial density band",
    r"mean radius of gyration \(backbone\)</td><td>\d+\.\d\d Å</td>": "Rgyr verdict",
    r"Free MD: mean temperature</td><td>[\d.]+ K</td><td>300 K ± 3%</td><td class=\"(inside|outside)\">": "free MD check",
    r"<h2>Free MD: potential energy and temperature</h2>": "free-MD plot",
    r"Temperature \(K\)": "axis label in words",
    r"<td>-?\d+\.\d K</td>": "a metric with its unit",
}


def report_problems(page: str, engine: str) -> list[str]:
    expected = {**TINY_1AKI_REPORT, rf"<th>Engine and platform</th><td>{'OpenMM' if engine == 'openmm' else 'sander'}": "engine"}
    # The 3D view (its inlined library and coordinates) is judged in Chromium (test/viewer), not as text.
    page = re.sub(r"<h2>The molecule in 3D</h2>.*?<h2>Plots</h2>", "<h2>Plots</h2>", page, flags=re.S)
    found = [f"run report: no {what} ({pattern})" for pattern, what in expected.items() if not re.search(pattern, page)]
    if "TEMP (K)" in page or re.search(r"\d\.\d{7,}", page):
        found.append("run report: sander term names as labels or unrounded metrics")
    return found


def engine_problems(out: Path, engine: str) -> list[str]:
    """Every MD task ran on `engine`: sander's mdin, or OpenMM's protocol (with the mdin it was read from)
    and a log naming the platform and the speed."""
    found = []
    for task in MD_TASKS:
        mdin, log = out / task / "sander.mdin", out / task / "mdout.log"
        if not mdin.is_file() or not log.is_file():
            continue  # reported by problems()
        protocol = mdin.read_text().startswith("# OpenMM protocol")
        if protocol != (engine == "openmm"):
            found.append(f"{task}: its mdin artifact is {'an OpenMM protocol' if protocol else 'a sander mdin'}, "
                         f"but the run's md_engine is {engine}")
        if engine == "openmm" and not all(word in log.read_text() for word in ("platform = ", "OpenMM")):
            found.append(f"{task}: the OpenMM log names no platform ({log})")
        if engine == "openmm" and not task.startswith("min-") and "ns/day" not in log.read_text():
            found.append(f"{task}: the OpenMM log gives no ns/day ({log})")
    return found


def problems(out: Path, engine: str) -> list[str]:
    summary_file = out / "summary.json"
    if not summary_file.is_file():
        return [f"{summary_file} is missing"]
    summary = json.loads(summary_file.read_text())
    tasks = summary["tasks"]
    found = []
    if len(tasks) < MIN_TASKS:
        found.append(f"only {len(tasks)} tasks ran; expected at least {MIN_TASKS}")
    for task in tasks:
        if task["state"] not in ("SUCCEEDED", "CACHED"):
            found.append(f"task {task['name']} is {task['state']}: {task.get('error', '')}")
    rmsd = [p for p in out.glob("rmsd*/data.dat") if len(p.read_text().split("\n")) > 2]
    if not rmsd:
        found.append("no RMSD data with at least one frame (rmsd*/data.dat)")
    plots = [p for p in out.glob("*/plot.html") if "<svg" in p.read_text()]
    if len(plots) < 2:
        found.append(f"expected HTML plots with an inline SVG, found {len(plots)}")
    for task in MD_TASKS:
        mdin = out / task / "sander.mdin"
        if not mdin.is_file() or "&cntrl" not in mdin.read_text():
            found.append(f"{task}: no mdin artifact with a &cntrl namelist ({mdin})")
    report = out / REPORT
    if not report.is_file() or report.read_text().count("<svg") != REPORT_PLOTS:
        found.append(f"{report}: expected the run report with {REPORT_PLOTS} plots")
    elif summary["parameters"].get("pdb_code") == "1aki" and summary["parameters"].get("free_steps") == 200:
        found += report_problems(report.read_text(), engine)
    viewer = out / VIEWER
    for page in (report, viewer):
        if page.is_file() and page.read_text().count('id="molecule-view"') != 1:
            found.append(f"{page}: no 3D view of the molecule")
    if not viewer.is_file():
        found.append(f"{viewer}: the 3D view's own page is missing")
    index = out / "index.html"
    if not index.is_file() or f'href="{REPORT}"' not in index.read_text():
        found.append(f"{index}: no index page linking the run report")
    return found


def main() -> int:
    out = Path(sys.argv[1])
    engine = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--engine" else "sander"
    found = problems(out, engine) + engine_problems(out, engine)
    for problem in found:
        print(f"check_local_run: {problem}", file=sys.stderr)
    if not found:
        tasks = json.loads((out / "summary.json").read_text())["tasks"]
        print(f"check_local_run: {len(tasks)} tasks succeeded on md_engine={engine}; RMSD data, HTML plots, "
              "every MD task's mdin, the run report (its header, verdict and banner for a tiny 1AKI run), "
              "the 3D view and index.html present")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
