"""The science table of docs/science.md from a local run's output directory (npm run bench:science).

Usage: python images/amber/science_table.py DIR   (DIR = --out of `npm run pipeline:local`)
Prints markdown: each quantity of the run beside the tutorial's (biobb_wf_amber_md_setup, 1AKI, read off
its published plots), then the wall time of every task. A stage that has not run is reported as such.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from protein_steps.mdout import parse_log  # noqa: E402

TUTORIAL = {
    "heat_final": "about 295 K",
    "nvt_temp": "292–301 K",
    "npt_density": "0.887 → 0.909 g/cm³",
    "npt_pressure": "about −1200 bar",
    "rmsd_first": "0 → 0.53 Å",
    "rmsd_experimental": "0.57–0.66 Å",
    "rgyr": "13.80 → 13.92 Å",
}
MD_STAGES = ("min-vacuum-h", "min-vacuum-system", "min-solvated", "heat", "nvt", "npt", "free-md")


def md_records(out: Path, task: str) -> list[dict] | None:
    log = out / task / "output_log"
    if not log.is_file():
        return None
    return [r for r in parse_log("mdout", log.read_text(errors="replace")) if r.get("NSTEP", 0) > 0]


def columns(path: Path) -> list[list[float]] | None:
    """The numeric columns of a data table (cpptraj or this pipeline's `#`-headed format)."""
    if not path.is_file():
        return None
    rows = [[float(v) for v in line.split()] for line in path.read_text().splitlines()
            if line.strip() and not line.lstrip().startswith("#")]
    return [list(column) for column in zip(*rows)] if rows else None


def span(values: list[float], unit: str, digits: int) -> str:
    return f"{min(values):.{digits}f}–{max(values):.{digits}f} {unit}"


def trend(values: list[float], unit: str, digits: int) -> str:
    return f"{values[0]:.{digits}f} → {values[-1]:.{digits}f} {unit} (range {span(values, unit, digits)})"


def rows(out: Path) -> list[tuple[str, str, str]]:
    table: list[tuple[str, str, str]] = []
    missing = "not run"
    heat = md_records(out, "heat")
    table.append(("temperature at the end of heating",
                  f"{heat[-1]['TEMP']:.1f} K" if heat else missing, TUTORIAL["heat_final"]))
    nvt = md_records(out, "nvt")
    table.append(("NVT temperature", span([r["TEMP"] for r in nvt], "K", 1) if nvt else missing,
                  TUTORIAL["nvt_temp"]))
    npt = md_records(out, "npt")
    table.append(("NPT density", trend([r["DENSITY"] for r in npt], "g/cm³", 3) if npt else missing,
                  TUTORIAL["npt_density"]))
    table.append(("NPT pressure",
                  f"mean {sum(r['PRES'] for r in npt) / len(npt):.0f} bar ({span([r['PRES'] for r in npt], 'bar', 0)})"
                  if npt else missing, TUTORIAL["npt_pressure"]))
    free = md_records(out, "free-md")
    table.append(("free MD temperature",
                  f"mean {sum(r['TEMP'] for r in free) / len(free):.1f} K ({span([r['TEMP'] for r in free], 'K', 1)})"
                  if free else missing, "not shown"))
    rmsd = columns(out / "rmsd" / "output_dat")  # time, vs first, vs experimental
    first = rmsd[1] if rmsd else (columns(out / "rmsd-first" / "output_dat") or [None, None])[1]
    experimental = rmsd[2] if rmsd else (columns(out / "rmsd-experimental" / "output_dat") or [None, None])[1]
    table.append(("RMSD vs first frame (backbone)", trend(first, "Å", 2) if first else missing,
                  TUTORIAL["rmsd_first"]))
    table.append(("RMSD vs experimental structure (backbone)",
                  span(experimental, "Å", 2) if experimental else missing, TUTORIAL["rmsd_experimental"]))
    rgyr = columns(out / "rgyr" / "output_dat")
    table.append(("radius of gyration (backbone)", trend(rgyr[1], "Å", 2) if rgyr else missing, TUTORIAL["rgyr"]))
    return table


_PROGRESS = re.compile(r"^\[\s*\d+/\d+\] (\w+)\s+(\S+) \(([\d.]+) s\)")


def wall_times(out: Path) -> list[tuple[str, str, float]]:
    """From summary.json, or, for a run that was stopped, from the runner's progress lines (runner.log)."""
    summary = out / "summary.json"
    if summary.is_file():
        return [(t["name"], t["state"], t["seconds"]) for t in json.loads(summary.read_text())["tasks"]]
    log = out / "runner.log"
    if not log.is_file():
        return []
    times = [(m.group(2), m.group(1), float(m.group(3)))
             for m in map(_PROGRESS.match, log.read_text().splitlines()) if m]
    done = {name for name, _, _ in times}
    unfinished = sorted(p.name for p in out.iterdir() if p.is_dir() and p.name not in done)
    return times + [(name, "UNFINISHED", float("nan")) for name in unfinished]


def main() -> int:
    out = Path(sys.argv[1])
    print("| quantity | this run | tutorial |\n|---|---|---|")
    for quantity, ours, theirs in rows(out):
        print(f"| {quantity} | {ours} | {theirs} |")
    times = wall_times(out)
    if times:
        print("\n| task | state | wall time (s) |\n|---|---|---|")
        for name, state, seconds in times:
            shown = "—" if math.isnan(seconds) else f"{seconds:.1f}"
            print(f"| {name}{' (sander)' if name in MD_STAGES else ''} | {state} | {shown} |")
        finished = [(name, seconds) for name, _, seconds in times if not math.isnan(seconds)]
        md = sum(seconds for name, seconds in finished if name in MD_STAGES)
        total = sum(seconds for _, seconds in finished)
        print(f"\nfinished sander stages: {md / 60:.1f} min of {total / 60:.1f} task-minutes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
