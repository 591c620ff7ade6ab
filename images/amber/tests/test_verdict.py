"""The run report's judgement: reference bands file, physical checks and the reasons for an off-target stage."""

import json

import pytest

from conftest import DATA
from protein_steps.errors import StepError
from protein_steps.verdict import (BANDS_FILE, FACTS, Stage, band_rows, load_bands, off_target_reason, physical_rows,
                                   stage_facts)


def stage(name: str, temperature: float, density: float | None = None, cntrl: dict | None = None) -> Stage:
    return Stage(name, 10, temperature, temperature, density, 10.0, 5.0, 1.0, cntrl or {"irest": "1", "ntt": "3",
                                                                                        "gamma_ln": "5.0"})


def test_the_shipped_bands_are_the_tutorials_for_1aki_with_their_provenance():
    bands = load_bands()
    assert set(bands) == {"1aki"} and "biobb_wf_amber_md_setup" in bands["1aki"]["provenance"]
    by_fact = {band.fact: band for band in bands["1aki"]["bands"]}
    assert set(by_fact) == set(FACTS)
    assert (by_fact["npt.mean_density"].low, by_fact["npt.mean_density"].high) == (0.887, 0.909)
    assert (by_fact["nvt.mean_temperature"].low, by_fact["nvt.mean_temperature"].high) == (292.0, 301.0)


@pytest.mark.parametrize("broken, message", [
    ("{", "cannot be read as JSON"),
    ('{"systems": []}', 'needs an object "systems"'),
    ('{"systems": {"1aki": {"bands": []}}}', 'systems.1aki: needs "provenance"'),
    ('{"systems": {"1aki": {"provenance": "p", "bands": [{"quantity": "q"}]}}}', r"bands\[0\]: missing or mistyped fact"),
    ('{"systems": {"1aki": {"provenance": "p", "bands": [{"quantity": "q", "fact": "npt.mean_pressure", "unit": "bar",'
     ' "low": 1, "high": 2, "tutorial": "t"}]}}}', "fact 'npt.mean_pressure' is not one of"),
    ('{"systems": {"1aki": {"provenance": "p", "bands": [{"quantity": "q", "fact": "rgyr.mean_rgyr", "unit": "A",'
     ' "low": 3, "high": 2, "tutorial": "t"}]}}}', "low 3 is above high 2"),
])
def test_a_malformed_bands_file_is_refused_naming_file_and_entry(tmp_path, broken, message):
    path = tmp_path / "bands.json"
    path.write_text(broken)
    with pytest.raises(StepError, match=message) as raised:
        load_bands(path)
    assert str(path) in str(raised.value)


def test_bands_mark_inside_and_outside():
    bands = load_bands()["1aki"]["bands"]
    rows = band_rows(bands, {"npt.mean_density": 0.95, "nvt.mean_temperature": 296.0})
    verdicts = {row.check: (row.value, row.inside) for row in rows}
    assert verdicts["NPT mean density"] == ("0.950 g/cm³", False)
    assert verdicts["NVT mean temperature"] == ("296.0 K", True)
    assert verdicts["mean radius of gyration (backbone)"] == ("not measured", False)
    shown_at_the_edge = {row.check: row for row in band_rows(bands, {"rgyr.mean_rgyr": 13.7999999})}
    assert shown_at_the_edge["mean radius of gyration (backbone)"].value == "13.80 Å"
    assert shown_at_the_edge["mean radius of gyration (backbone)"].inside


def test_the_tutorials_free_md_is_flagged_with_its_reason():
    tutorial_free = {"imin": "0", "ntt": "3", "ig": "5", "nstlim": "2500"}  # biobb's free preset, as the notebook
    assert "irest = 0, tempi = 0" in off_target_reason(tutorial_free)
    assert "gamma_ln = 0" in off_target_reason(tutorial_free)
    rows = {row.check: row for row in physical_rows(
        {"nvt": stage("nvt", 299.0), "npt": stage("npt", 301.0, 0.90), "free": stage("free", 190.0, None, tutorial_free)},
        300.0)}
    free = rows["Free MD: mean temperature"]
    assert not free.inside and free.note.startswith("off target by 37%: velocities start again from 0 K")
    assert rows["NVT equilibration: mean temperature"].inside and not rows["NVT equilibration: mean temperature"].note
    density = rows["NPT equilibration: mean density"]
    assert not density.inside and "not yet equilibrated" in density.note
    assert rows["energies and temperatures are numbers"].inside


def test_stage_facts_from_a_real_sander_log():
    npt = stage_facts("npt", (DATA / "sander-npt.mdout").read_text())
    assert npt.records > 1 and 0.5 < npt.mean_density < 1.2 and npt.cntrl["ntp"] == "1"
    assert npt.wall_seconds is not None and npt.ns_per_day is not None and npt.ns_per_day > 0


def test_the_bands_file_is_packaged_with_the_step_runner():
    pyproject = (BANDS_FILE.parents[2] / "pyproject.toml").read_text()
    assert '"data/*.json"' in pyproject and json.loads(BANDS_FILE.read_text())
