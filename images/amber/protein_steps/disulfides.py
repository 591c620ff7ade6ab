"""Disulfide bonds across PDB round trips.

tleap bonds two CYX SG atoms only when the PDB it loads carries a CONECT record for them. pdb4amber
writes those records, but ambpdb and tleap's own savepdb do not, so a topology rebuilt from their
PDB (solvation, ions) silently loses every disulfide. `with_disulfide_conect` restores the records
from geometry: CYX SG pairs closer than `MAX_SS_DISTANCE`.
"""

from __future__ import annotations

import math
from pathlib import Path

MAX_SS_DISTANCE = 2.5  # Å; an S–S bond is 2.05 Å, the nearest non-bonded SG pair is well over 3 Å


def _sg_atoms(lines: list[str]) -> list[tuple[int, tuple[float, float, float]]]:
    atoms = []
    for line in lines:
        if line.startswith(("ATOM", "HETATM")) and line[12:16].strip() == "SG" and line[17:20] == "CYX":
            serial = int(line[6:11])
            atoms.append((serial, (float(line[30:38]), float(line[38:46]), float(line[46:54]))))
    return atoms


def disulfide_pairs(pdb_text: str) -> list[tuple[int, int]]:
    """Atom serial pairs of CYX SG atoms within bonding distance, in file order."""
    atoms = _sg_atoms(pdb_text.splitlines())
    pairs = []
    for i, (serial_a, a) in enumerate(atoms):
        for serial_b, b in atoms[i + 1 :]:
            if math.dist(a, b) <= MAX_SS_DISTANCE:
                pairs.append((serial_a, serial_b))
    return pairs


def with_disulfide_conect(pdb_text: str) -> str:
    """The PDB with a CONECT record for every disulfide that has none (before END, or appended)."""
    lines = pdb_text.splitlines()
    existing = {
        tuple(sorted(int(line[i : i + 5]) for i in (6, 11)))
        for line in lines
        if line.startswith("CONECT") and len(line.rstrip()) >= 16
    }
    missing = [pair for pair in disulfide_pairs(pdb_text) if tuple(sorted(pair)) not in existing]
    if not missing:
        return pdb_text
    records = [f"CONECT{a:5d}{b:5d}" for a, b in missing]
    end = next((i for i, line in enumerate(lines) if line.startswith("END") and not line.startswith("ENDMDL")), len(lines))
    return "\n".join(lines[:end] + records + lines[end:]) + "\n"


def restore_disulfides(path: Path) -> None:
    """Rewrite a PDB file in place with its missing disulfide CONECT records."""
    text = path.read_text(errors="replace")
    fixed = with_disulfide_conect(text)
    if fixed != text:
        path.write_text(fixed)
