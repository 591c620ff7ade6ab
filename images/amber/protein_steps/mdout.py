"""Parse sander output logs (minimisation "minout" and dynamics "mdout") into per-step records.

Written for this project instead of Amber's process_minout.perl / process_mdout.perl, which the pip
AmberTools does not ship. Terms are normalised to the names the pipeline uses: ENERGY (minout),
TEMP, PRES, DENSITY, TIME, ... (mdout); every other `NAME = value` pair keeps its upper-cased name.
"""

from __future__ import annotations

import math
import re
from typing import Iterable

from .errors import StepError

Record = dict[str, float]

# `NAME = value` pairs; sander prints overflowing numbers as asterisks and may print NaN.
_PAIR = re.compile(r"([A-Za-z0-9][A-Za-z0-9()\-/ ]*?)\s*=\s*(\*+|[-+]?(?:NaN|nan|\d+\.?\d*(?:[Ee][-+]?\d+)?))")
_MIN_HEADER = re.compile(r"^\s*NSTEP\s+ENERGY\s+RMS\s+GMAX")
_MD_HEADER = re.compile(r"^\s*NSTEP\s*=")
_NAME_ALIASES = {"TEMP(K)": "TEMP", "PRESS": "PRES", "TIME(PS)": "TIME", "DENSITY": "DENSITY"}


def to_number(text: str) -> float:
    if text.startswith("*") or text.lower().lstrip("+-") == "nan":
        return math.nan
    return float(text)


def _pairs(line: str) -> Iterable[tuple[str, float]]:
    for name, value in _PAIR.findall(line):
        key = re.sub(r"\s+", " ", name.strip()).upper()
        yield _NAME_ALIASES.get(key, key), to_number(value)


def parse_minout(text: str) -> list[Record]:
    """One record per printed minimisation step: NSTEP, ENERGY, RMS, GMAX plus the energy terms."""
    records: dict[int, Record] = {}
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if not _MIN_HEADER.match(line) or index + 1 >= len(lines):
            continue
        fields = lines[index + 1].split()
        if len(fields) < 4:
            continue
        record: Record = {
            "NSTEP": to_number(fields[0]),
            "ENERGY": to_number(fields[1]),
            "RMS": to_number(fields[2]),
            "GMAX": to_number(fields[3]),
        }
        for follow in lines[index + 2 : index + 8]:
            if _MIN_HEADER.match(follow) or follow.startswith("---"):
                break
            record.update(_pairs(follow))
        # The FINAL RESULTS block repeats the last step: keep one record per step.
        records[int(record["NSTEP"])] = record
    return [records[step] for step in sorted(records)]


def parse_mdout(text: str) -> list[Record]:
    """One record per printed MD step, stopping before the averages/fluctuations summary."""
    records: list[Record] = []
    current: Record | None = None
    for line in text.splitlines():
        if "A V E R A G E S" in line or "R M S  F L U C T U A T I O N S" in line:
            break
        if _MD_HEADER.match(line):
            current = dict(_pairs(line))
            records.append(current)
        elif current is not None:
            if line.startswith(" ---") or not line.strip():
                if line.startswith(" ---") and len(current) > 1:
                    current = None
                continue
            current.update(_pairs(line))
    return records


def parse_log(kind: str, text: str) -> list[Record]:
    return parse_minout(text) if kind == "minout" else parse_mdout(text)


def series(records: list[Record], terms: list[str], source: str) -> dict[str, list[float]]:
    """Values of each term in step order; an absent term, no records or a NaN is a StepError."""
    if not records:
        raise StepError(f"no energy records found in {source}: is it a sander output log of this kind?")
    result: dict[str, list[float]] = {}
    for term in terms:
        name = term.upper()
        missing = [r for r in records if name not in r]
        if len(missing) == len(records):
            known = ", ".join(sorted(records[0]))
            raise StepError(f"term {term!r} is not in {source}; it has: {known}")
        values = [r.get(name, math.nan) for r in records]
        bad = next((i for i, v in enumerate(values) if not math.isfinite(v)), None)
        if bad is not None:
            step = records[bad].get("NSTEP", bad)
            raise StepError(
                f"NaN or overflowing {name} at step {step:g} in {source}: the simulation blew up; "
                "minimise longer, lower the time step or check the restraints"
            )
        result[name] = values
    return result


def step_axis(records: list[Record]) -> list[float]:
    return [r.get("TIME", r.get("NSTEP", float(i))) for i, r in enumerate(records)]
