"""sander-mdrun: minimisation or MD through biobb_amber's sander_mdrun block, or on OpenMM.

The mdin is built by biobb's own generator, written to the step's `--output-mdin` and handed to
sander unchanged (`direct_mdin`), so the artifact is exactly what sander ran. With `--engine openmm`
the same mdin defines the stage's OpenMM protocol (protein_steps.openmm_engine), whose protocol
artifact takes the mdin's place.
"""

from __future__ import annotations

import argparse
import re

from ..errors import StepError
from ..files import deliver, scratch_dir, stage
from ..mdin import MdSettings, expand_mask, prmtop_is_periodic, sander_properties, write_mdin
from ..mdout import parse_log, series
from ..progress import MdProgress, sandbox_log, say
from ..seeds import stage_seed
from ..tools import biobb_properties, run_biobb


def sander_mdrun(args: argparse.Namespace) -> None:
    with scratch_dir("sander-mdrun") as scratch:
        top = stage(args.input_top, "--input-top", scratch, "input.parmtop")
        crd = stage(args.input_crd, "--input-crd", scratch, "input.rst")
        settings = MdSettings(
            simulation_type=args.simulation_type,
            steps=args.steps,
            restraint_mask=expand_mask(args.restraint_mask, args.water_model, args.positive_ion, args.negative_ion),
            restraint_weight=args.restraint_weight,
            temperature=args.temperature,
            traj_interval=args.traj_interval,
            periodic=prmtop_is_periodic((scratch / "input.parmtop").read_text(errors="replace")),
            seed=stage_seed(args.seed, args.simulation_type),
            free_md_protocol=args.free_md_protocol,
        )
        mdin = write_mdin(sander_properties(settings), scratch / "sander.mdin", top, crd)
        rst, traj, log = scratch / "output.rst", scratch / "output.nc", scratch / "output.log"
        if args.engine == "openmm":
            from ..openmm_engine import run_openmm

            what = f"{settings.simulation_type}, md_platform={args.platform}"
            mdin = run_openmm(mdin, top, crd, what, args.platform, rst, traj, log)
        else:
            _run_sander(settings, top, crd, mdin, rst, traj, log, scratch)
        _check_energies(log, settings.simulation_type)
        deliver(mdin, args.output_mdin, "mdin" if args.engine == "sander" else "OpenMM protocol")
        deliver(rst, args.output_rst, "restart file")
        deliver(log, args.output_log, f"{args.engine} log")
        if traj.is_file() and traj.stat().st_size > 0:
            deliver(traj, args.output_traj, "trajectory")
        elif settings.simulation_type != "minimization" and settings.traj_interval > 0:
            raise StepError(f"{args.engine} wrote no trajectory although --traj-interval > 0")
        else:  # KFP needs every declared output file; no frames were asked for.
            deliver(traj if traj.exists() else _empty(scratch), args.output_traj, "trajectory", allow_empty=True)


def _run_sander(settings: MdSettings, top: str, crd: str, mdin, rst, traj, log, scratch) -> None:
    from biobb_amber.sander.sander_mdrun import sander_mdrun as block

    properties = biobb_properties(scratch, direct_mdin=True)
    restrained = {"input_ref_path": crd} if settings.restraint_mask else {}
    run_biobb(
        f"sander ({settings.simulation_type})",
        lambda: block(
            input_top_path=top,
            input_crd_path=crd,
            input_mdin_path=str(mdin),
            output_rst_path=str(rst),
            output_traj_path=str(traj),
            output_log_path=str(log),
            properties=properties,
            **restrained,
        ),
        scratch,
        tool_log=log,
        expected=(rst, log),
        progress=MdProgress(
            f"sander ({settings.simulation_type})",
            "minout" if settings.simulation_type == "minimization" else "mdout",
            settings.steps,
            sandbox_log(scratch, log.name),
        ),
    )
    speed = re.search(r"ns/day\s*=\s*([0-9.]+)", log.read_text(errors="replace"))
    say(f"engine sander: platform CPU, serial (1 thread)" + (f", {speed.group(1)} ns/day" if speed else ""))


def _check_energies(log, simulation_type: str) -> None:
    """sander can finish 'successfully' with NaN energies; fail the step instead of passing them on."""
    kind = "minout" if simulation_type == "minimization" else "mdout"
    term = "ENERGY" if kind == "minout" else "EPTOT"
    series(parse_log(kind, log.read_text(errors="replace")), [term], f"the MD log ({simulation_type})")


def _empty(scratch):
    path = scratch / "empty.nc"
    path.touch()
    return path
