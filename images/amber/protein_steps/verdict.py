"""What the run report judges: facts read from the run's own outputs (sander logs, the system's
topology, the analysis metrics), the reference bands shipped in data/reference-bands.json, the physical
checks that hold for any solvated protein, and the reasons a stage's temperature is off its target."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import StepError
from .mdin import WATER_RESIDUE, parse_cntrl
from .mdout import parse_mdout
from .progress import fixed_fields, prmtop_sections

BANDS_FILE = Path(__file__).parent / "data" / "reference-bands.json"
MD_STAGES = {"heat": "Heating", "nvt": "NVT equilibration", "npt": "NPT equilibration", "free": "Free MD"}
TEMPERATURE_TOLERANCE = 0.03  # NVT, NPT and free MD: mean within ±3 % of the target
OFF_TARGET = 0.05  # a stage whose mean temperature is further off than this is flagged with its reason
EQUILIBRATED_DENSITY = 0.95  # g/cm³: a water-dominated box below this has not yet equilibrated
WATER_MOLARITY = 55.0  # mol/L, the figure biobb's leap_add_ions uses for the salt (n = waters / 55 × c)
BOX_TYPES = {1: "rectangular", 2: "truncated octahedron"}


@dataclass(frozen=True)
class Stage:
    name: str
    records: int
    mean_temperature: float
    final_temperature: float
    mean_density: float | None
    wall_seconds: float | None
    ns_per_day: float | None
    picoseconds: float
    cntrl: dict[str, str]

    @property
    def label(self) -> str:
        return MD_STAGES.get(self.name, self.name)


def stage_facts(name: str, log_text: str) -> Stage:
    records = parse_mdout(log_text)
    if not records:
        raise StepError(f"--{name}-log has no MD energy records: is it the sander log of the {name} stage?")
    temperatures = [r.get("TEMP", math.nan) for r in records]
    densities = [r["DENSITY"] for r in records if "DENSITY" in r]
    ns_per_day = re.findall(r"ns/day\s*=\s*([\d.]+)", log_text)
    wall = re.findall(r"Total wall time:\s*([\d.]+)", log_text) or re.findall(r"Total time\s+([\d.]+)", log_text)
    cntrl = parse_cntrl(log_text)
    steps = float(cntrl.get("nstlim", "0") or 0)
    dt = float(cntrl.get("dt", "0.001") or 0.001)
    return Stage(name, len(records), sum(temperatures) / len(temperatures), temperatures[-1],
                 sum(densities) / len(densities) if densities else None,
                 float(wall[-1]) if wall else None, float(ns_per_day[-1]) if ns_per_day else None,
                 steps * dt, cntrl)


def off_target_reason(cntrl: dict[str, str]) -> str:
    """Why sander holds this stage off its target temperature, from the mdin it ran (sander's defaults
    where a setting is absent: irest 0, tempi 0, gamma_ln 0, ntt 0)."""
    def number(name: str, default: float) -> float:
        try:
            return float(cntrl.get(name, default))
        except ValueError:
            return default

    reasons = []
    if number("irest", 0) == 0 and number("tempi", 0) == 0:
        reasons.append("velocities start again from 0 K (irest = 0, tempi = 0: the previous stage's are dropped)")
    if number("ntt", 0) == 0:
        reasons.append("no thermostat (ntt = 0)")
    elif number("ntt", 0) == 3 and number("gamma_ln", 0) == 0:
        reasons.append("the Langevin thermostat is not coupled (ntt = 3 with gamma_ln = 0)")
    return "; ".join(reasons) or "too short to reach the target (no thermostat setting explains it)"


@dataclass(frozen=True)
class System:
    atoms: int
    waters: int
    ions: dict[str, int]
    salt_mM: float
    box_type: str
    box: tuple[float, ...]

    def text(self) -> str:
        ions = ", ".join(f"{count} {name}" for name, count in sorted(self.ions.items())) or "no ions"
        a, b, c, angle = self.box
        return (f"{self.atoms:,} atoms, {self.waters:,} waters, {ions} (salt ≈ {self.salt_mM:.0f} mM); "
                f"{self.box_type} box {a:.1f} × {b:.1f} × {c:.1f} Å, angle {angle:.2f}°")


def system_facts(prmtop_text: str) -> System:
    sections = prmtop_sections(prmtop_text)
    pointers = [int(value) for value in fixed_fields(sections.get("POINTERS", []), 8) if value]
    labels = [label.strip() for label in fixed_fields(sections.get("RESIDUE_LABEL", []), 4)]
    box = [float(value) for value in fixed_fields(sections.get("BOX_DIMENSIONS", []), 16) if value]
    if len(pointers) < 28 or len(box) != 4:
        raise StepError("--input-top is not the solvated system's Amber topology (no POINTERS or box)")
    ions: dict[str, int] = {}
    for label in labels:
        if re.fullmatch(r"[A-Z][a-z]?[0-9]?[+-]", label):
            ions[label] = ions.get(label, 0) + 1
    waters = labels.count(WATER_RESIDUE)
    positive = sum(count for name, count in ions.items() if name.endswith("+"))
    negative = sum(count for name, count in ions.items() if name.endswith("-"))
    pairs = min(positive, negative)
    salt = pairs / (waters / WATER_MOLARITY) * 1000.0 if waters else 0.0
    return System(pointers[0], waters, ions, salt, BOX_TYPES.get(pointers[27], "no"),
                  (box[1], box[2], box[3], box[0]))


FACTS = ("heat.final_temperature", "nvt.mean_temperature", "npt.mean_density", "rmsd.max_rmsd_first",
         "rmsd.mean_rmsd_experimental", "rgyr.mean_rgyr")
_BAND_FIELDS = {"quantity": str, "fact": str, "unit": str, "low": (int, float), "high": (int, float), "tutorial": str}


@dataclass(frozen=True)
class Band:
    quantity: str
    fact: str
    unit: str
    low: float
    high: float
    tutorial: str


def load_bands(path: Path = BANDS_FILE) -> dict[str, dict]:
    """The reference bands by PDB code ({"protocol", "provenance", "bands": [Band]}); a malformed file is a
    StepError naming the file and the entry."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise StepError(f"reference bands {path}: cannot be read as JSON ({error})") from None
    systems = data.get("systems") if isinstance(data, dict) else None
    if not isinstance(systems, dict):
        raise StepError(f"reference bands {path}: needs an object \"systems\" keyed by PDB code")
    result = {}
    for code, entry in systems.items():
        where = f"reference bands {path}, systems.{code}"
        if not isinstance(entry, dict) or not isinstance(entry.get("bands"), list) or not entry.get("provenance"):
            raise StepError(f"{where}: needs \"provenance\" (where the numbers come from) and a list \"bands\"")
        bands = []
        for index, band in enumerate(entry["bands"]):
            problems = [name for name, kind in _BAND_FIELDS.items()
                        if not isinstance(band, dict) or not isinstance(band.get(name), kind)]
            if problems:
                raise StepError(f"{where}.bands[{index}]: missing or mistyped {', '.join(problems)}")
            if band["fact"] not in FACTS:
                raise StepError(f"{where}.bands[{index}]: fact {band['fact']!r} is not one of {', '.join(FACTS)}")
            if band["low"] > band["high"]:
                raise StepError(f"{where}.bands[{index}]: low {band['low']} is above high {band['high']}")
            bands.append(Band(**{name: band[name] for name in _BAND_FIELDS}))
        result[code.lower()] = {"protocol": entry.get("protocol", ""), "provenance": entry["provenance"],
                                "bands": bands}
    return result


@dataclass(frozen=True)
class Row:
    check: str
    value: str
    expected: str
    inside: bool
    note: str = ""


def fact_values(stages: dict[str, Stage], metrics: dict[str, dict[str, float]]) -> dict[str, float | None]:
    values: dict[str, float | None] = {
        "heat.final_temperature": stages["heat"].final_temperature if "heat" in stages else None,
        "nvt.mean_temperature": stages["nvt"].mean_temperature if "nvt" in stages else None,
        "npt.mean_density": stages["npt"].mean_density if "npt" in stages else None,
    }
    for group, numbers in metrics.items():
        for name, value in numbers.items():
            values[f"{group}.{name}"] = value
    return values


def band_rows(bands: list[Band], values: dict[str, float | None]) -> list[Row]:
    rows = []
    for band in bands:
        value = values.get(band.fact)
        if value is None:
            rows.append(Row(band.quantity, "not measured", band.tutorial, False, f"this run has no {band.fact}"))
            continue
        rows.append(Row(band.quantity, f"{value:.{digits(band.unit)}f} {band.unit}",
                        f"{band.low:g}–{band.high:g} {band.unit} (tutorial: {band.tutorial})",
                        is_inside(band, value)))
    return rows


def physical_rows(stages: dict[str, Stage], target: float) -> list[Row]:
    """Checks that hold for any solvated protein, whatever the reference."""
    rows = []
    for name in ("nvt", "npt", "free"):
        stage = stages.get(name)
        if stage is None:
            continue
        off = abs(stage.mean_temperature - target) / target if target else 0.0
        note = f"off target by {off:.0%}: {off_target_reason(stage.cntrl)}" if off > OFF_TARGET else ""
        rows.append(Row(f"{stage.label}: mean temperature", f"{stage.mean_temperature:.1f} K",
                        f"{target:g} K ± {TEMPERATURE_TOLERANCE:.0%}", off <= TEMPERATURE_TOLERANCE, note))
    npt = stages.get("npt")
    if npt is not None and npt.mean_density is not None:
        equilibrated = npt.mean_density >= EQUILIBRATED_DENSITY
        rows.append(Row("NPT equilibration: mean density", f"{npt.mean_density:.3f} g/cm³",
                        f"≥ {EQUILIBRATED_DENSITY} g/cm³ (a water box near 1 g/cm³)", equilibrated,
                        "" if equilibrated else "not yet equilibrated: the box is still shrinking"))
    finite = all(math.isfinite(value) for stage in stages.values()
                 for value in (stage.mean_temperature, stage.final_temperature))
    rows.append(Row("energies and temperatures are numbers", "no NaN" if finite else "NaN found",
                    "no NaN in any MD stage", finite))
    return rows


def digits(unit: str) -> int:
    """Decimals a quantity in this unit is shown and judged with."""
    return {"K": 1, "g/cm³": 3, "Å": 2}.get(unit, 2)


def is_inside(band: Band, value: float) -> bool:
    """Judged at the precision it is shown with, so a shown 13.80 Å is inside 13.80–13.92 Å."""
    return band.low <= round(value, digits(band.unit)) <= band.high


if __name__ == "__main__":  # `python -m protein_steps.verdict`: the local runner checks the bands before any step
    import sys

    try:
        load_bands()
    except StepError as error:
        sys.exit(str(error))
