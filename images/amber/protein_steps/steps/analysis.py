"""Trajectory analysis: RMSD and radius of gyration via biobb_analysis' cpptraj blocks, against time
in ps; re-imaging with cpptraj directly, so the stripped topology that matches the solute-only
trajectory is delivered with it (biobb's cpptraj_image writes the trajectory only)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import StepError
from ..files import deliver, require_input, scratch_dir, stage
from ..report import mean, publish
from ..tools import biobb_properties, run_biobb, run_binary

# Shorthand mask names (as biobb uses them) mapped to Amber masks, so either style works in --mask.
MASK_KEYWORDS = {
    "c-alpha": "@CA",
    "backbone": "@C,CA,N,O",
    "heavy-atoms": "!@H=",
    "solute": "!:WAT,HOH,Na+,Cl-,K+",
}


def amber_mask(mask: str) -> str:
    value = mask.strip()
    if not value:
        raise StepError("--mask is empty: give an Amber mask (e.g. '@CA,C,N') or one of " + ", ".join(MASK_KEYWORDS))
    return MASK_KEYWORDS.get(value, value)


def read_cpptraj_dat(path: Path) -> tuple[list[float], list[float]]:
    """First two columns (frame, value) of a cpptraj data file."""
    frames: list[float] = []
    values: list[float] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split()
        if not fields or line.lstrip().startswith("#"):
            continue
        try:
            frames.append(float(fields[0]))
            values.append(float(fields[1]))
        except (IndexError, ValueError):
            raise StepError(f"unexpected line in cpptraj output {path.name}: {line.strip()!r}") from None
    if not frames:
        raise StepError(f"cpptraj wrote no frames to {path.name}: is the trajectory empty?")
    return frames, values


def first_altloc_only(pdb_text: str) -> str:
    """Keep atoms without alternate location or with the first one (A), as pdb4amber does."""
    kept = []
    for line in pdb_text.splitlines():
        if line.startswith(("ATOM", "HETATM")) and len(line) > 16 and line[16] not in (" ", "A"):
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


FREE_MD_TIME = "Time into the free MD (ps)"
MD_TIME_STEP_PS = 0.002  # dt of biobb's MD presets (sander_mdrun create_mdin), never overridden here


def frame_times(frames: list[float], traj_interval: int) -> list[float]:
    """Frame numbers (1, 2, …) to simulation time in ps: frame k was written at step k·ntwx."""
    if traj_interval <= 0:
        raise StepError("--traj-interval must be the free MD's frame interval in steps (> 0)")
    return [frame * traj_interval * MD_TIME_STEP_PS for frame in frames]


def _rms(block, top: str, traj: str, scratch: Path, mask: str, reference: str, ref_pdb: Path) -> list[float]:
    result = scratch / f"rmsd-{reference}.dat"
    properties = biobb_properties(scratch, mask=mask, reference=reference)
    extra = {"input_exp_path": str(ref_pdb)} if reference == "experimental" else {}
    run_biobb(
        f"cpptraj rms (reference {reference})",
        lambda: block(input_top_path=top, input_traj_path=traj, output_cpptraj_path=str(result),
                      properties=properties, **extra),
        scratch,
        expected=(result,),
    )
    return list(read_cpptraj_dat(result))


def cpptraj_rms(args: argparse.Namespace) -> None:
    """RMSD against the first frame and against the experimental structure, on one plot (as the tutorial)."""
    from biobb_analysis.ambertools.cpptraj_rms import cpptraj_rms as block

    with scratch_dir("cpptraj-rms") as scratch:
        top = stage(args.input_top, "--input-top", scratch, "input.parmtop")
        traj = stage(args.input_traj, "--input-traj", scratch, "input.nc")
        reference = require_input(args.input_ref_pdb, "--input-ref-pdb")
        ref_pdb = scratch / "reference.pdb"
        ref_pdb.write_text(first_altloc_only(reference.read_text(errors="replace")))
        mask = amber_mask(args.mask)
        frames, first = _rms(block, top, traj, scratch, mask, "first", ref_pdb)
        _, experimental = _rms(block, top, traj, scratch, mask, "experimental", ref_pdb)
    columns = {"RMSD_FIRST_A": first, "RMSD_EXPERIMENTAL_A": experimental}
    metrics = {"mean_rmsd_first": mean(first), "max_rmsd_first": max(first),
               "mean_rmsd_experimental": mean(experimental), "min_rmsd_experimental": min(experimental),
               "max_rmsd_experimental": max(experimental)}
    labels = {"RMSD_FIRST_A": "vs first frame", "RMSD_EXPERIMENTAL_A": "vs experimental structure"}
    publish(args, "TIME_PS", frame_times(frames, args.traj_interval), columns, metrics, FREE_MD_TIME, labels,
            overlay="RMSD (Å)")


def cpptraj_rgyr(args: argparse.Namespace) -> None:
    from biobb_analysis.ambertools.cpptraj_rgyr import cpptraj_rgyr as block

    with scratch_dir("cpptraj-rgyr") as scratch:
        top = stage(args.input_top, "--input-top", scratch, "input.parmtop")
        traj = stage(args.input_traj, "--input-traj", scratch, "input.nc")
        result = scratch / "rgyr.dat"
        properties = biobb_properties(scratch, mask=amber_mask(args.mask))
        run_biobb(
            "cpptraj radgyr",
            lambda: block(input_top_path=top, input_traj_path=traj, output_cpptraj_path=str(result),
                          properties=properties),
            scratch,
            expected=(result,),
        )
        frames, rgyr = read_cpptraj_dat(result)
    metrics = {"mean_rgyr": mean(rgyr), "min_rgyr": min(rgyr), "max_rgyr": max(rgyr)}
    publish(args, "TIME_PS", frame_times(frames, args.traj_interval), {"RGYR_A": rgyr}, metrics, FREE_MD_TIME,
            {"RGYR_A": "Radius of gyration (Å)"})


def image_script(mask: str) -> str:
    """Image the whole system, then keep only `mask` (as biobb's cpptraj_image with mask `solute`)."""
    return "\n".join([
        "parm input.parmtop",
        "trajin input.nc",
        "autoimage",
        f"strip !({mask}) parmout output.parmtop",
        "trajout output.nc netcdf",
        "run",
        "",
    ])


def cpptraj_image(args: argparse.Namespace) -> None:
    with scratch_dir("cpptraj-image") as scratch:
        stage(args.input_top, "--input-top", scratch, "input.parmtop")
        stage(args.input_traj, "--input-traj", scratch, "input.nc")
        (scratch / "image.in").write_text(image_script(amber_mask(args.mask)))
        run_binary("cpptraj (image)", ["cpptraj", "-i", "image.in"], scratch, "cpptraj.log")
        deliver(scratch / "output.nc", args.output_traj, "imaged trajectory")
        deliver(scratch / "output.parmtop", args.output_top, "stripped topology")
