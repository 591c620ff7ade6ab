"""Lysozyme (PDB 1AKI, the tutorial's protein) through the structure preparation of the tiny preset,
for real (AmberTools + biobb): fetch, pdb4amber, leap-gen-top, a vacuum minimisation, amber-to-pdb,
leap-solvate, leap-add-ions. The tiny preset shortens only the minimisations; box, water and ions are
the tutorial's. Checked: the 4 disulfides survive every PDB round trip, the +8 net charge is
neutralised, the salt matches 150 mM, the box is a truncated octahedron, the same seed places the ions
at the same positions (and another seed elsewhere), each at the documented distances."""

import math
import re
from pathlib import Path

import pytest

from conftest import BOX
from protein_steps.ions import MIN_ION_DISTANCE, MIN_SOLUTE_DISTANCE
from test_real_amber import run

SSBONDS = {(6, 127), (30, 115), (64, 80), (76, 94)}  # the entry's SSBOND records
CONCENTRATION_M = 0.150
WATER_MOLARITY = 55.0  # mol/L, the figure biobb's leap_add_ions uses (n = waters / 55 × c)
AVOGADRO = 6.02214076e23


def add_ions(root: Path, name: str, seed: int) -> Path:
    run("leap-add-ions", *BOX, "--ionic-concentration", "150", "--positive-ion", "Na+", "--negative-ion", "Cl-",
        "--seed", str(seed), "--input-pdb", str(root / "solv/pdb"), "--output-top", str(root / name / "top"),
        "--output-crd", str(root / name / "crd"), "--output-pdb", str(root / name / "pdb"))
    return root / name


def ion_and_solute_positions(pdb: Path) -> tuple[list, list]:
    ions, solute = [], []
    for line in pdb.read_text().splitlines():
        if line.startswith(("ATOM", "HETATM")) and line[17:20].strip() != "WAT":
            xyz = (float(line[30:38]), float(line[38:46]), float(line[46:54]))
            (ions if line[17:20].strip() in ("Na+", "Cl-") else solute).append(xyz)
    return ions, solute


def test_the_seed_decides_where_the_ions_go(lysozyme):
    again = add_ions(lysozyme, "ions-again", 71277)
    for name in ("pdb", "crd"):
        assert (again / name).read_bytes() == (lysozyme / "ions" / name).read_bytes(), name
    other_ions, _ = ion_and_solute_positions(add_ions(lysozyme, "ions-other", 12345) / "pdb")
    ions, solute = ion_and_solute_positions(lysozyme / "ions/pdb")
    assert len(other_ions) == len(ions) and other_ions != ions
    # leap's savepdb moves the whole system by one offset (setBox vdw); distances stay.
    assert min(math.dist(ion, atom) for ion in ions for atom in solute) >= MIN_SOLUTE_DISTANCE - 0.01
    assert min(math.dist(a, b) for a in ions for b in ions if a != b) >= MIN_ION_DISTANCE - 0.01


def topology(path: Path):
    import parmed

    return parmed.load_file(str(path))


def residue_counts(structure) -> dict[str, int]:
    counts: dict[str, int] = {}
    for residue in structure.residues:
        counts[residue.name] = counts.get(residue.name, 0) + 1
    return counts


def pdb_disulfides(path: Path) -> set[tuple[int, int]]:
    """Residue pairs joined by a CONECT record between two CYX SG atoms."""
    serial_to_residue = {}
    for line in path.read_text().splitlines():
        if line.startswith(("ATOM", "HETATM")) and line[12:16].strip() == "SG" and line[17:20] == "CYX":
            serial_to_residue[int(line[6:11])] = int(line[22:26])
    pairs = set()
    for line in path.read_text().splitlines():
        if line.startswith("CONECT"):
            serials = [int(line[i : i + 5]) for i in range(6, len(line.rstrip()), 5)]
            if serials[0] in serial_to_residue:
                for other in serials[1:]:
                    if other in serial_to_residue:
                        pairs.add(tuple(sorted((serial_to_residue[serials[0]], serial_to_residue[other]))))
    return pairs


@pytest.mark.parametrize("stage", ["p4a", "a2p", "solv", "ions"])
def test_four_disulfides_survive_every_pdb_round_trip(lysozyme, stage):
    assert pdb_disulfides(lysozyme / stage / "pdb") == SSBONDS


@pytest.mark.parametrize("stage", ["top", "solv", "ions"])
def test_every_topology_bonds_the_four_disulfides(lysozyme, stage):
    bonds = {tuple(sorted((b.atom1.residue.idx + 1, b.atom2.residue.idx + 1)))
             for b in topology(lysozyme / stage / "top").bonds if b.atom1.name == b.atom2.name == "SG"}
    assert bonds == SSBONDS


def test_net_charge_plus_eight_is_neutralised(lysozyme):
    assert sum(a.charge for a in topology(lysozyme / "top/top").atoms) == pytest.approx(8.0, abs=1e-3)
    ions = topology(lysozyme / "ions/top")
    assert sum(a.charge for a in ions.atoms) == pytest.approx(0.0, abs=1e-3)
    counts = residue_counts(ions)
    assert counts["Cl-"] - counts["Na+"] == 8


def test_salt_matches_150_mM(lysozyme):
    """biobb (as the tutorial) adds n = ⌊waters / 55 M × c⌋ ion pairs, waters counted in the solvated box;
    that is 150 mM of the water's own volume at 1 g/cm³ (29.9 Å³ a molecule)."""
    waters = residue_counts(topology(lysozyme / "solv/top"))["WAT"]
    pairs = residue_counts(topology(lysozyme / "ions/top"))["Na+"]
    assert pairs == math.floor(waters / WATER_MOLARITY * CONCENTRATION_M)
    water_litres = waters * 18.015 / AVOGADRO / 1000.0  # g → kg → litres at 1 kg/L
    assert pairs / AVOGADRO / water_litres == pytest.approx(CONCENTRATION_M, rel=0.03)


def test_box_is_a_truncated_octahedron(lysozyme):
    text = (lysozyme / "ions/top").read_text()
    pointers = text.split("%FLAG POINTERS")[1].split("%FLAG")[0].splitlines()[2:]
    values = [int(line[i : i + 8]) for line in pointers for i in range(0, len(line.rstrip()), 8)]
    assert values[27] == 2  # IFBOX
    box = [float(v) for v in text.split("%FLAG BOX_DIMENSIONS")[1].splitlines()[2].split()]
    assert box[0] == pytest.approx(109.4712206, abs=1e-4)  # the octahedron's angle
    crd_box = (lysozyme / "ions/crd").read_text().splitlines()[-1].split()
    assert [float(v) for v in crd_box[3:]] == pytest.approx([109.4712206] * 3, abs=1e-4)


def test_the_notebooks_own_blocks_solvate_1aki_without_its_disulfide_bonds(lysozyme, tmp_path):
    """Why docs/science.md says the tutorial's solvated lysozyme has no disulfide bonds: the notebook hands
    biobb's amber_to_pdb output (ambpdb, no CONECT records) straight to leap_solvate, and leap then bonds no
    SG pair; this pipeline restores the records first (the topologies above keep all four)."""
    from biobb_amber.ambpdb.amber_to_pdb import amber_to_pdb
    from biobb_amber.leap.leap_solvate import leap_solvate
    from protein_steps.tools import biobb_properties

    import shutil

    top, crd, plain = tmp_path / "vacuum.parmtop", tmp_path / "minimised.rst", tmp_path / "ambpdb.pdb"
    shutil.copy(lysozyme / "top/top", top)
    shutil.copy(lysozyme / "minvac/rst", crd)
    amber_to_pdb(input_top_path=str(top), input_crd_path=str(crd), output_pdb_path=str(plain),
                 properties=biobb_properties(tmp_path, sandbox_path=str(tmp_path)))
    assert "CONECT" not in plain.read_text()
    leap_solvate(input_pdb_path=str(plain), output_pdb_path=str(tmp_path / "solv.pdb"),
                 output_top_path=str(tmp_path / "solv.top"), output_crd_path=str(tmp_path / "solv.crd"),
                 properties=biobb_properties(tmp_path, sandbox_path=str(tmp_path), forcefield=["protein.ff14SB"],
                                             water_type="TIP3PBOX", box_type="truncated_octahedron",
                                             distance_to_molecule="9.0"))
    residues = {r.idx + 1: r.name for r in topology(tmp_path / "solv.top").residues}
    assert {residues[a] for pair in SSBONDS for a in pair} == {"CYX"}
    assert not [b for b in topology(tmp_path / "solv.top").bonds if b.atom1.name == b.atom2.name == "SG"]
