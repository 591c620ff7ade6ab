"""run-report: the run on one self-contained HTML page: a header saying what was run (protein, system,
preset, parameters that differ from it, engine, seed, image, date, time per MD stage), a verdict table
against the reference bands and the physical checks (protein_steps.verdict), the molecule in 3D (the free MD's
frames, also on a page of its own: protein_steps.viewer), then every plot with its metrics in the tutorial's order."""

from __future__ import annotations

import argparse
import datetime
import html
import json
import re
from pathlib import Path

from ..cli import REPORT_SECTIONS, REPORT_STAGE_LOGS
from ..errors import StepError
from ..files import require_input, scratch_dir, stage, write_text
from ..tools import run_binary
from ..viewer import MAX_FRAMES, experimental_model, pick_frames, split_models, viewer_fragment, viewer_page
from ..verdict import Row, Stage, System, band_rows, fact_values, load_bands, physical_rows, stage_facts, system_facts
from .analysis import first_altloc_only

_BODY = re.compile(r"<body>(.*)</body>", re.S)
_HEADING = re.compile(r"<h1>(.*?)</h1>", re.S)
TINY_STEPS = 1000  # MD steps in all below which a run can only check the plumbing
STYLE = (
    "body{font-family:sans-serif;margin:1em;max-width:70em}table{border-collapse:collapse;margin-bottom:1.5em}"
    "th,td{border:1px solid #ccc;padding:2px 8px;text-align:left;vertical-align:top}svg{max-width:100%;height:auto}"
    ".banner{background:#fff3cd;border:2px solid #c90;padding:.6em 1em;margin:1em 0;font-weight:bold}"
    ".inside{color:#161}.outside{color:#a00;font-weight:bold}.note{color:#555}"
)


def section(flag: str, page: str) -> tuple[str, str]:
    """(title, body) of one plot page written by report.publish; its <h1> becomes the section heading."""
    body = _BODY.search(page)
    heading = _HEADING.search(page)
    if not body or not heading or "<svg" not in body.group(1):
        raise StepError(f"{flag} is not a plot page of this pipeline (no <body>, <h1> or inline SVG)")
    return heading.group(1), _HEADING.sub("", body.group(1), count=1)


def protein_title(pdb_text: str) -> str:
    """The entry's own title (its TITLE records joined), in sentence case."""
    parts = [line[10:80].strip() for line in pdb_text.splitlines() if line.startswith("TITLE")]
    title = " ".join(part for part in parts if part)
    return title[:1].upper() + title[1:].lower() if title else "(the structure has no TITLE record)"


def run_context(text: str) -> dict:
    try:
        context = json.loads(text or "{}")
    except json.JSONDecodeError as error:
        raise StepError(f"--run-context is not JSON ({error.msg}): the launcher passes {{\"preset\": …}}") from None
    if not isinstance(context, dict):
        raise StepError("--run-context must be a JSON object such as {\"preset\": \"tiny\", \"overrides\": {}}")
    return context


def engine_text(log_text: str, context: dict) -> str:
    if context.get("engine"):
        return str(context["engine"])
    openmm = dict(re.findall(r"^\| (engine|platform|placement) = (.+)$", log_text, re.M))
    if "engine" in openmm:  # the Amber-format log an OpenMM stage writes names its engine and placement
        return ", ".join(openmm[key] for key in ("engine", "platform", "placement") if key in openmm)
    version = re.search(r"Amber\s+(\d+)\s+SANDER", log_text)
    return f"sander from AmberTools (Amber {version.group(1) if version else '?'}), CPU, one process"


def _table(rows: list[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><th>{html.escape(k)}</th><td>{v}</td></tr>" for k, v in rows) + "</table>"


def header_rows(args: argparse.Namespace, context: dict, system: System, pdb_text: str, engine: str) -> list:
    preset = context.get("preset") or "none named (parameters given one by one)"
    overrides = context.get("overrides") or {}
    changed = ", ".join(f"{name} = {json.dumps(value)}" for name, value in sorted(overrides.items())) or "none"
    rows = [
        ("Protein", f"{html.escape(args.pdb_code.upper())}: {html.escape(protein_title(pdb_text))}"),
        ("System", html.escape(system.text())),
        ("Preset", html.escape(str(preset))),
        ("Parameters that differ from the preset", html.escape(changed)),
        ("Engine and platform", html.escape(engine)),
        ("Seed", f"{args.seed} (every random stream derives from it: docs/science.md)"
         if args.seed != -1 else "-1: random, this run cannot be repeated"),
    ]
    # `npm run compile` without AMBER_IMAGE pins an all-zero digest: no image was built for this IR.
    if "@sha256:" in args.image and not args.image.endswith("@sha256:" + "0" * 64):
        rows.append(("Image", html.escape(args.image)))
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    rows.append(("Report written", f'<span class="volatile">{date}</span>'))
    return rows


def stage_table(stages: dict[str, Stage], target: float) -> str:
    head = ("<tr><th>MD stage</th><th>simulated</th><th>mean temperature</th><th>target</th>"
            "<th>wall time</th><th>ns/day</th></tr>")
    body = ""
    for stage in stages.values():
        goal = "ramp from 0 K" if stage.name == "heat" else f"{target:g} K"
        wall = f"{stage.wall_seconds:.0f} s" if stage.wall_seconds is not None else "–"
        speed = f"{stage.ns_per_day:.2f}" if stage.ns_per_day is not None else "–"
        body += (f"<tr><td>{stage.label}</td><td>{stage.picoseconds:g} ps</td><td>{stage.mean_temperature:.1f} K"
                 f"</td><td>{goal}</td><td class=\"volatile\">{wall}</td><td class=\"volatile\">{speed}</td></tr>")
    return f"<table>{head}{body}</table>"


def verdict_table(rows: list[Row]) -> str:
    head = "<tr><th>check</th><th>this run</th><th>expected</th><th>verdict</th><th>why</th></tr>"
    body = "".join(
        f"<tr><td>{html.escape(r.check)}</td><td>{html.escape(r.value)}</td><td>{html.escape(r.expected)}</td>"
        f"<td class=\"{'inside' if r.inside else 'outside'}\">{'inside' if r.inside else 'outside'}</td>"
        f"<td class=\"note\">{html.escape(r.note)}</td></tr>"
        for r in rows
    )
    return f"<table>{head}{body}</table>"


def banner(context: dict, stages: dict[str, Stage]) -> str:
    steps = sum(float(stage.cntrl.get("nstlim", 0) or 0) for stage in stages.values())
    if context.get("preset") != "tiny" and steps >= TINY_STEPS:
        return ""
    return ('<p class="banner">A plumbing check: this run is far too short for its numbers to mean anything '
            f"({steps:.0f} MD steps in all). It shows that every step runs; use the tutorial preset for "
            "science.</p>")


def read_metrics(path: str, flag: str) -> dict[str, float]:
    try:
        return {k: float(v) for k, v in json.loads(require_input(path, flag).read_text()).items()}
    except (json.JSONDecodeError, AttributeError, TypeError, ValueError):
        raise StepError(f"{flag} is not a metrics file of this pipeline (a JSON object of numbers)") from None


FIT_MASK = "@CA"  # what the frames are fitted on (the experimental structure's C-alpha atoms must match)


def frames_script(superpose: bool) -> str:
    """The free MD re-imaged, fitted (on the experimental structure, else on its first frame) and stripped of
    water and hydrogens, every frame one MODEL of frames.pdb."""
    reference = ["parm experimental.pdb [exp]", "reference experimental.pdb parm [exp] [expref]"] if superpose else []
    fit = f"rms ref [expref] {FIT_MASK} {FIT_MASK}" if superpose else f"rms first {FIT_MASK}"
    return "\n".join(["parm input.parmtop", *reference, "trajin input.nc", "autoimage", fit,
                      "strip :WAT,HOH|@H=", "trajout frames.pdb pdb model", "run", ""])


def write_frames(scratch: Path, superpose: bool) -> bool:
    """Runs frames_script in `scratch`; whether the fit took (unequal C-alpha counts: cpptraj skips it with a
    warning and writes the frames unfitted)."""
    (scratch / "frames.in").write_text(frames_script(superpose))
    log = run_binary("cpptraj (3D view frames)", ["cpptraj", "-i", "frames.in"], scratch, "cpptraj.log")
    return "Setup incomplete for [rms]" not in log.read_text(errors="replace")


def molecule_frames(args: argparse.Namespace, experimental_pdb: str) -> tuple[list[str], list[str], str, str]:
    """(frames, their labels, the experimental model or "", a note saying what the view shows)."""
    with scratch_dir("run-report-frames") as scratch:
        stage(args.input_top, "--input-top", scratch, "input.parmtop")
        stage(args.input_traj, "--input-traj", scratch, "input.nc")
        experimental = experimental_model(first_altloc_only(experimental_pdb))
        (scratch / "experimental.pdb").write_text(experimental)
        superposed = bool(experimental) and write_frames(scratch, superpose=True)
        if not superposed:
            write_frames(scratch, superpose=False)
        models = split_models((scratch / "frames.pdb").read_text(errors="replace"))
    if not models:
        raise StepError("--input-traj has no frames: the free MD wrote no trajectory frame")
    picked = pick_frames(len(models))
    labels = [f"free MD frame {i + 1} of {len(models)}" + (" (final)" if i == len(models) - 1 else "")
              for i in picked]
    fitted = ("fitted on the experimental structure's C-alpha atoms, which is shown in grey" if superposed
              else "fitted on the first frame's C-alpha atoms (not superposed on the experimental structure: "
                   "its C-alpha atoms do not match the model's)")
    note = (f"The free MD's trajectory, {len(picked)} of its {len(models)} frames (at most {MAX_FRAMES}), "
            f"water and hydrogens left out, {fitted}; it opens on the final frame.")
    return [models[i] for i in picked], labels, experimental if superposed else "", note


def report_page(title: str, top: str, sections: list[tuple[str, str]]) -> str:
    contents = "".join(f'<li><a href="#s{i}">{heading}</a></li>' for i, (heading, _) in enumerate(sections, 1))
    parts = "".join(f'<section id="s{i}"><h2>{heading}</h2>{body}</section>'
                    for i, (heading, body) in enumerate(sections, 1))
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{top}<h2>Plots</h2><ol>{contents}</ol>{parts}</body></html>\n"
    )


def run_report(args: argparse.Namespace) -> None:
    context = run_context(args.run_context)
    bands = load_bands()
    logs = {name: require_input(getattr(args, f"{name}_log"), f"--{name}-log").read_text(errors="replace")
            for name in REPORT_STAGE_LOGS}
    stages = {name: stage_facts(name, text) for name, text in logs.items()}
    system = system_facts(require_input(args.input_top, "--input-top").read_text(errors="replace"))
    pdb_text = require_input(args.input_pdb, "--input-pdb").read_text(errors="replace")
    metrics = {"rmsd": read_metrics(args.rmsd_metrics, "--rmsd-metrics"),
               "rgyr": read_metrics(args.rgyr_metrics, "--rgyr-metrics")}
    reference = bands.get(args.pdb_code.lower())
    rows = physical_rows(stages, args.temperature)
    top = banner(context, stages)
    top += _table(header_rows(args, context, system, pdb_text, engine_text(logs["heat"], context)))
    top += "<h2>MD stages</h2>" + stage_table(stages, args.temperature)
    top += "<h2>Verdict</h2>"
    if reference:
        values = fact_values(stages, metrics)
        top += (f"<p>Against the reference for {html.escape(args.pdb_code.upper())}, "
                f"{html.escape(reference['protocol'])}. Source: {html.escape(reference['provenance'])}</p>")
        top += verdict_table(band_rows(reference["bands"], values))
        top += "<p>Physical checks that hold for any solvated protein:</p>"
    else:
        top += (f"<p>No reference values for {html.escape(args.pdb_code.upper())}: physical checks that hold for "
                "any solvated protein.</p>")
    top += verdict_table(rows)
    fragment = viewer_fragment(*molecule_frames(args, pdb_text))
    top += "<h2>The molecule in 3D</h2>" + fragment
    sections = []
    for name in REPORT_SECTIONS:
        flag = f"--{name.replace('_', '-')}"
        sections.append(section(flag, require_input(getattr(args, name), flag).read_text(errors="replace")))
    write_text(args.output_html, report_page(args.title, top, sections))
    write_text(args.output_viewer, viewer_page(f"{args.pdb_code.upper()}: the molecule in 3D", fragment))
