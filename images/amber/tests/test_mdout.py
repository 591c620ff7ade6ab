import math

import pytest

from conftest import DATA
from protein_steps.errors import StepError
from protein_steps.mdout import parse_log, parse_mdout, parse_minout, series, step_axis

MINOUT = (DATA / "sander-min-vacuum.mdout").read_text()  # sander, 500 cycles, ntpr 5, vacuum (our own run)
MDOUT = (DATA / "sander-npt.mdout").read_text()  # sander, 100 NPT steps, ntpr 10


def test_minout_has_one_record_per_printed_step_without_duplicating_the_final_one():
    records = parse_minout(MINOUT)
    steps = [int(r["NSTEP"]) for r in records]
    assert steps[0] == 1 and steps[-1] == 500
    assert len(steps) == len(set(steps))
    assert steps[1] == 5


def test_minout_values_and_terms():
    records = {int(r["NSTEP"]): r for r in parse_minout(MINOUT)}
    assert records[5]["ENERGY"] == pytest.approx(-2644.0)
    assert records[5]["RESTRAINT"] == pytest.approx(0.1550)
    assert records[5]["1-4 VDW"] == pytest.approx(811.2809)
    assert records[500]["ENERGY"] == pytest.approx(-3286.9)


def test_mdout_stops_before_averages_and_normalises_names():
    records = parse_mdout(MDOUT)
    assert [r["NSTEP"] for r in records] == [float(s) for s in range(10, 101, 10)]
    last = records[-1]
    assert (last["TEMP"], last["PRES"], last["DENSITY"], last["TIME"]) == (232.32, -944.3, 0.9014, 0.4)
    assert last["EPTOT"] == pytest.approx(-109801.6527)
    assert step_axis(records)[0] == pytest.approx(0.22)


def test_series_extracts_requested_terms_in_order():
    values = series(parse_log("mdout", MDOUT), ["TEMP", "density"], "log")
    assert list(values) == ["TEMP", "DENSITY"]
    assert values["TEMP"][0] == 146.02 and len(values["DENSITY"]) == 10


def test_unknown_term_names_the_available_ones():
    with pytest.raises(StepError, match="term 'VOLUMEX' is not in log; it has: .*TEMP"):
        series(parse_log("mdout", MDOUT), ["VOLUMEX"], "log")


@pytest.mark.parametrize("bad", ["NaN", "**************"])
def test_nan_or_overflowing_energies_are_an_error(bad):
    broken = MDOUT.replace("TEMP(K) =   232.32", f"TEMP(K) = {bad}")
    records = parse_mdout(broken)
    assert math.isnan(records[-1]["TEMP"])
    with pytest.raises(StepError, match="NaN or overflowing TEMP at step 100"):
        series(records, ["TEMP"], "log")


def test_a_log_of_the_wrong_kind_has_no_records():
    assert parse_minout(MDOUT) == []
    with pytest.raises(StepError, match="no energy records"):
        series(parse_minout(MDOUT), ["ENERGY"], "log")
