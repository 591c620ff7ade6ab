"""run-report: every plot of the run, with its metrics table, on one self-contained HTML page in the
tutorial's order (vacuum minimisations, solvated minimisation, heating, NVT, NPT, RMSD, Rgyr)."""

from __future__ import annotations

import argparse
import html
import re

from ..cli import REPORT_SECTIONS
from ..errors import StepError
from ..files import require_input, write_text

_BODY = re.compile(r"<body>(.*)</body>", re.S)
_HEADING = re.compile(r"<h1>(.*?)</h1>", re.S)


def section(flag: str, page: str) -> tuple[str, str]:
    """(title, body) of one plot page written by report.publish; its <h1> becomes the section heading."""
    body = _BODY.search(page)
    heading = _HEADING.search(page)
    if not body or not heading or "<svg" not in body.group(1):
        raise StepError(f"{flag} is not a plot page of this pipeline (no <body>, <h1> or inline SVG)")
    return heading.group(1), _HEADING.sub("", body.group(1), count=1)


def report_page(title: str, sections: list[tuple[str, str]]) -> str:
    contents = "".join(f'<li><a href="#s{i}">{heading}</a></li>' for i, (heading, _) in enumerate(sections, 1))
    parts = "".join(f'<section id="s{i}"><h2>{heading}</h2>{body}</section>'
                    for i, (heading, body) in enumerate(sections, 1))
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;margin:1em}table{border-collapse:collapse;margin-bottom:2em}"
        "th,td{border:1px solid #ccc;padding:2px 8px;text-align:left}svg{max-width:100%;height:auto}</style>"
        f"</head><body><h1>{html.escape(title)}</h1><ol>{contents}</ol>{parts}</body></html>\n"
    )


def run_report(args: argparse.Namespace) -> None:
    sections = []
    for name in REPORT_SECTIONS:
        flag = f"--{name.replace('_', '-')}"
        sections.append(section(flag, require_input(getattr(args, name), flag).read_text(errors="replace")))
    write_text(args.output_html, report_page(args.title, sections))
