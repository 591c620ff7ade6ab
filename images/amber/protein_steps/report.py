"""Publish an analysis result the same way for every plotting step: data table, HTML plot, metrics."""

from __future__ import annotations

import argparse
import math
from typing import Sequence

from .errors import StepError
from .files import write_text
from .kfp_io import write_metrics
from .plots import data_table, html_page, line_chart_svg


def publish(
    args: argparse.Namespace,
    x_name: str,
    x: Sequence[float],
    columns: dict[str, Sequence[float]],
    metrics: dict[str, float],
    x_label: str | None = None,
    y_labels: dict[str, str] | None = None,
    overlay: str | None = None,
) -> None:
    """`overlay`: draw every column on one axes with this y label (legend from y_labels)."""
    for name, values in columns.items():
        if not values:
            raise StepError(f"no {name} values to plot: the input holds no frames or steps")
        if not all(math.isfinite(v) for v in values):
            raise StepError(f"{name} contains NaN or infinite values: the upstream simulation blew up")
    write_text(args.output_dat, data_table(x_name, x, columns))
    svg = line_chart_svg(x, columns, x_label or x_name, args.title, y_labels, overlay)
    write_text(args.output_html, html_page(args.title, svg, metrics))
    write_metrics(args.executor_input, {name: tidy(value) for name, value in metrics.items()}, args.output_metrics)


def tidy(value: float) -> float:
    """A metric as KFP's UI and metrics.json show it: 6 significant digits (more than any input log or cpptraj
    table carries; no 0.36985999999999997), and never -0.0."""
    return float(f"{value:.6g}") + 0.0


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)
