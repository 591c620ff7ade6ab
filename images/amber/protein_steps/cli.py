"""The `protein-step` command line: one subcommand per pipeline step (contract: ../STEPS.md).

Only the standard library is imported here, so `--parse-only` works without AmberTools installed.
Step implementations are imported lazily, after parsing.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
import warnings
from typing import Callable, Sequence

from .errors import StepError

SIMULATION_TYPES = ("minimization", "heat", "nvt", "npt", "free")
FREE_MD_PROTOCOLS = ("tutorial", "npt")  # as protein_steps.mdin.FREE_MD_PROTOCOLS (kept import-free here)
BOX_TYPES = ("truncated_octahedron", "cubic")
MD_ENGINES = ("sander", "openmm")
MD_PLATFORMS = ("auto", "cpu", "cuda")  # as protein_steps.openmm_platform.PLATFORMS


def pdb_code(value: str) -> str:
    if len(value) != 4 or not value.isalnum():
        raise argparse.ArgumentTypeError(f"PDB code must be 4 letters/digits, got {value!r}")
    return value.lower()


def _integer(value: str) -> int:
    """KFP may render an integer parameter as `50` or `50.0`; both mean 50."""
    number = float(value)
    if not number.is_integer():
        raise argparse.ArgumentTypeError(f"must be a whole number, got {value}")
    return int(number)


def non_negative_int(value: str) -> int:
    number = _integer(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return number


def positive_int(value: str) -> int:
    number = _integer(value)
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {value}")
    return number


def seed(value: str) -> int:
    """The run's seed: -1 (random) or 0 … 2^31 - 1 (protein_steps.seeds derives every random stream from it)."""
    number = _integer(value)
    if number < -1 or number > 2**31 - 1:
        raise argparse.ArgumentTypeError(f"must be -1 (random) or 0 … 2147483647, got {value}")
    return number


def non_negative_float(value: str) -> float:
    number = float(value)
    if not number >= 0:  # also rejects NaN
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {value}")
    return number


def comma_list(value: str) -> list[str]:
    items = [item.strip() for item in value.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError("needs at least one comma-separated item")
    return items


# (subcommand, "module:function" of the implementation, help)
STEPS: dict[str, tuple[str, str]] = {
    "fetch-pdb": ("protein_steps.steps.fetch:fetch_pdb", "get a PDB entry (RCSB or a local dir)"),
    "pdb4amber": ("protein_steps.steps.prepare:run_pdb4amber", "clean a PDB for Amber"),
    "leap-gen-top": ("protein_steps.steps.prepare:leap_gen_top", "build a vacuum topology"),
    "sander-mdrun": ("protein_steps.steps.md:sander_mdrun", "minimise or run MD with sander (or OpenMM)"),
    "amber-to-pdb": ("protein_steps.steps.prepare:amber_to_pdb", "topology + coordinates to PDB"),
    "leap-solvate": ("protein_steps.steps.prepare:leap_solvate", "solvate in a water box"),
    "leap-add-ions": ("protein_steps.steps.prepare:leap_add_ions", "solvate, neutralise and add salt"),
    "energy-plot": ("protein_steps.steps.energy:energy_plot", "plot terms of a sander log"),
    "cpptraj-rms": ("protein_steps.steps.analysis:cpptraj_rms", "RMSD of a trajectory"),
    "cpptraj-rgyr": ("protein_steps.steps.analysis:cpptraj_rgyr", "radius of gyration"),
    "cpptraj-image": ("protein_steps.steps.analysis:cpptraj_image", "re-image a trajectory"),
    "run-report": ("protein_steps.steps.run_report:run_report", "gather every plot into one HTML page"),
}
# run-report's inputs, in the tutorial's order (one HTML plot each)
REPORT_SECTIONS = ("min_vacuum_h_plot", "min_vacuum_system_plot", "min_solvated_plot", "heat_plot", "nvt_plot",
                   "npt_plot", "free_md_plot", "rmsd_plot", "rgyr_plot")
# run-report's MD stage logs (--<stage>-log): temperatures, density, timings and the mdin each echoes
REPORT_STAGE_LOGS = ("heat", "nvt", "npt", "free")


def _leap_box_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--forcefield", type=comma_list, required=True)
    parser.add_argument("--water-model", required=True)
    parser.add_argument("--box-type", choices=BOX_TYPES, required=True)
    parser.add_argument("--box-distance", type=non_negative_float, required=True)


def _leap_outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output-top", required=True)
    parser.add_argument("--output-crd", required=True)
    parser.add_argument("--output-pdb", required=True)


def _plot_outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--title", required=True)
    parser.add_argument("--executor-input", required=True, help="KFP executor input JSON ({{$}})")
    parser.add_argument("--output-dat", required=True)
    parser.add_argument("--output-html", required=True)
    parser.add_argument("--output-metrics", required=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="protein-step", description=__doc__)
    parser.add_argument("--parse-only", action="store_true", help="check the arguments and exit 0")
    sub = parser.add_subparsers(dest="step", required=True, metavar="STEP")

    def add(name: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=STEPS[name][1])

    p = add("fetch-pdb")
    p.add_argument("--pdb-code", type=pdb_code, required=True)
    p.add_argument("--source", required=True, help="'rcsb' or a local dir holding <code>.pdb")
    p.add_argument("--output-pdb", required=True)

    p = add("pdb4amber")
    p.add_argument("--input-pdb", required=True)
    p.add_argument("--output-pdb", required=True)

    p = add("leap-gen-top")
    p.add_argument("--forcefield", type=comma_list, required=True)
    p.add_argument("--input-pdb", required=True)
    _leap_outputs(p)

    p = add("sander-mdrun")
    p.add_argument("--simulation-type", choices=SIMULATION_TYPES, required=True)
    p.add_argument("--steps", type=positive_int, required=True)
    p.add_argument("--restraint-mask", required=True, help="Amber mask; empty = no restraint")
    p.add_argument("--restraint-weight", type=non_negative_float, required=True)
    p.add_argument("--temperature", type=non_negative_float, required=True)
    p.add_argument("--traj-interval", type=non_negative_int, required=True)
    p.add_argument("--seed", type=seed, required=True, help="the run's seed; sander's ig derives from it (-1 = random)")
    p.add_argument("--free-md-protocol", choices=FREE_MD_PROTOCOLS, required=True, help="used by --simulation-type free")
    p.add_argument("--engine", choices=MD_ENGINES, default="sander", help="md_engine: sander, or OpenMM with the same protocol")
    p.add_argument("--platform", choices=MD_PLATFORMS, default="auto", help="md_platform of OpenMM (auto = fastest found)")
    p.add_argument("--water-model", required=True, help="with the ions, defines {solute} in the mask")
    p.add_argument("--positive-ion", required=True)
    p.add_argument("--negative-ion", required=True)
    p.add_argument("--input-top", required=True)
    p.add_argument("--input-crd", required=True)
    p.add_argument("--output-mdin", required=True)
    p.add_argument("--output-rst", required=True)
    p.add_argument("--output-traj", required=True)
    p.add_argument("--output-log", required=True)

    p = add("amber-to-pdb")
    p.add_argument("--input-top", required=True)
    p.add_argument("--input-crd", required=True)
    p.add_argument("--output-pdb", required=True)

    p = add("leap-solvate")
    _leap_box_flags(p)
    p.add_argument("--input-pdb", required=True)
    _leap_outputs(p)

    p = add("leap-add-ions")
    _leap_box_flags(p)
    p.add_argument("--ionic-concentration", type=non_negative_float, required=True)
    p.add_argument("--positive-ion", required=True)
    p.add_argument("--negative-ion", required=True)
    p.add_argument("--seed", type=seed, required=True, help="ion placement (from it, per protein_steps.seeds); -1 = random")
    p.add_argument("--input-pdb", required=True)
    _leap_outputs(p)

    p = add("energy-plot")
    p.add_argument("--log-kind", choices=("minout", "mdout"), required=True)
    p.add_argument("--terms", type=comma_list, required=True)
    p.add_argument("--input-log", required=True)
    _plot_outputs(p)

    p = add("cpptraj-rms")
    p.add_argument("--mask", required=True)
    p.add_argument("--traj-interval", type=positive_int, required=True, help="steps between frames (ntwx)")
    p.add_argument("--input-top", required=True)
    p.add_argument("--input-traj", required=True)
    p.add_argument("--input-ref-pdb", required=True)
    _plot_outputs(p)

    p = add("cpptraj-rgyr")
    p.add_argument("--mask", required=True)
    p.add_argument("--traj-interval", type=positive_int, required=True, help="steps between frames (ntwx)")
    p.add_argument("--input-top", required=True)
    p.add_argument("--input-traj", required=True)
    _plot_outputs(p)

    p = add("cpptraj-image")
    p.add_argument("--mask", required=True)
    p.add_argument("--input-top", required=True)
    p.add_argument("--input-traj", required=True)
    p.add_argument("--output-traj", required=True, help="solute-only (the mask), imaged")
    p.add_argument("--output-top", required=True, help="the topology stripped to the mask")

    p = add("run-report")
    p.add_argument("--title", required=True)
    p.add_argument("--run-context", required=True, help='JSON from the launcher: {"preset": …, "overrides": {…}}')
    p.add_argument("--pdb-code", type=pdb_code, required=True)
    p.add_argument("--seed", type=seed, required=True)
    p.add_argument("--temperature", type=non_negative_float, required=True, help="the target, K")
    p.add_argument("--image", required=True, help="the step runner's image reference (shown when a digest)")
    p.add_argument("--input-pdb", required=True, help="the fetched structure (its TITLE)")
    p.add_argument("--input-top", required=True, help="the solvated, ionised system's topology")
    p.add_argument("--input-traj", required=True, help="the free MD's trajectory (the 3D view's frames)")
    for stage in REPORT_STAGE_LOGS:
        p.add_argument(f"--{stage}-log", required=True, help=f"sander log of the {stage} stage")
    p.add_argument("--rmsd-metrics", required=True)
    p.add_argument("--rgyr-metrics", required=True)
    for section in REPORT_SECTIONS:
        p.add_argument(f"--{section.replace('_', '-')}", required=True, help="HTML plot of that stage")
    p.add_argument("--output-html", required=True)
    p.add_argument("--output-viewer", required=True, help="the 3D view on its own page")
    return parser


def load_step(name: str) -> Callable[[argparse.Namespace], None]:
    module_name, function_name = STEPS[name][0].split(":")
    return getattr(importlib.import_module(module_name), function_name)


def absolutize_paths(args: argparse.Namespace) -> None:
    """Steps work inside a scratch dir, so relative artifact paths are resolved against the caller's cwd."""
    for name, value in vars(args).items():
        if name.startswith(("input_", "output_")) and isinstance(value, str):
            setattr(args, name, os.path.abspath(value))


def _settings(args: argparse.Namespace) -> str:
    """The step's non-file arguments, as `--flag value` (long ones such as the executor input elided)."""
    parts = []
    for name, value in vars(args).items():
        if name in ("step", "parse_only", "executor_input") or name.startswith(("input_", "output_")):
            continue
        text = ",".join(value) if isinstance(value, list) else str(value)
        parts.append(f"--{name.replace('_', '-')} " + (repr(text) if text == "" or " " in text else text))
    return " ".join(parts)


def _describe_files(args: argparse.Namespace, prefix: str) -> None:
    from .progress import describe, say

    for name, value in vars(args).items():
        if name.startswith(prefix) and isinstance(value, str):
            say(f"  {name.replace('_', '-')}: {describe(value)}")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.parse_only:
        return 0
    absolutize_paths(args)
    from .progress import clock, report_failure, say

    say(f"protein-step {args.step} {_settings(args)}".rstrip())
    _describe_files(args, "input_")
    started = time.monotonic()
    # biobb warns about every optional output it did not find; the step checks its outputs itself.
    warnings.filterwarnings("ignore", category=UserWarning, module="biobb_common")
    try:
        load_step(args.step)(args)
    except StepError as error:
        report_failure(args.step, str(error), error.log_tail, time.monotonic() - started)
        return 1
    say(f"protein-step {args.step}: done in {clock(time.monotonic() - started)}")
    _describe_files(args, "output_")
    return 0


def main_exit() -> None:
    """Console-script entry point (`protein-step`)."""
    sys.exit(main())
