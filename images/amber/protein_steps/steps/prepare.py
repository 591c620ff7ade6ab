"""Structure preparation with biobb_amber blocks: pdb4amber, tleap (topology, solvation, ions), ambpdb.

KFP artifact paths have no extension and biobb checks extensions, so inputs are staged into a
scratch dir under conventional names and results are copied back to KFP's paths.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Callable

from ..disulfides import restore_disulfides
from ..files import deliver, scratch_dir, stage
from ..ions import count_residues, place_ions
from ..seeds import stage_seed
from ..tools import biobb_properties, run_biobb


def run_pdb4amber(args: argparse.Namespace) -> None:
    from biobb_amber.pdb4amber.pdb4amber_run import pdb4amber_run

    with scratch_dir("pdb4amber") as scratch:
        source = stage(args.input_pdb, "--input-pdb", scratch, "input.pdb")
        result = scratch / "output.pdb"
        properties = biobb_properties(scratch)
        run_biobb(
            "pdb4amber",
            lambda: pdb4amber_run(input_pdb_path=source, output_pdb_path=str(result), properties=properties),
            scratch,
            expected=(result,),
        )
        deliver(result, args.output_pdb, "cleaned PDB")


LEAP_OUTPUTS = ("out.pdb", "out.parmtop", "out.inpcrd")


def _run_leap(
    args: argparse.Namespace,
    name: str,
    label: str,
    block,
    restore_input: bool = False,
    prepare: Callable[[Path], None] | None = None,
    **properties,
) -> None:
    """The skeleton every tleap step shares: stage --input-pdb (rewritten by `prepare` when given, then
    with its disulfide CONECT records restored when `restore_input`: ambpdb and tleap's savepdb drop
    them), run the biobb leap block with `properties`, check and deliver its PDB (disulfides restored),
    topology and coordinates to KFP's paths."""
    with scratch_dir(name) as scratch:
        source = stage(args.input_pdb, "--input-pdb", scratch, "input.pdb")
        if prepare:
            prepare(scratch / "input.pdb")
        if restore_input:
            restore_disulfides(scratch / "input.pdb")
        props = biobb_properties(scratch, **properties)
        pdb, top, crd = (scratch / output for output in LEAP_OUTPUTS)
        run_biobb(
            label,
            lambda: block(
                input_pdb_path=source,
                properties=props,
                output_pdb_path=str(pdb),
                output_top_path=str(top),
                output_crd_path=str(crd),
            ),
            scratch,
            expected=(pdb, top, crd),
        )
        restore_disulfides(pdb)
        deliver(top, args.output_top, "topology")
        deliver(crd, args.output_crd, "coordinates")
        deliver(pdb, args.output_pdb, "PDB")


def leap_gen_top(args: argparse.Namespace) -> None:
    from biobb_amber.leap.leap_gen_top import leap_gen_top as block

    _run_leap(args, "leap-gen-top", "tleap (topology)", block, forcefield=args.forcefield)


def _box_properties(args: argparse.Namespace) -> dict:
    return {"forcefield": args.forcefield, "water_type": args.water_model, "box_type": args.box_type}


def leap_solvate(args: argparse.Namespace) -> None:
    from biobb_amber.leap.leap_solvate import leap_solvate as block

    _run_leap(
        args,
        "leap-solvate",
        "tleap (solvate)",
        block,
        restore_input=True,
        **_box_properties(args),
        distance_to_molecule=str(args.box_distance),
    )


def leap_add_ions(args: argparse.Namespace) -> None:
    """Ions into the solvated structure, at positions drawn from --seed (protein_steps.ions): leap counts
    them (neutralise, then the salt of --ionic-concentration), the seeded placement puts them in, and a
    second leap run builds the topology with no random step. The box comes from the input PDB's
    OCTBOX/CRYST1 record (biobb reads it there), so --box-distance is accepted for symmetry but unused."""
    from biobb_amber.leap.leap_add_ions import leap_add_ions as block

    def seeded_ions(solvated: Path) -> None:
        counts = _leap_ion_counts(args, block, solvated)
        solvated.write_text(place_ions(solvated.read_text(), counts, stage_seed(args.seed, "leap-add-ions")))

    _run_leap(
        args,
        "leap-add-ions",
        "tleap (topology with the seeded ions)",
        block,
        restore_input=True,
        prepare=seeded_ions,
        **_box_properties(args),
        neutralise=False,
        ionic_concentration=0,
    )


def _leap_ion_counts(args: argparse.Namespace, block, solvated: Path) -> list[tuple[str, int]]:
    """How many ions of each kind biobb's leap script adds (negative first, as it adds them)."""
    with scratch_dir("leap-ion-count") as scratch:
        props = biobb_properties(scratch, **_box_properties(args), neutralise=True,
                                 ionic_concentration=args.ionic_concentration,
                                 positive_ions_type=args.positive_ion, negative_ions_type=args.negative_ion)
        pdb, top, crd = (scratch / output for output in LEAP_OUTPUTS)
        run_biobb(
            "tleap (count the ions)",
            lambda: block(input_pdb_path=str(solvated), properties=props, output_pdb_path=str(pdb),
                          output_top_path=str(top), output_crd_path=str(crd)),
            scratch,
            expected=(pdb,),
        )
        text = pdb.read_text()
    return [(ion, count_residues(text, ion)) for ion in (args.negative_ion, args.positive_ion)]


def amber_to_pdb(args: argparse.Namespace) -> None:
    from biobb_amber.ambpdb.amber_to_pdb import amber_to_pdb as block

    with scratch_dir("amber-to-pdb") as scratch:
        top = stage(args.input_top, "--input-top", scratch, "input.parmtop")
        crd = stage(args.input_crd, "--input-crd", scratch, "input.rst")
        result = scratch / "output.pdb"
        properties = biobb_properties(scratch)
        run_biobb(
            "ambpdb",
            lambda: block(input_top_path=top, input_crd_path=crd, output_pdb_path=str(result), properties=properties),
            scratch,
            expected=(result,),
        )
        restore_disulfides(result)
        deliver(result, args.output_pdb, "PDB")
