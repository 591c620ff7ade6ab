"""Seeded ion placement, in place of tleap's `addIonsRand`, whose generator is seeded from the clock
at every start of leap and cannot be set (its own help says so), so two runs got different systems.

leap still decides how many ions of each kind (biobb's leap_add_ions: neutralise, then the salt for
the ionic concentration from the number of waters); this module only decides where they go, as
addIonsRand does, by replacing whole water molecules with an ion at the water oxygen's position:
- the waters are visited in an order shuffled by Python's `random.Random(seed)` (its Mersenne
  Twister is stable across Python versions for an integer seed), and a water is taken when its oxygen
  lies at least MIN_SOLUTE_DISTANCE from every solute atom and MIN_ION_DISTANCE from every ion placed
  so far (plain distances in the box as leap wrote it, no periodic images);
- the negative ions take the first waters accepted, the positive ions the next (the order of biobb's
  leap script), and the ions are written right after the solute, as leap writes them.
Seed -1 draws the order from the operating system (not reproducible).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from .errors import StepError
from .mdin import WATER_RESIDUE
from .seeds import RANDOM

MIN_SOLUTE_DISTANCE = 5.0  # Å, ion to any solute atom
MIN_ION_DISTANCE = 5.0  # Å, ion to ion
_ATOM = ("ATOM", "HETATM")


@dataclass
class Residue:
    name: str
    lines: list[str] = field(default_factory=list)

    def position(self, atom: str) -> tuple[float, float, float] | None:
        for line in self.lines:
            if line.startswith(_ATOM) and line[12:16].strip() == atom:
                return _xyz(line)
        return None


def _xyz(line: str) -> tuple[float, float, float]:
    return float(line[30:38]), float(line[38:46]), float(line[46:54])


def split_pdb(text: str) -> tuple[list[str], list[Residue], list[str]]:
    """(lines before the first atom, residues with their atom lines and the TER after them, the rest)."""
    header: list[str] = []
    residues: list[Residue] = []
    footer: list[str] = []
    key = None
    for line in text.splitlines():
        if line.startswith(_ATOM):
            line_key = line[17:27]
            if line_key != key or not residues:
                residues.append(Residue(line[17:20].strip()))
                key = line_key
            residues[-1].lines.append(line)
        elif line.startswith("TER") and residues:
            residues[-1].lines.append(line)
            key = None
        elif residues:
            footer.append(line)
        else:
            header.append(line)
    return header, residues, footer


def count_residues(text: str, name: str) -> int:
    return sum(1 for residue in split_pdb(text)[1] if residue.name == name)


def _far_enough(point, others, limit: float) -> bool:
    return all(math.dist(point, other) >= limit for other in others)


def _ion_lines(name: str, serial: int, residue: int, position: tuple[float, float, float]) -> list[str]:
    x, y, z = position
    element = name.rstrip("+-0123456789")
    atom = f"ATOM  {serial % 100000:5d} {name:<4} {name:>3}  {residue % 10000:4d}    {x:8.3f}{y:8.3f}{z:8.3f}  1.00  0.00"
    return [f"{atom}          {element:>2}1{name[-1]}", "TER"]


def place_ions(solvated_pdb: str, ions: list[tuple[str, int]], seed: int) -> str:
    """The solvated PDB with `count` waters per (ion name, count) replaced by that ion (module doc)."""
    header, residues, footer = split_pdb(solvated_pdb)
    ion_names = {name for name, _ in ions}
    solute = [r for r in residues if r.name != WATER_RESIDUE and r.name not in ion_names]
    solute_atoms = [_xyz(line) for r in solute for line in r.lines if line.startswith(_ATOM)]
    waters = [index for index, r in enumerate(residues) if r.name == WATER_RESIDUE]
    rng = random.SystemRandom() if seed == RANDOM else random.Random(seed)
    order = list(waters)
    rng.shuffle(order)
    wanted = sum(count for _, count in ions)
    chosen: list[int] = []
    placed: list[tuple[float, float, float]] = []
    for index in order:
        if len(chosen) == wanted:
            break
        oxygen = residues[index].position("O")
        if oxygen is None or not _far_enough(oxygen, placed, MIN_ION_DISTANCE):
            continue
        if _far_enough(oxygen, solute_atoms, MIN_SOLUTE_DISTANCE):
            chosen.append(index)
            placed.append(oxygen)
    if len(chosen) < wanted:
        raise StepError(
            f"only {len(chosen)} of {len(waters)} waters lie {MIN_SOLUTE_DISTANCE} Å from the solute and "
            f"{MIN_ION_DISTANCE} Å from each other; {wanted} ions are needed: enlarge the box (box_distance) "
            "or lower ionic_concentration"
        )
    names = [name for name, count in ions for _ in range(count)]
    last_solute = max((int(line[22:26]) for r in solute for line in r.lines if line.startswith(_ATOM)), default=0)
    # Ions are numbered on from the solute; the TER after each keeps leap from merging residues.
    ion_lines = [line for k, (name, position) in enumerate(zip(names, placed), 1)
                 for line in _ion_lines(name, len(solute_atoms) + k, last_solute + k, position)]
    taken = set(chosen)
    kept_waters = [line for index in waters if index not in taken for line in residues[index].lines]
    solute_lines = [line for r in solute for line in r.lines]
    return "\n".join([*header, *solute_lines, *ion_lines, *kept_waters, *footer]) + "\n"
