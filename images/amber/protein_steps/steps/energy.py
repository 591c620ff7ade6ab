"""energy-plot: terms of a sander log (minimisation or MD) as table, HTML plot and metrics."""

from __future__ import annotations

import argparse

from ..files import require_input
from ..mdout import parse_log, series, step_axis
from ..report import mean, publish


# sander's term names in words, with units (an unknown term keeps sander's name)
LABELS = {"ENERGY": "Potential energy (kcal/mol)", "EPTOT": "Potential energy (kcal/mol)",
          "ETOT": "Total energy (kcal/mol)", "EKTOT": "Kinetic energy (kcal/mol)", "TEMP": "Temperature (K)",
          "PRES": "Pressure (bar)", "DENSITY": "Density (g/cm³)", "VOLUME": "Volume (Å³)"}


def axis_label(term: str) -> str:
    return LABELS.get(term, term)


def energy_metrics(kind: str, columns: dict[str, list[float]]) -> dict[str, float]:
    """final_<term> after a minimisation, mean_<term> over an MD run (names lower-case)."""
    if kind == "minout":
        return {f"final_{name.lower()}": values[-1] for name, values in columns.items()}
    return {f"mean_{name.lower()}": mean(values) for name, values in columns.items()}


def energy_plot(args: argparse.Namespace) -> None:
    log = require_input(args.input_log, "--input-log")
    records = parse_log(args.log_kind, log.read_text(encoding="utf-8", errors="replace"))
    columns = series(records, args.terms, f"--input-log ({args.log_kind})")
    x_name = "NSTEP" if args.log_kind == "minout" else "TIME_PS"
    x = [r["NSTEP"] for r in records] if args.log_kind == "minout" else step_axis(records)
    x_label = "Minimisation step" if args.log_kind == "minout" else "Time (ps)"
    labels = {name: axis_label(name) for name in columns}
    publish(args, x_name, x, columns, energy_metrics(args.log_kind, columns), x_label, labels)
