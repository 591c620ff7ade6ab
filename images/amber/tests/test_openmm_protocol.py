"""The OpenMM protocol is read from the mdin each stage writes for sander (no second table), the step's
platform and threads follow the task's CPU limit, and what OpenMM cannot do fails with the reason."""

import pytest

from protein_steps.errors import StepError
from protein_steps.mdin import MdSettings, parse_cntrl, sander_properties, write_mdin
from protein_steps.mdout import parse_mdout, parse_minout
from protein_steps.openmm_engine import ewald_coefficient, fft_size, md_record, min_record, require_openmm
from protein_steps.openmm_platform import candidates, cgroup_cpu_limit, cpu_threads, quota_cpus
from protein_steps.openmm_protocol import protocol_from_cntrl


def stage_protocol(tmp_path, kind, periodic=True, mask="!:WAT", protocol="tutorial", steps=100, traj=20):
    settings = MdSettings(simulation_type=kind, steps=steps, restraint_mask=mask, restraint_weight=5.0,
                          temperature=310.0, traj_interval=traj, periodic=periodic, seed=42, free_md_protocol=protocol)
    for name in ("a.prmtop", "a.rst"):
        (tmp_path / name).touch()
    mdin = write_mdin(sander_properties(settings), tmp_path / "mdin", str(tmp_path / "a.prmtop"), str(tmp_path / "a.rst"))
    return protocol_from_cntrl(parse_cntrl(mdin.read_text()))


def test_heating_starts_cold_and_couples_to_the_target_with_the_mdin_collision_frequency(tmp_path):
    p = stage_protocol(tmp_path, "heat")
    assert (p.minimise, p.steps, p.time_step_ps, p.cutoff_angstrom, p.constraints) == (False, 100, 0.002, 10.0, "h-bonds")
    assert (p.thermostat, p.collision_frequency_per_ps, p.temperature_k, p.initial_temperature_k) == (True, 1.0, 310.0, 0.0)
    assert (p.continue_velocities, p.pressure_bar, p.seed, p.traj_interval) == (False, None, 42, 20)
    assert (p.restraint_mask, p.restraint_weight, p.periodic, p.wrap) == ("!:WAT", 5.0, True, True)


def test_equilibration_continues_velocities_and_npt_holds_the_mdin_pressure(tmp_path):
    nvt, npt = stage_protocol(tmp_path, "nvt"), stage_protocol(tmp_path, "npt")
    assert (nvt.continue_velocities, nvt.collision_frequency_per_ps, nvt.pressure_bar) == (True, 5.0, None)
    assert (npt.continue_velocities, npt.pressure_bar, npt.pressure_relaxation_ps) == (True, 1.0, 2.0)


def test_free_md_follows_its_protocol(tmp_path):
    tutorial = stage_protocol(tmp_path, "free", mask="")
    assert (tutorial.restraint_mask, tutorial.collision_frequency_per_ps, tutorial.continue_velocities) == ("", 0.0, False)
    npt = stage_protocol(tmp_path, "free", mask="", protocol="npt")
    assert (npt.pressure_bar, npt.continue_velocities, npt.collision_frequency_per_ps) == (1.0, True, 5.0)


def test_minimisations_take_sander_s_default_cutoff_or_the_vacuum_preset(tmp_path):
    solvated = stage_protocol(tmp_path, "minimization", steps=300)
    assert (solvated.minimise, solvated.steps, solvated.cutoff_angstrom, solvated.constraints) == (True, 300, 8.0, "none")
    vacuum = stage_protocol(tmp_path, "minimization", periodic=False, mask=":*&!@H=")
    assert (vacuum.periodic, vacuum.cutoff_angstrom, vacuum.restraint_weight) == (False, 12.0, 5.0)


@pytest.mark.parametrize("setting,words", [({"ntt": "1"}, "ntt = 1"), ({"ntp": "2", "ntb": "2"}, "ntp = 2"),
                                           ({"ntc": "3", "ntf": "3"}, "ntc = 3"), ({"igb": "5"}, "igb = 5")])
def test_what_openmm_cannot_run_fails_naming_the_setting(setting, words):
    with pytest.raises(StepError, match=f"{words}.*md_engine=sander"):
        protocol_from_cntrl({"imin": "0", "nstlim": "10", "ntc": "2", "ntf": "2", "ntt": "3", **setting})


def test_sander_s_ewald_coefficient_and_pme_grid():
    assert ewald_coefficient(10.0) == pytest.approx(0.27511, abs=1e-5)  # sander prints these for dsum_tol 1e-5
    assert ewald_coefficient(8.0) == pytest.approx(0.34864, abs=1e-5)
    assert [fft_size(x) for x in (67.86, 64.0, 64.2, 81.0)] == [72, 64, 72, 81]


def test_logs_are_read_back_by_the_plot_steps_parser():
    terms = {"BOND": 1.0, "ANGLE": 2.0, "DIHED": 3.0, "1-4 NB": 4.0, "1-4 EEL": 5.0, "NONBOND": -100.0, "RESTRAINT": 0.5}
    record = parse_mdout(md_record(40, 1.08, 299.5, -12.3, 50.0, terms, 250000.0, 1.0123))[0]
    assert (record["NSTEP"], record["TIME"], record["TEMP"], record["PRES"], record["DENSITY"]) == (40, 1.08, 299.5, -12.3, 1.0123)
    assert record["EPTOT"] == pytest.approx(-84.5) and record["1-4 NB"] == 4.0
    minimised = parse_minout(min_record(1, -84.5, 2.5, 30.0, terms) + min_record(10, -90.0, 1.0, 9.0))
    assert [(r["NSTEP"], r["ENERGY"]) for r in minimised] == [(1, -84.5), (10, -90.0)]


def test_cpu_threads_follow_the_cgroup_limit(tmp_path, monkeypatch):
    assert (quota_cpus("200000", "100000"), quota_cpus("150000", "100000"), quota_cpus("50000", "100000")) == (2, 1, 1)
    assert quota_cpus("max", "100000") is None and quota_cpus("-1", "100000") is None
    (tmp_path / "cpu.max").write_text("400000 100000\n")
    assert cgroup_cpu_limit(tmp_path) == 4
    monkeypatch.setattr("protein_steps.openmm_platform.usable_cpus", lambda: 2)
    assert cpu_threads(tmp_path)[0] == 2  # never more than the CPUs the process may use
    (tmp_path / "cpu.max").write_text("100000 100000\n")
    assert cpu_threads(tmp_path) == (1, "cgroup CPU limit 1, 2 usable CPUs")
    (tmp_path / "cpu.max").unlink()
    assert cpu_threads(tmp_path) == (2, "2 usable CPUs, no cgroup CPU limit")


def test_platform_choice():
    def threads():
        return 3, "test"

    assert [c.platform for c in candidates("auto", ["Reference", "CPU", "OpenCL", "CUDA"], threads)] == ["CUDA", "OpenCL", "CPU"]
    assert candidates("cpu", ["Reference", "CPU"], threads)[0].properties == {"Threads": "3"}
    with pytest.raises(StepError, match="md_platform=cuda but OpenMM has no CUDA platform here.*libcuda"):
        candidates("cuda", ["Reference", "CPU"], threads, ("Error loading libOpenMMCUDA.so: libcuda.so.1: not found",))
    with pytest.raises(StepError, match="md_platform must be one of auto, cpu, cuda"):
        candidates("tpu", ["CPU"], threads)


def test_missing_openmm_names_the_image_and_how_to_rebuild_it(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "openmm", None)
    monkeypatch.setenv("PROTEIN_STEP_IMAGE", "registry.example/amber@sha256:abc")
    with pytest.raises(StepError, match=r"not installed in the image registry.example/amber@sha256:abc: rebuild .*images/amber"):
        require_openmm()
