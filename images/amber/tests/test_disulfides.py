from protein_steps.disulfides import disulfide_pairs, with_disulfide_conect


def atom(serial: int, name: str, residue: str, number: int, x: float) -> str:
    return f"ATOM  {serial:5d}  {name:<3} {residue} A{number:4d}    {x:8.3f}{0.0:8.3f}{0.0:8.3f}  1.00  0.00"


PDB = "\n".join([
    atom(1, "SG", "CYX", 6, 0.0),
    atom(2, "SG", "CYX", 127, 2.04),
    atom(3, "SG", "CYX", 30, 10.0),
    atom(4, "SG", "CYS", 31, 11.0),  # a free cysteine is never bonded
    atom(5, "SG", "CYX", 115, 13.0),  # too far from 30
    "END",
]) + "\n"


def test_only_close_cyx_pairs_are_disulfides():
    assert disulfide_pairs(PDB) == [(1, 2)]


def test_missing_conect_records_are_added_before_end_once():
    fixed = with_disulfide_conect(PDB)
    assert fixed.splitlines()[-2:] == ["CONECT    1    2", "END"]
    assert with_disulfide_conect(fixed) == fixed  # an existing record is not repeated
