"""Seed derivation and the seeded ion placement on a hand-made solvated PDB (no AmberTools needed)."""

import math

import pytest

from protein_steps.errors import StepError
from protein_steps.ions import MIN_ION_DISTANCE, MIN_SOLUTE_DISTANCE, count_residues, place_ions, split_pdb
from protein_steps.seeds import RANDOM, SEED_CEILING, stage_seed


def atom(serial: int, name: str, residue: str, number: int, xyz) -> str:
    x, y, z = xyz
    return f"ATOM  {serial:5d} {name:<4} {residue:>3}  {number:4d}    {x:8.3f}{y:8.3f}{z:8.3f}  1.00  0.00"


def solvated(grid: int = 8, spacing: float = 3.1) -> str:
    """One ALA-like atom at the origin in a cube of waters, leap's layout (header, solute, waters, TER)."""
    lines = ["CRYST1   30.000   30.000   30.000  90.00  90.00  90.00 P 1           1",
             atom(1, "CA", "ALA", 1, (0, 0, 0)), "TER"]
    serial, number = 1, 1
    half = grid * spacing / 2
    for i in range(grid):
        for j in range(grid):
            for k in range(grid):
                oxygen = (i * spacing - half, j * spacing - half, k * spacing - half)
                if math.dist(oxygen, (0, 0, 0)) < 2.5:
                    continue
                serial += 3
                number += 1
                lines += [atom(serial - 2, "O", "WAT", number, oxygen),
                          atom(serial - 1, "H1", "WAT", number, (oxygen[0] + 0.96, oxygen[1], oxygen[2])),
                          atom(serial, "H2", "WAT", number, (oxygen[0], oxygen[1] + 0.96, oxygen[2])), "TER"]
    return "\n".join(lines + ["END"]) + "\n"


def positions(text: str, names=("Na+", "Cl-")) -> list:
    return [(float(l[30:38]), float(l[38:46]), float(l[46:54])) for l in text.splitlines()
            if l.startswith("ATOM") and l[17:20].strip() in names]


def test_each_consumer_gets_its_own_seed_within_sanders_range():
    seeds = {consumer: stage_seed(71277, consumer) for consumer in ("leap-add-ions", "heat", "nvt", "npt", "free")}
    assert len(set(seeds.values())) == len(seeds)
    assert all(1 <= value <= SEED_CEILING for value in seeds.values())
    assert stage_seed(71277, "heat") == stage_seed(71277, "heat") != stage_seed(71278, "heat")
    assert stage_seed(RANDOM, "heat") == RANDOM


def test_the_same_seed_places_the_same_ions_and_another_seed_others():
    text = solvated()
    first = place_ions(text, [("Cl-", 3), ("Na+", 2)], 7)
    assert place_ions(text, [("Cl-", 3), ("Na+", 2)], 7) == first
    assert positions(place_ions(text, [("Cl-", 3), ("Na+", 2)], 8)) != positions(first)
    assert (count_residues(first, "Cl-"), count_residues(first, "Na+")) == (3, 2)
    assert count_residues(first, "WAT") == count_residues(text, "WAT") - 5


def test_ions_replace_whole_waters_after_the_solute_at_the_documented_distances():
    text = solvated()
    placed = place_ions(text, [("Cl-", 4), ("Na+", 4)], 71277)
    header, residues, footer = split_pdb(placed)
    assert header == text.splitlines()[:1] and footer == ["END"]
    assert [r.name for r in residues[:9]] == ["ALA"] + ["Cl-"] * 4 + ["Na+"] * 4
    assert all(r.lines[-1] == "TER" for r in residues)
    ions = positions(placed)
    waters = positions(text, ("WAT",))
    assert all(ion in waters for ion in ions)  # at a former water oxygen
    assert not set(ions) & set(positions(placed, ("WAT",)))  # whose water is gone
    assert min(math.dist(ion, (0, 0, 0)) for ion in ions) >= MIN_SOLUTE_DISTANCE
    assert min(math.dist(a, b) for a in ions for b in ions if a != b) >= MIN_ION_DISTANCE


def test_too_small_a_box_is_refused_with_the_parameters_to_change():
    with pytest.raises(StepError, match="box_distance.*ionic_concentration"):
        place_ions(solvated(grid=4), [("Cl-", 20)], 1)
