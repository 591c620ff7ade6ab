from pathlib import Path

import pytest

AMBER_DIR = Path(__file__).resolve().parents[1]

DATA = AMBER_DIR / "tests" / "data"
# The tutorial's box around 1AKI (the lysozyme fixture).
BOX = ["--forcefield", "protein.ff14SB", "--water-model", "TIP3PBOX", "--box-type", "truncated_octahedron",
       "--box-distance", "9.0"]


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def lysozyme(tmp_path_factory) -> Path:
    """1AKI through the tiny preset's structure preparation (shared by test_lysozyme and the OpenMM parity test)."""
    from test_real_amber import run, sander, solvate

    root = tmp_path_factory.mktemp("lysozyme")
    run("fetch-pdb", "--pdb-code", "1aki", "--source", str(DATA), "--output-pdb", str(root / "fetch/pdb"))
    run("pdb4amber", "--input-pdb", str(root / "fetch/pdb"), "--output-pdb", str(root / "p4a/pdb"))
    run("leap-gen-top", "--forcefield", "protein.ff14SB", "--input-pdb", str(root / "p4a/pdb"),
        "--output-top", str(root / "top/top"), "--output-crd", str(root / "top/crd"), "--output-pdb", str(root / "top/pdb"))
    sander(root / "minvac", "minimization", 50, root / "top/top", root / "top/crd", mask=":*&!@H=")
    run("amber-to-pdb", "--input-top", str(root / "top/top"), "--input-crd", str(root / "minvac/rst"),
        "--output-pdb", str(root / "a2p/pdb"))
    solvate(root, root / "a2p/pdb", BOX)
    return root
