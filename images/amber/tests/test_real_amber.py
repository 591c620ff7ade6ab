"""Every step run for real through the CLI with AmberTools and biobb, on a small real system: the
6-residue peptide (chain C) of PDB entry 4E43, solvated in a small box so sander takes seconds.
Needs the venv of images/amber/ci.sh (AMBERHOME set, AmberTools on PATH); nothing is skipped."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import AMBER_DIR, DATA
from protein_steps.seeds import stage_seed

SOLUTE = "{solute}"


def run(*argv: str, ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "protein_steps", *argv], cwd=AMBER_DIR,
                            capture_output=True, text=True, check=False)
    if ok:
        assert result.returncode == 0, f"{argv[0]} failed:\n{result.stderr[-3000:]}"
    return result


def executor_input(directory: Path) -> str:
    metrics = {"artifacts": [{"name": "output_metrics", "type": {"schemaTitle": "system.Metrics"},
                              "uri": "file:///m", "metadata": {}}]}
    return json.dumps({"outputs": {"artifacts": {"output_metrics": metrics},
                                   "outputFile": str(directory / "executor_output.json")}})


def plot_flags(directory: Path) -> list[str]:
    return ["--executor-input", executor_input(directory), "--output-dat", str(directory / "dat"),
            "--output-html", str(directory / "html"), "--output-metrics", str(directory / "metrics")]


def reported_metrics(directory: Path) -> dict:
    output = json.loads((directory / "executor_output.json").read_text())
    return output["artifacts"]["output_metrics"]["artifacts"][0]["metadata"]


def sander(out: Path, kind: str, steps: int, top: Path, crd: Path, mask: str = SOLUTE, traj: int = 0,
           protocol: str = "tutorial"):
    run("sander-mdrun", "--simulation-type", kind, "--steps", str(steps), "--restraint-mask", mask,
        "--restraint-weight", "10", "--temperature", "300", "--traj-interval", str(traj), "--seed", "71277",
        "--free-md-protocol", protocol, "--water-model", "TIP3PBOX", "--positive-ion", "Na+",
        "--negative-ion", "Cl-", "--input-top", str(top), "--input-crd", str(crd),
        "--output-mdin", str(out / "mdin"), "--output-rst", str(out / "rst"),
        "--output-traj", str(out / "traj"), "--output-log", str(out / "log"))
    return out


PEPTIDE_BOX = ["--forcefield", "protein.ff14SB", "--water-model", "TIP3PBOX", "--box-type", "truncated_octahedron",
               "--box-distance", "6.0"]


def peptide_pdb(root: Path) -> Path:
    """The 6-residue chain C of 4E43 as a PDB file."""
    peptide = root / "peptide.pdb"
    atoms = [line for line in (DATA / "4e43.pdb").read_text().splitlines()
             if line.startswith("ATOM") and line[21] == "C"]
    peptide.write_text("\n".join(atoms) + "\nEND\n")
    return peptide


def solvate(root: Path, pdb: Path, box: list[str]) -> Path:
    """leap-solvate into root/solv, then leap-add-ions (Na+/Cl-, 150 mM) into root/ions; returns root/ions."""
    run("leap-solvate", *box, "--input-pdb", str(pdb), "--output-top", str(root / "solv/top"),
        "--output-crd", str(root / "solv/crd"), "--output-pdb", str(root / "solv/pdb"))
    run("leap-add-ions", *box, "--ionic-concentration", "150", "--positive-ion", "Na+", "--negative-ion", "Cl-",
        "--seed", "71277", "--input-pdb", str(root / "solv/pdb"), "--output-top", str(root / "ions/top"),
        "--output-crd", str(root / "ions/crd"), "--output-pdb", str(root / "ions/pdb"))
    return root / "ions"


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> Path:
    """Runs the pipeline's steps in order once; the tests below inspect the outputs."""
    root = tmp_path_factory.mktemp("chain")
    peptide = peptide_pdb(root)

    run("pdb4amber", "--input-pdb", str(peptide), "--output-pdb", str(root / "p4a/pdb"))
    run("leap-gen-top", "--forcefield", "protein.ff14SB", "--input-pdb", str(root / "p4a/pdb"),
        "--output-top", str(root / "top/top"), "--output-crd", str(root / "top/crd"), "--output-pdb", str(root / "top/pdb"))
    sander(root / "minvac", "minimization", 50, root / "top/top", root / "top/crd", mask=":*&!@H=")
    run("energy-plot", "--log-kind", "minout", "--terms", "ENERGY", "--title", "Vacuum minimisation",
        "--input-log", str(root / "minvac/log"), *plot_flags(root / "plotmin"))
    run("amber-to-pdb", "--input-top", str(root / "top/top"), "--input-crd", str(root / "minvac/rst"),
        "--output-pdb", str(root / "a2p/pdb"))
    solvate(root, root / "a2p/pdb", PEPTIDE_BOX)
    top = root / "ions/top"
    sander(root / "min", "minimization", 30, top, root / "ions/crd")
    sander(root / "heat", "heat", 20, top, root / "min/rst")
    run("energy-plot", "--log-kind", "mdout", "--terms", "TEMP", "--title", "Heating",
        "--input-log", str(root / "heat/log"), *plot_flags(root / "plotheat"))
    sander(root / "npt", "npt", 20, top, root / "heat/rst", traj=5)
    run("energy-plot", "--log-kind", "mdout", "--terms", "PRES,DENSITY", "--title", "NPT",
        "--input-log", str(root / "npt/log"), *plot_flags(root / "plotnpt"))
    sander(root / "free", "free", 20, top, root / "npt/rst", mask="", traj=5)
    run("cpptraj-image", "--mask", "solute", "--input-top", str(top), "--input-traj", str(root / "free/traj"),
        "--output-traj", str(root / "image/traj"), "--output-top", str(root / "image/top"))
    run("cpptraj-rms", "--mask", "backbone", "--traj-interval", "5", "--title", "RMSD", "--input-top", str(top),
        "--input-traj", str(root / "free/traj"), "--input-ref-pdb", str(peptide), *plot_flags(root / "rms"))
    run("cpptraj-rgyr", "--mask", "backbone", "--traj-interval", "5", "--title", "Radius of gyration",
        "--input-top", str(top), "--input-traj", str(root / "free/traj"), *plot_flags(root / "rgyr"))
    return root


def test_structure_preparation_builds_a_solvated_neutral_box(chain):
    assert "ATOM" in (chain / "p4a/pdb").read_text()
    solvated = (chain / "ions/top").read_text()
    assert "WAT" in solvated and "%FLAG BOX_DIMENSIONS" in solvated
    assert "%FLAG BOX_DIMENSIONS" not in (chain / "top/top").read_text()  # vacuum topology has no box
    residues = (chain / "ions/pdb").read_text()
    assert re.search(r"(Na\+|Cl-)", residues), "leap-add-ions added no ions"


def test_minimisation_and_md_write_restart_log_and_trajectory(chain):
    for stage in ("minvac", "min", "heat", "npt", "free"):
        assert (chain / stage / "rst").stat().st_size > 0
        assert "FINAL RESULTS" in (chain / stage / "log").read_text() or "A V E R A G E S" in (chain / stage / "log").read_text()
    assert (chain / "minvac/traj").stat().st_size == 0  # no frames were asked for
    assert (chain / "npt/traj").read_bytes()[:3] == b"CDF"  # NetCDF trajectory
    assert (chain / "image/traj").stat().st_size > 0


def test_energy_plots_report_metrics_through_the_executor_output(chain):
    assert reported_metrics(chain / "plotmin")["final_energy"] < 0
    heat = reported_metrics(chain / "plotheat")["mean_temp"]
    assert 0 < heat < 400
    npt = reported_metrics(chain / "plotnpt")
    assert set(npt) == {"mean_pres", "mean_density"} and 0.5 < npt["mean_density"] < 1.5
    page = (chain / "plotnpt/html").read_text()
    assert page.count("<svg") == 1 and "<script" not in page


def test_rmsd_against_both_references_on_one_plot_in_picoseconds(chain):
    rows = [line.split() for line in (chain / "rms/dat").read_text().splitlines()[1:]]
    times = [float(row[0]) for row in rows]
    assert times == pytest.approx([0.01, 0.02, 0.03, 0.04])  # 4 frames every 5 steps of 0.002 ps
    assert float(rows[0][1]) == pytest.approx(0.0, abs=1e-3)  # frame 1 vs itself
    metrics = reported_metrics(chain / "rms")
    assert 0 < metrics["mean_rmsd_experimental"] < 5  # angstrom, against the crystal structure
    assert metrics["min_rmsd_experimental"] <= metrics["mean_rmsd_experimental"] <= metrics["max_rmsd_experimental"]
    page = (chain / "rms/html").read_text()
    assert page.count("<svg") == 1 and "vs experimental structure" in page and "vs first frame" in page
    assert 3 < reported_metrics(chain / "rgyr")["mean_rgyr"] < 15
    assert "<svg" in (chain / "rgyr/html").read_text()


def test_imaged_trajectory_is_solute_only_with_its_topology(chain):
    import parmed

    stripped = parmed.load_file(str(chain / "image/top"))
    full = parmed.load_file(str(chain / "ions/top"))
    assert {r.name for r in stripped.residues}.isdisjoint({"WAT", "Na+", "Cl-"})
    assert len(stripped.atoms) == sum(1 for r in full.residues if r.name not in ("WAT", "Na+", "Cl-")
                                      for _ in r.atoms)
    assert (chain / "image/traj").read_bytes()[:3] == b"CDF"


def test_every_md_stage_delivers_the_mdin_sander_ran(chain):
    for stage in ("minvac", "min", "heat", "npt", "free"):
        mdin = (chain / stage / "mdin").read_text()
        echoed = (chain / stage / "log").read_text()  # sander echoes its input file at the top of its log
        assert "&cntrl" in mdin
        assert all(line.strip() in echoed for line in mdin.splitlines() if "=" in line), stage
    heat = (chain / "heat/mdin").read_text()
    assert 'restraintmask = "!:WAT,Cl-,Na+"' in heat and f"ig = {stage_seed(71277, 'heat')} " in heat


def test_run_report_says_what_ran_judges_it_and_gathers_the_plots_in_order(chain, tmp_path):
    plots = {"min-vacuum-h": "plotmin", "min-vacuum-system": "plotmin", "min-solvated": "plotmin",
             "heat": "plotheat", "nvt": "plotheat", "npt": "plotnpt", "free-md": "plotheat", "rmsd": "rms",
             "rgyr": "rgyr"}
    flags = [arg for name, d in plots.items() for arg in (f"--{name}-plot", str(chain / d / "html"))]
    logs = {"heat": "heat", "nvt": "heat", "npt": "npt", "free": "free"}  # the chain has no NVT stage
    flags += [arg for name, d in logs.items() for arg in (f"--{name}-log", str(chain / d / "log"))]
    run("run-report", "--title", "Run <1>", "--run-context", '{"preset": "tiny", "overrides": {"box_distance": 6}}',
        "--pdb-code", "4e43", "--seed", "71277", "--temperature", "300", "--image", "reg/amber@sha256:abc",
        "--input-pdb", str(DATA / "4e43.pdb"), "--input-top", str(chain / "ions/top"),
        "--input-traj", str(chain / "free/traj"),
        "--rmsd-metrics", str(chain / "rms/metrics"), "--rgyr-metrics", str(chain / "rgyr/metrics"),
        *flags, "--output-html", str(tmp_path / "report"), "--output-viewer", str(tmp_path / "viewer"))
    page = (tmp_path / "report").read_text()
    viewer = (tmp_path / "viewer").read_text()
    # The free MD wrote 4 frames; 4E43's C-alpha atoms are not the chain's peptide's, so no superposition.
    for html_page in (page, viewer):
        assert html_page.count('id="molecule-view"') == 1 and 'max="3"' in html_page
        assert "4 of its 4 frames" in html_page and "not superposed" in html_page
    assert page.count("<svg") == 9 and "Run &lt;1&gt;" in page
    assert page.index("Heating") < page.index("NPT") < page.index("RMSD") < page.index("Radius of gyration")
    assert "4E43: Hiv protease (pr) dimer" in page and "box_distance = 6" in page
    assert re.search(r"<th>System</th><td>[\d,]+ atoms, [\d,]+ waters, \d+ Cl-, \d+ Na\+", page)
    assert "truncated octahedron box" in page and "reg/amber@sha256:abc" in page and "A plumbing check" in page
    assert "No reference values for 4E43" in page and "NPT equilibration: mean density" in page
    assert re.search(r"Free MD: mean temperature</td><td>[\d.]+ K</td><td>300 K ± 3%", page)


def test_ambertools_failure_reports_the_tail_of_its_log(chain, tmp_path):
    """Coordinates of another system: sander stops, and its own error message reaches stderr."""
    result = run("sander-mdrun", "--simulation-type", "minimization", "--steps", "5", "--restraint-mask", "",
                 "--restraint-weight", "0", "--temperature", "300", "--traj-interval", "0", "--seed", "1",
                 "--free-md-protocol", "tutorial", "--water-model", "TIP3PBOX", "--positive-ion", "Na+",
                 "--negative-ion", "Cl-", "--input-top", str(chain / "ions/top"), "--input-crd", str(chain / "top/crd"),
                 "--output-mdin", str(tmp_path / "i"), "--output-rst", str(tmp_path / "r"), "--output-traj", str(tmp_path / "t"),
                 "--output-log", str(tmp_path / "l"), ok=False)
    assert result.returncode == 1
    assert result.stderr.startswith("protein-step sander-mdrun: sander (minimization) failed")
    assert len(result.stderr.splitlines()) > 1  # the log tail follows the one-line message
    assert not (tmp_path / "r").exists()


def test_unknown_force_field_is_reported(tmp_path, chain):
    result = run("leap-gen-top", "--forcefield", "protein.ff99NOPE", "--input-pdb", str(chain / "p4a/pdb"),
                 "--output-top", str(tmp_path / "t"), "--output-crd", str(tmp_path / "c"),
                 "--output-pdb", str(tmp_path / "p"), ok=False)
    assert result.returncode == 1
    assert "protein.ff99NOPE" in result.stderr


def test_nan_energies_in_a_log_fail_the_plot(chain, tmp_path):
    log = (chain / "heat/log").read_text()
    broken = re.sub(r"TEMP\(K\) =\s+[\d.]+", "TEMP(K) =      NaN", log, count=2)
    (tmp_path / "log").write_text(broken)
    result = run("energy-plot", "--log-kind", "mdout", "--terms", "TEMP", "--title", "t",
                 "--input-log", str(tmp_path / "log"), *plot_flags(tmp_path / "o"), ok=False)
    assert result.returncode == 1 and "NaN or overflowing TEMP" in result.stderr
