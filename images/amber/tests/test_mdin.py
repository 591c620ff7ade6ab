import pytest

from protein_steps.errors import StepError
from protein_steps.mdin import MdSettings, expand_mask, print_interval, prmtop_is_periodic, sander_properties, solute_mask


def settings(**overrides):
    base = dict(simulation_type="minimization", steps=500, restraint_mask=":*&!@H=", restraint_weight=50.0,
                temperature=300.0, traj_interval=0, periodic=False)
    return MdSettings(**{**base, **overrides})


def test_vacuum_minimisation_uses_the_no_box_preset_and_sets_maxcyc():
    props = sander_properties(settings())
    assert props["simulation_type"] == "min_vacuo"
    assert props["mdin"] == {"maxcyc": 500, "ntpr": 5, "ntr": 1, "restraintmask": '":*&!@H="', "restraint_wt": 50.0}


def test_periodic_minimisation_leaves_ncyc_and_the_box_to_biobb_and_sander():
    props = sander_properties(settings(periodic=True, steps=300))
    assert props["simulation_type"] == "minimization"
    assert props["mdin"]["maxcyc"] == 300
    assert not {"ncyc", "ntb", "ntx"} & set(props["mdin"])


def test_md_sets_length_temperature_seed_and_trajectory_interval():
    props = sander_properties(settings(simulation_type="heat", periodic=True, steps=2500, temperature=310.0,
                                       traj_interval=500, restraint_mask="", seed=42))
    mdin = props["mdin"]
    assert props["simulation_type"] == "heat"
    assert (mdin["nstlim"], mdin["temp0"], mdin["ntwx"], mdin["ig"]) == (2500, 310.0, 500, 42)
    assert "ntr" not in mdin and "maxcyc" not in mdin


def test_no_trajectory_interval_writes_no_ntwx():
    mdin = sander_properties(settings(simulation_type="nvt", periodic=True, traj_interval=0))["mdin"]
    assert "ntwx" not in mdin


def test_free_md_protocols():
    free = settings(simulation_type="free", periodic=True, restraint_mask="")
    npt = sander_properties(MdSettings(**{**free.__dict__, "free_md_protocol": "npt"}))["mdin"]
    assert (npt["irest"], npt["ntx"], npt["ntb"], npt["ntp"], npt["gamma_ln"]) == (1, 5, 2, 1, 5.0)
    tutorial = sander_properties(free)["mdin"]
    assert not {"irest", "ntx", "ntb", "ntp", "gamma_ln"} & set(tutorial)  # biobb's free preset as it is
    with pytest.raises(StepError, match="free MD protocol"):
        sander_properties(MdSettings(**{**free.__dict__, "free_md_protocol": "nve"}))


def test_md_on_a_vacuum_topology_is_refused():
    with pytest.raises(StepError, match="needs a solvated, periodic topology"):
        sander_properties(settings(simulation_type="nvt"))


def test_print_interval_is_the_usual_one_but_keeps_five_records():
    assert (print_interval(2500), print_interval(300), print_interval(500, 5)) == (50, 50, 5)
    assert (print_interval(100), print_interval(50, 5), print_interval(3)) == (20, 5, 1)


def test_solute_mask_is_built_from_water_model_and_ions():
    assert solute_mask("TIP3PBOX", "Na+", "Cl-") == "!:WAT,Cl-,Na+"
    assert solute_mask("OPCBOX", "K+", "Cl-") == "!:WAT,Cl-,K+"
    assert expand_mask("{solute} & !@H=", "TIP3PBOX", "K+", "Cl-") == "!:WAT,Cl-,K+ & !@H="
    assert expand_mask(":*&!@H=", "NOPE", "x", "y") == ":*&!@H="  # no token: parameters unused
    with pytest.raises(StepError, match="water model"):
        solute_mask("TIP3P", "Na+", "Cl-")
    with pytest.raises(StepError, match="--positive-ion"):
        solute_mask("TIP3PBOX", "Na", "Cl-")


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
