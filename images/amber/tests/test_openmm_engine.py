"""md_engine=openmm for real on a small solvated system (the 6-residue peptide of 4E43): OpenMM stages hand
over to sander and back through Amber restarts, and the plot and cpptraj steps read OpenMM's log and
trajectory as they read sander's."""

import subprocess
from pathlib import Path

import pytest

from test_real_amber import PEPTIDE_BOX, peptide_pdb, plot_flags, reported_metrics, run, solvate


def md(out: Path, engine: str, kind: str, steps: int, top: Path, crd: Path, traj: int = 0,
       platform: str = "cpu", ok: bool = True) -> subprocess.CompletedProcess:
    return run("sander-mdrun", "--engine", engine, "--platform", platform, "--simulation-type", kind,
               "--steps", str(steps), "--restraint-mask", "{solute}" if kind != "free" else "",
               "--restraint-weight", "10", "--temperature", "300", "--traj-interval", str(traj), "--seed", "71277",
               "--free-md-protocol", "npt", "--water-model", "TIP3PBOX", "--positive-ion", "Na+",
               "--negative-ion", "Cl-", "--input-top", str(top), "--input-crd", str(crd),
               "--output-mdin", str(out / "mdin"), "--output-rst", str(out / "rst"),
               "--output-traj", str(out / "traj"), "--output-log", str(out / "log"), ok=ok)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    """min (OpenMM) → heat (OpenMM) → nvt (sander) → npt (OpenMM) → free MD (sander), then the analyses."""
    root = tmp_path_factory.mktemp("mixed")
    peptide = peptide_pdb(root)
    run("pdb4amber", "--input-pdb", str(peptide), "--output-pdb", str(root / "p4a/pdb"))
    solvate(root, root / "p4a/pdb", PEPTIDE_BOX)
    top = root / "ions/top"
    (root / "stdout").mkdir()
    for name, engine, kind, steps, start, traj in [("min", "openmm", "minimization", 50, root / "ions/crd", 0),
                                                    ("heat", "openmm", "heat", 20, root / "min/rst", 5),
                                                    ("nvt", "sander", "nvt", 20, root / "heat/rst", 0),
                                                    ("npt", "openmm", "npt", 20, root / "nvt/rst", 5),
                                                    ("free", "sander", "free", 20, root / "npt/rst", 5)]:
        (root / "stdout" / name).write_text(md(root / name, engine, kind, steps, top, start, traj).stdout)
    run("energy-plot", "--log-kind", "minout", "--terms", "ENERGY", "--title", "Minimisation",
        "--input-log", str(root / "min/log"), *plot_flags(root / "plotmin"))
    run("energy-plot", "--log-kind", "mdout", "--terms", "PRES,DENSITY", "--title", "NPT",
        "--input-log", str(root / "npt/log"), *plot_flags(root / "plotnpt"))
    run("cpptraj-rms", "--mask", "backbone", "--traj-interval", "5", "--title", "RMSD", "--input-top", str(top),
        "--input-traj", str(root / "npt/traj"), "--input-ref-pdb", str(peptide), *plot_flags(root / "rms"))
    run("cpptraj-image", "--mask", "solute", "--input-top", str(top), "--input-traj", str(root / "npt/traj"),
        "--output-traj", str(root / "image/traj"), "--output-top", str(root / "image/top"))
    return root


def _times(log: Path) -> list[float]:
    from protein_steps.mdout import parse_mdout

    return [record["TIME"] for record in parse_mdout(log.read_text())]


def test_stages_hand_over_between_engines_through_amber_restarts(mixed):
    heat, nvt, npt, free = (_times(mixed / stage / "log") for stage in ("heat", "nvt", "npt", "free"))
    assert heat[0] == pytest.approx(0.0) and heat[-1] == pytest.approx(0.04)  # 20 steps of 2 fs from 0 K
    assert nvt[-1] == pytest.approx(0.08)  # sander continued OpenMM's restart: its time and velocities
    assert npt[-1] == pytest.approx(0.12)  # and OpenMM continued sander's
    assert free[-1] == pytest.approx(0.16)
    from protein_steps.mdout import parse_mdout

    nvt_start = parse_mdout((mixed / "nvt/log").read_text())[0]["TEMP"]
    assert nvt_start > 10  # velocities carried over (a cold start would report ~0 K)


def test_openmm_stages_write_amber_files_and_a_protocol_in_place_of_the_mdin(mixed):
    for stage in ("min", "heat", "npt"):
        assert (mixed / stage / "rst").read_bytes()[:3] == b"CDF"  # Amber NetCDF restart
        protocol = (mixed / stage / "mdin").read_text()
        assert protocol.startswith("# OpenMM protocol") and "&cntrl" in protocol and "platform = CPU" in protocol
    assert (mixed / "heat/traj").read_bytes()[:3] == b"CDF"
    assert "pressure_bar = 1.0" in (mixed / "npt/mdin").read_text()
    assert "restraint_mask = !:WAT,Cl-,Na+" in (mixed / "heat/mdin").read_text()


def test_each_openmm_step_log_names_platform_threads_and_speed(mixed):
    for stage in ("heat", "npt"):
        out = (mixed / "stdout" / stage).read_text()
        assert "platform CPU" in out and " threads (" in out and "ns/day" in out
    assert "engine sander: platform CPU, serial (1 thread)" in (mixed / "stdout/nvt").read_text()


def test_plots_and_cpptraj_read_openmm_outputs(mixed):
    assert reported_metrics(mixed / "plotmin")["final_energy"] < 0
    npt = reported_metrics(mixed / "plotnpt")
    assert 0.5 < npt["mean_density"] < 1.5
    rows = [line.split() for line in (mixed / "rms/dat").read_text().splitlines()[1:]]
    assert [float(row[0]) for row in rows] == pytest.approx([0.01, 0.02, 0.03, 0.04])
    assert 0 < reported_metrics(mixed / "rms")["mean_rmsd_experimental"] < 5
    assert (mixed / "image/traj").stat().st_size > 0


def test_the_run_report_reads_an_openmm_stage_as_it_reads_a_sander_one(mixed):
    from protein_steps.steps.run_report import engine_text
    from protein_steps.verdict import stage_facts

    for stage, engine in (("heat", "OpenMM"), ("npt", "OpenMM"), ("nvt", "sander")):
        log = (mixed / stage / "log").read_text()
        facts = stage_facts(stage, log)  # the stage's settings come from the mdin its log echoes, as sander's does
        assert facts.cntrl["nstlim"] == "20" and facts.cntrl["temp0"].startswith("300")
        assert facts.picoseconds == pytest.approx(0.04)
        assert facts.wall_seconds is not None and facts.ns_per_day and facts.ns_per_day > 0
        assert engine_text(log, {}).startswith(engine)


def test_cuda_on_a_node_without_one_fails_at_once_with_the_reason(mixed, tmp_path):
    result = md(tmp_path, "openmm", "minimization", 5, mixed / "ions/top", mixed / "ions/crd", platform="cuda",
                ok=False)
    assert result.returncode == 1
    assert "md_platform=cuda" in result.stderr and "md_platform to auto or cpu" in result.stderr
    assert not (tmp_path / "rst").exists()
