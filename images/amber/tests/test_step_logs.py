"""What a step writes to its log: the MD progress follower and file summaries (pure), and the log of
real steps with AmberTools: an MD stage prints progress lines, a failing stage its reason and the
tool's tail. Needs the venv of images/amber/ci.sh for the real part; nothing is skipped."""

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import AMBER_DIR, DATA
from protein_steps.progress import MdProgress, clock, describe, describe_pdb, describe_prmtop, sandbox_log

MD_RECORD = """ NSTEP = {step:8d}   TIME(PS) =       {ps:.3f}  TEMP(K) =   {temp:.2f}  PRESS =     0.0
 Etot   =     {etot:.4f}  EKtot   =       100.0000  EPtot      =     -1000.0000
 BOND   =         1.0000  ANGLE   =         2.0000  DIHED      =         3.0000
 ------------------------------------------------------------------------------
"""


def md_record(step: int) -> str:
    return MD_RECORD.format(step=step, ps=step * 0.002, temp=100 + step, etot=-900.0 - step)


def test_clock_formats_minutes_and_hours():
    assert clock(65) == "1:05"
    assert clock(3725) == "1:02:05"


def test_md_progress_reports_a_log_while_it_grows(tmp_path):
    log = tmp_path / "sandbox_1" / "output.log"
    log.parent.mkdir()
    lines: list[str] = []
    half_written = threading.Event()
    seen_at_half: list[int] = []

    def write() -> None:
        with log.open("w") as handle:
            for step in range(10, 110, 10):
                handle.write(md_record(step))
                handle.flush()
                if step == 50:
                    half_written.set()
                    time.sleep(0.5)  # the follower polls every 0.02 s: it must have seen steps 10..50
                    seen_at_half.append(len(lines))
                time.sleep(0.01)

    with MdProgress("sander (heat)", "mdout", 100, sandbox_log(tmp_path, "output.log"), every=20,
                    poll_seconds=0.02, out=lines.append):
        writer = threading.Thread(target=write)
        writer.start()
        writer.join()
    assert seen_at_half and seen_at_half[0] >= 2, "no progress line while the log was still growing"
    steps = [int(line.split("step ")[1].split("/")[0]) for line in lines]
    assert steps == [10, 20, 40, 60, 80, 100]  # the first record, then every 20 steps, the last one included
    assert lines[2].startswith("sander (heat): step 40/100 (40%), 0.08 ps, E -940.0 kcal/mol, T 140.0 K, elapsed ")
    assert "ETA" in lines[2] and "ETA" not in lines[-1]


def test_md_progress_of_a_minimisation_log(tmp_path):
    text = "".join(
        f"   NSTEP       ENERGY          RMS            GMAX         NAME    NUMBER\n"
        f"     {step:4d}      {-1000 - step:.4E}     1.0E+00     2.0E+00     C        1\n\n"
        for step in (1, 5, 10)
    )
    (tmp_path / "output.log").write_text(text)
    lines: list[str] = []
    progress = MdProgress("sander (minimization)", "minout", 10, sandbox_log(tmp_path, "output.log"), every=5,
                          out=lines.append)
    progress.check()
    assert [line.split(",")[0] for line in lines] == [
        "sander (minimization): step 1/10 (10%)",
        "sander (minimization): step 5/10 (50%)",
        "sander (minimization): step 10/10 (100%)",
    ]
    assert "E -1010.0 kcal/mol" in lines[-1]


def test_describe_pdb_counts_atoms_residues_and_waters():
    text = (DATA / "4e43.pdb").read_text()
    atoms = sum(1 for line in text.splitlines() if line.startswith(("ATOM", "HETATM")))
    summary = describe_pdb(text)
    assert summary.startswith(f"PDB: {atoms} atoms, ")
    assert "water" in summary and "cell " in summary


PRMTOP = """%VERSION  VERSION_STAMP = V0001.000
%FLAG POINTERS
%FORMAT(10I8)
       5       2       0       0       0       0       0       0       0       0
       0       3       0       0       0       0       0       0       0       0
       0       0       0       0       0       0       0       1       0       0
%FLAG RESIDUE_LABEL
%FORMAT(20a4)
ALA WAT Na+
%FLAG CHARGE
%FORMAT(5E16.8)
  1.82223000E+01  0.00000000E+00 -1.82223000E+01  0.00000000E+00  1.82223000E+01
%FLAG BOX_DIMENSIONS
%FORMAT(5E16.8)
  1.09471219E+02  3.00000000E+01  3.10000000E+01  3.20000000E+01
"""


def test_describe_prmtop_reads_atoms_residues_charge_and_box(tmp_path):
    assert describe_prmtop(PRMTOP) == (
        "Amber topology: 5 atoms, 3 residues (1 water, 1 Na+), net charge +1.00 e, box 30.0 x 31.0 x 32.0 A"
    )
    (tmp_path / "top").write_text(PRMTOP)  # by content: KFP's artifact paths have no extension
    assert describe(tmp_path / "top").startswith("Amber topology: 5 atoms")
    (tmp_path / "nc").write_bytes(b"CDF\x02" + bytes(10))
    assert describe(tmp_path / "nc") == "NetCDF (14 bytes)"
    assert describe(tmp_path / "absent") == "missing"


# --- real AmberTools ---------------------------------------------------------------------------


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "protein_steps", *argv], cwd=AMBER_DIR, capture_output=True,
                          text=True, check=False)


def sander(kind: str, steps: int, top: Path, crd: Path, out: Path, mask: str = "") -> subprocess.CompletedProcess:
    return run("sander-mdrun", "--simulation-type", kind, "--steps", str(steps), "--restraint-mask", mask,
               "--restraint-weight", "10", "--temperature", "300", "--traj-interval", "0", "--seed", "71277",
               "--free-md-protocol", "tutorial", "--water-model", "TIP3PBOX", "--positive-ion", "Na+",
               "--negative-ion", "Cl-", "--input-top", str(top), "--input-crd", str(crd),
               "--output-rst", str(out / "rst"), "--output-traj", str(out / "traj"), "--output-log", str(out / "log"),
               "--output-mdin", str(out / "mdin"))


@pytest.fixture(scope="module")
def solvated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("logs")
    atoms = [line for line in (DATA / "4e43.pdb").read_text().splitlines()
             if line.startswith("ATOM") and line[21] == "C"]
    (root / "peptide.pdb").write_text("\n".join(atoms) + "\nEND\n")
    steps = [
        ("pdb4amber", "--input-pdb", str(root / "peptide.pdb"), "--output-pdb", str(root / "p4a")),
        ("leap-gen-top", "--forcefield", "protein.ff14SB", "--input-pdb", str(root / "p4a"),
         "--output-top", str(root / "vac/top"), "--output-crd", str(root / "vac/crd"),
         "--output-pdb", str(root / "vac/pdb")),
        ("leap-solvate", "--forcefield", "protein.ff14SB", "--water-model", "TIP3PBOX", "--box-type",
         "truncated_octahedron", "--box-distance", "6.0", "--input-pdb", str(root / "p4a"),
         "--output-top", str(root / "solv/top"), "--output-crd", str(root / "solv/crd"),
         "--output-pdb", str(root / "solv/pdb")),
    ]
    for argv in steps:
        result = run(*argv)
        assert result.returncode == 0, result.stderr[-3000:]
        (root / f"{argv[0]}.stdout").write_text(result.stdout)
    return root


def test_structure_steps_say_what_they_ran_and_on_what(solvated):
    log = (solvated / "leap-solvate.stdout").read_text()
    assert log.startswith("protein-step leap-solvate --forcefield protein.ff14SB --water-model TIP3PBOX")
    assert "  input-pdb: PDB: " in log
    assert "running tleap" in log
    topology = next(line for line in log.splitlines() if line.startswith("  output-top: "))
    assert "water" in topology and "box " in topology and "net charge" in topology


def test_an_md_stage_logs_progress_lines(solvated, tmp_path):
    result = sander("minimization", 20, solvated / "solv/top", solvated / "solv/crd", tmp_path / "min")
    assert result.returncode == 0, result.stderr[-3000:]
    result = sander("heat", 20, solvated / "solv/top", tmp_path / "min/rst", tmp_path / "heat", mask="!:WAT")
    assert result.returncode == 0, result.stderr[-3000:]
    progress = [line for line in result.stdout.splitlines() if line.startswith("sander (heat): step ")]
    assert len(progress) >= 5 and progress[-1].startswith("sander (heat): step 20/20 (100%)")
    assert all(" ps, E " in line and " K, elapsed " in line for line in progress)
    assert "sander (heat) finished in " in result.stdout and " -o output.log " in result.stdout
    assert "protein-step sander-mdrun: done in " in result.stdout


def test_a_failing_stage_logs_its_reason_and_the_tool_tail(solvated, tmp_path):
    """Vacuum coordinates for the solvated topology: sander stops on the atom count."""
    result = sander("minimization", 5, solvated / "solv/top", solvated / "vac/crd", tmp_path)
    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if " FAILED after " in line]
    assert failed == [failed[0]] and "sander (minimization) failed" in failed[0]
    tail = result.stderr.split("lines of the tool's log ---\n", 1)
    assert len(tail) == 2 and len(tail[1].splitlines()) >= 3, result.stderr
    assert "inpcrd" in tail[1]  # sander's own words about the coordinates it could not use
    assert not (tmp_path / "rst").exists()
