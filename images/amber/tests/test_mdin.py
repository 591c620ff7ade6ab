import pytest

from protein_steps.errors import StepError
from protein_steps.mdin import MdSettings, print_interval, prmtop_is_periodic, sander_properties


def settings(**overrides):
    base = dict(simulation_type="minimization", steps=500, restraint_mask=":*&!@H=", restraint_weight=50.0,
                temperature=300.0, traj_interval=0, periodic=False)
    return MdSettings(**{**base, **overrides})


def test_vacuum_minimisation_uses_the_no_box_preset_and_sets_maxcyc():
    props = sander_properties(settings())
    assert props["simulation_type"] == "min_vacuo"
    assert props["mdin"]["maxcyc"] == 500
    assert props["mdin"]["ntr"] == 1
    assert props["mdin"]["restraintmask"] == '":*&!@H="'
    assert props["mdin"]["restraint_wt"] == 50.0


def test_periodic_minimisation_keeps_the_box():
    props = sander_properties(settings(periodic=True, steps=300))
    assert props["simulation_type"] == "minimization"
    assert (props["mdin"]["maxcyc"], props["mdin"]["ntb"]) == (300, 1)


def test_md_sets_length_temperature_and_trajectory_interval():
    props = sander_properties(settings(simulation_type="heat", periodic=True, steps=2500, temperature=310.0,
                                       traj_interval=500, restraint_mask=""))
    mdin = props["mdin"]
    assert props["simulation_type"] == "heat"
    assert (mdin["nstlim"], mdin["temp0"], mdin["ntwx"]) == (2500, 310.0, 500)
    assert "ntr" not in mdin and "maxcyc" not in mdin


def test_free_md_continues_at_constant_pressure():
    mdin = sander_properties(settings(simulation_type="free", periodic=True, restraint_mask=""))["mdin"]
    assert (mdin["irest"], mdin["ntx"], mdin["ntb"], mdin["ntp"]) == (1, 5, 2, 1)


def test_md_on_a_vacuum_topology_is_refused():
    with pytest.raises(StepError, match="needs a solvated, periodic topology"):
        sander_properties(settings(simulation_type="nvt"))


def test_print_interval_gives_about_a_hundred_points():
    assert (print_interval(50), print_interval(500), print_interval(2500)) == (1, 5, 25)


def pointers(ifbox: int) -> str:
    values = [0] * 31
    values[27] = ifbox
    rows = ["".join(f"{v:8d}" for v in values[i : i + 10]) for i in range(0, 31, 10)]
    return "%FLAG TITLE\n%FORMAT(20a4)\nx\n%FLAG POINTERS\n%FORMAT(10I8)\n" + "\n".join(rows) + "\n%FLAG ATOM_NAME\n"


def test_periodicity_is_read_from_the_prmtop_pointers():
    assert prmtop_is_periodic(pointers(2)) is True
    assert prmtop_is_periodic(pointers(0)) is False


def test_a_file_that_is_not_a_prmtop_is_an_error():
    with pytest.raises(StepError, match="no %FLAG POINTERS"):
        prmtop_is_periodic("ATOM      1  N   ALA")
