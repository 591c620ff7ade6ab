"""The science table of docs/science.md from one or more local runs of the tutorial preset on 1AKI, one run
a seed (npm run bench:science).

Usage: python images/amber/science_table.py [--docs FILE] [--command TEXT] DIR…   (each DIR = --out of
`npm run pipeline:local`)
Prints markdown: for each quantity of the reference bands (protein_steps/data/reference-bands.json, the
tutorial's values read off its published plots) the band and, per MD engine (read from each run's heating
log), the mean and range across that engine's runs and whether the mean and each run lie inside the band
(computed, as the run report computes them); then quantities without a band; then the wall time of every
task of each run. With --docs the table replaces the generated block of
that markdown file, headed by the date, commit, machine and command.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from protein_steps.errors import StepError  # noqa: E402
from protein_steps.mdout import parse_log  # noqa: E402
from protein_steps.verdict import digits, fact_values, is_inside, load_bands, stage_facts  # noqa: E402

ENGINES = ("sander", "openmm")
MD_STAGES = ("min-vacuum-h", "min-vacuum-system", "min-solvated", "heat", "nvt", "npt", "free-md")
STAGE_TASKS = {"heat": "heat", "nvt": "nvt", "npt": "npt", "free": "free-md"}
LOG, METRICS = "mdout.log", "metrics.json"
BEGIN, END = "<!-- bench:science begin -->", "<!-- bench:science end -->"


def run_values(out: Path) -> dict[str, float | None]:
    """The banded facts of one run plus NPT pressure and free-MD temperature (None where a stage did not run)."""
    stages = {}
    for stage, task in STAGE_TASKS.items():
        log = out / task / LOG
        if log.is_file():
            try:
                stages[stage] = stage_facts(stage, log.read_text(errors="replace"))
            except StepError:
                pass
    metrics = {}
    for group in ("rmsd", "rgyr"):
        path = out / group / METRICS
        metrics[group] = json.loads(path.read_text()) if path.is_file() else {}
    values = fact_values(stages, metrics)
    npt_log = out / "npt" / LOG
    pressures = [r["PRES"] for r in parse_log("mdout", npt_log.read_text(errors="replace")) if "PRES" in r] \
        if npt_log.is_file() else []
    values["npt.mean_pressure"] = sum(pressures) / len(pressures) if pressures else None
    values["free.mean_temperature"] = stages["free"].mean_temperature if "free" in stages else None
    return values


def engine_of(out: Path) -> str:
    """The MD engine a run used, read from its heating log (an OpenMM stage's log names it in its header)."""
    log = out / "heat" / LOG
    return "openmm" if log.is_file() and "md_engine=openmm" in log.read_text(errors="replace")[:2000] else "sander"


def by_engine(runs: list[Path]) -> dict[str, list[Path]]:
    groups: dict[str, list[Path]] = {}
    for out in runs:
        groups.setdefault(engine_of(out), []).append(out)
    return dict(sorted(groups.items(), key=lambda item: ENGINES.index(item[0])))


def spread(values: list[float], digits: int, unit: str) -> str:
    """`mean (min–max) unit` across runs."""
    mean = sum(values) / len(values)
    return f"{mean:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f}) {unit}"


UNBANDED = (("NPT mean pressure", "npt.mean_pressure", "bar", 0, "about −1200 bar"),
            ("free MD mean temperature", "free.mean_temperature", "K", 1, "not shown"))


def table(runs: list[Path]) -> str:
    """One row per quantity; per engine, the mean and range over its runs and, for banded quantities,
    whether the mean and how many runs lie inside the tutorial's band."""
    groups = by_engine(runs)
    values = {engine: [run_values(out) for out in outs] for engine, outs in groups.items()}
    lines = ["Runs: " + "; ".join(f"{engine} {len(outs)} ({', '.join(out.name for out in outs)})"
                                  for engine, outs in groups.items()) + ".", "",
             "| quantity | tutorial | " + " | ".join(f"{engine}: mean (range) | {engine}: inside?" for engine in groups)
             + " |", "|---|---|" + "---|---|" * len(groups)]
    for band in load_bands()["1aki"]["bands"]:
        cells = []
        for per_run in values.values():
            found = [v[band.fact] for v in per_run if v.get(band.fact) is not None]
            if not found:
                cells += ["not run", ""]
                continue
            inside = "inside" if is_inside(band, sum(found) / len(found)) else "outside"
            count = sum(is_inside(band, value) for value in found)
            cells += [spread(found, digits(band.unit), band.unit), f"{inside} (runs: {count} of {len(found)})"]
        lines.append(f"| {band.quantity} | {band.low:g}–{band.high:g} {band.unit} ({band.tutorial}) | "
                     + " | ".join(cells) + " |")
    for quantity, fact, unit, places, tutorial in UNBANDED:
        cells = []
        for per_run in values.values():
            found = [v[fact] for v in per_run if v.get(fact) is not None]
            cells += [spread(found, places, unit) if found else "not run", "(no band)"]
        lines.append(f"| {quantity} | {tutorial} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


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


def times_table(runs: list[Path]) -> str:
    """Wall time of every task, one column a run (engine/seed); the MD stages' sum last."""
    columns = [(f"{engine} {out.name}", {name: (state, seconds) for name, state, seconds in wall_times(out)})
               for engine, outs in by_engine(runs).items() for out in outs]
    columns = [(label, times) for label, times in columns if times]
    if not columns:
        return ""
    tasks = list(dict.fromkeys(name for _, times in columns for name in times))
    lines = ["Wall time per task (s):", "", "| task | " + " | ".join(label for label, _ in columns) + " |",
             "|---|" + "---|" * len(columns)]

    def shown(state: str, seconds: float) -> str:
        return "—" if math.isnan(seconds) else f"{seconds:.1f}" + ("" if state == "SUCCEEDED" else f" ({state})")

    for task in tasks:
        cells = [shown(*times[task]) if task in times else "" for _, times in columns]
        lines.append(f"| {task}{' (MD)' if task in MD_STAGES else ''} | " + " | ".join(cells) + " |")
    totals = [sum(s for name, (_, s) in times.items() if name in MD_STAGES and not math.isnan(s)) / 60
              for _, times in columns]
    lines.append("| MD stages, minutes | " + " | ".join(f"{total:.1f}" for total in totals) + " |")
    return "\n".join(lines) + "\n"


def provenance(command: str) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            check=False).stdout.strip() or "unknown"
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    return f"Generated {date} by `{command}` at commit `{commit}` on {machine}.\n"


def replace_block(document: str, block: str) -> str:
    if BEGIN not in document or END not in document:
        raise SystemExit(f"science_table: the document has no {BEGIN} … {END} block to regenerate")
    head, rest = document.split(BEGIN, 1)
    return f"{head}{BEGIN}\n{block}{END}{rest.split(END, 1)[1]}"


def main(argv: list[str]) -> int:
    docs = command = None
    if "--docs" in argv:
        docs = Path(argv.pop(argv.index("--docs") + 1))
        argv.remove("--docs")
    if "--command" in argv:
        command = argv.pop(argv.index("--command") + 1)
        argv.remove("--command")
    runs = [Path(arg) for arg in argv]
    if not runs:
        print(__doc__, file=sys.stderr)
        return 2
    block = table(runs) + "\n" + times_table(runs)
    if docs:
        block = provenance(command or "python images/amber/science_table.py") + "\n" + block
        docs.write_text(replace_block(docs.read_text(), block))
    print(block, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
