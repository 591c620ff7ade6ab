"""Checks a local run's output directory: the done-criteria of the local runner.

Usage: python images/amber/tests/check_local_run.py DIR [--engine sander|openmm]
  (DIR = --out of `npm run pipeline:local`; --engine = the run's md_engine, default sander)
"""

import json
import sys
from pathlib import Path

MIN_TASKS = 15
MD_TASKS = ("min-vacuum-h", "min-vacuum-system", "min-solvated", "heat", "nvt", "npt", "free-md")
REPORT_PLOTS = 8


def engine_problems(out: Path, engine: str) -> list[str]:
    """Every MD task ran on `engine`: sander's mdin, or OpenMM's protocol (with the mdin it was read from)
    and a log naming the platform and the speed."""
    found = []
    for task in MD_TASKS:
        mdin, log = out / task / "output_mdin", out / task / "output_log"
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


def problems(out: Path) -> list[str]:
    summary_file = out / "summary.json"
    if not summary_file.is_file():
        return [f"{summary_file} is missing"]
    tasks = json.loads(summary_file.read_text())["tasks"]
    found = []
    if len(tasks) < MIN_TASKS:
        found.append(f"only {len(tasks)} tasks ran; expected at least {MIN_TASKS}")
    for task in tasks:
        if task["state"] not in ("SUCCEEDED", "CACHED"):
            found.append(f"task {task['name']} is {task['state']}: {task.get('error', '')}")
    rmsd = [p for p in out.glob("rmsd*/output_dat") if len(p.read_text().split("\n")) > 2]
    if not rmsd:
        found.append("no RMSD data with at least one frame (rmsd*/output_dat)")
    plots = [p for p in out.glob("*/output_html") if "<svg" in p.read_text()]
    if len(plots) < 2:
        found.append(f"expected HTML plots with an inline SVG, found {len(plots)}")
    for task in MD_TASKS:
        mdin = out / task / "output_mdin"
        if not mdin.is_file() or "&cntrl" not in mdin.read_text():
            found.append(f"{task}: no mdin artifact with a &cntrl namelist ({mdin})")
    report = out / "run-report" / "output_html"
    if not report.is_file() or report.read_text().count("<svg") != REPORT_PLOTS:
        found.append(f"{report}: expected the run report with {REPORT_PLOTS} plots")
    return found


def main() -> int:
    out = Path(sys.argv[1])
    engine = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--engine" else "sander"
    found = problems(out) + engine_problems(out, engine)
    for problem in found:
        print(f"check_local_run: {problem}", file=sys.stderr)
    if not found:
        tasks = json.loads((out / "summary.json").read_text())["tasks"]
        print(f"check_local_run: {len(tasks)} tasks succeeded on md_engine={engine}; RMSD data, HTML plots, "
              "every MD task's mdin and the run report present")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
