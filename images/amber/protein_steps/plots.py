"""Self-contained HTML plots: matplotlib renders SVG that is inlined, so nothing loads from a network
(the KFP UI shows HTML artifacts in a sandboxed iframe, often without internet)."""

from __future__ import annotations

import html
import io
from typing import Sequence


def line_chart_svg(
    x: Sequence[float],
    series: dict[str, Sequence[float]],
    x_label: str,
    title: str,
    y_labels: dict[str, str] | None = None,
    overlay: str | None = None,
) -> str:
    """One axes per series, or with `overlay` (its y label) every series on one axes with a legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = y_labels or {}
    rows = 1 if overlay else len(series)
    figure, axes_list = plt.subplots(rows, 1, figsize=(8, 2.8 * rows + (0.8 if overlay else 0)), squeeze=False)
    try:
        if overlay:
            axes = axes_list[0][0]
            for name, values in series.items():
                axes.plot(list(x), list(values), linewidth=1.2, marker="o", markersize=3, label=labels.get(name, name))
            axes.set_ylabel(overlay)
            axes.legend()
            axes.grid(alpha=0.3)
        else:
            for axes, (name, values) in zip((row[0] for row in axes_list), series.items()):
                axes.plot(list(x), list(values), linewidth=1.2)
                axes.set_ylabel(labels.get(name, name))
                axes.grid(alpha=0.3)
        axes_list[-1][0].set_xlabel(x_label)
        figure.tight_layout()  # no suptitle: the page's <h1> is the plot's one heading
        buffer = io.StringIO()
        # A fixed id salt and no date: the same data gives the same SVG, run after run.
        with matplotlib.rc_context({"svg.hashsalt": "protein-steps"}):
            figure.savefig(buffer, format="svg", metadata={"Date": None})
    finally:
        plt.close(figure)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]  # drop the XML prolog and DOCTYPE: the SVG is inlined in HTML


# Metric name endings → (unit, decimals): a value is shown as the quantity's precision allows.
METRIC_FORMATS = (("energy", "kcal/mol", 1), ("eptot", "kcal/mol", 1), ("etot", "kcal/mol", 1),
                  ("temp", "K", 1), ("pres", "bar", 0), ("density", "g/cm³", 3), ("volume", "Å³", 0),
                  ("rmsd_first", "Å", 2), ("rmsd_experimental", "Å", 2), ("rgyr", "Å", 2))


def format_metric(name: str, value: float) -> str:
    """`mean_density` 0.8897400000000001 → "0.890 g/cm³"; a value that rounds to zero never shows as -0."""
    unit, decimals = next(((u, d) for end, u, d in METRIC_FORMATS if name.endswith(end)), ("", 3))
    text = f"{value:.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return f"{text} {unit}".rstrip()


def metric_label(name: str) -> str:
    """`mean_rmsd_experimental` → "Mean rmsd experimental" (the KFP metric name stays beside it)."""
    words = name.replace("_", " ")
    return words[:1].upper() + words[1:]


def html_page(title: str, svg: str, summary: dict[str, float]) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(metric_label(name))}</th><td>{html.escape(format_metric(name, value))}</td>"
        f"<td><code>{html.escape(name)}</code></td></tr>"
        for name, value in sorted(summary.items())
    )
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse}"
        "th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>{svg}<table>{rows}</table></body></html>\n"
    )


def data_table(x_name: str, x: Sequence[float], series: dict[str, Sequence[float]]) -> str:
    """Whitespace-separated columns with a `#` header, the format cpptraj and gnuplot read."""
    names = [x_name, *series]
    lines = ["#" + " ".join(f"{name:>14}" for name in names)]
    for index, x_value in enumerate(x):
        values = [x_value, *(column[index] for column in series.values())]
        lines.append(" " + " ".join(f"{value:14.6f}" for value in values))
    return "\n".join(lines) + "\n"
