"""The `tutorial` preset's mdin, stage by stage, against what biobb generates for the notebook's cells.

Both sides go through biobb_amber's own mdin builder (SanderMDRun.create_mdin, via
protein_steps.mdin.write_mdin). Ours starts from the compiled IR (dist/pipelines/protein.yaml: its
parameter defaults are the tutorial preset), resolved to a `protein-step sander-mdrun` command line and
parsed by the step runner's CLI, so the whole chain IR → CLI → properties → mdin is compared.

NOTEBOOK: the `properties` of the sander_mdrun cells of bioexcel/biobb_wf_amber_md_setup,
biobb_wf_amber/notebooks/md_setup/biobb_wf_amber_md_setup.ipynb (cell indices in that notebook's
"cells" list; commit 8bd803b).
"""

from pathlib import Path

import pytest

from protein_steps.cli import build_parser
from protein_steps.mdin import MdSettings, expand_mask, parse_cntrl, sander_properties, write_mdin
from test_contract_ir import load_ir, resolve

HEAVY = '":*&!@H="'
SOLUTE = '"!:WAT,Cl-,Na+"'
SOLUTE_HEAVY = '"!:WAT,Cl-,Na+ & !@H="'
NOTEBOOK = {  # task name → (cell, properties)
    "min-vacuum-h": (18, {"simulation_type": "min_vacuo",
                          "mdin": {"maxcyc": 500, "ntpr": 5, "ntr": 1, "restraintmask": HEAVY, "restraint_wt": 50.0}}),
    "min-vacuum-system": (23, {"simulation_type": "min_vacuo",
                               "mdin": {"maxcyc": 500, "ntpr": 5, "ntr": 1, "restraintmask": HEAVY,
                                        "restraint_wt": 50.0}}),
    "min-solvated": (38, {"simulation_type": "minimization",
                          "mdin": {"maxcyc": 300, "ntr": 1, "restraintmask": SOLUTE, "restraint_wt": 50.0}}),
    "heat": (44, {"simulation_type": "heat",
                  "mdin": {"nstlim": 2500, "ntr": 1, "restraintmask": SOLUTE, "restraint_wt": 10.0}}),
    "nvt": (50, {"simulation_type": "nvt",
                 "mdin": {"nstlim": 500, "ntr": 1, "restraintmask": SOLUTE_HEAVY, "restraint_wt": 5.0}}),
    "npt": (56, {"simulation_type": "npt",
                 "mdin": {"nstlim": 500, "ntr": 1, "restraintmask": SOLUTE_HEAVY, "restraint_wt": 2.5}}),
    "free-md": (62, {"simulation_type": "free", "mdin": {"nstlim": 2500, "ntwx": 500}}),
}
VACUUM_TASKS = ("min-vacuum-h", "min-vacuum-system")
# sander's defaults (Amber manual, &cntrl) for the settings we write explicitly where the notebook
# leaves them to sander: a setting absent from one side is compared as its default.
SANDER_DEFAULTS = {"ntpr": "50", "temp0": "300.0"}
# Intentional departures (README, "The pipeline"): `ig` is the seed parameter instead of -1.
DEPARTURES = {"ig"}


def normalised(cntrl: dict[str, str]) -> dict[str, str]:
    values = {**SANDER_DEFAULTS, **cntrl}
    return {name: _number(value) for name, value in values.items() if name not in DEPARTURES}


def _number(text: str) -> str:
    try:
        return repr(float(text))
    except ValueError:
        return text


def biobb_cntrl(properties: dict, tmp_path: Path, name: str) -> dict[str, str]:
    top, crd = tmp_path / "in.parmtop", tmp_path / "in.rst"
    top.touch()
    crd.touch()
    return parse_cntrl(write_mdin(properties, tmp_path / f"{name}.mdin", str(top), str(crd)).read_text())


def pipeline_properties(task_name: str) -> dict:
    ir = load_ir()
    task = ir["root"]["dag"]["tasks"][task_name]
    container = ir["deploymentSpec"]["executors"][ir["components"][task["componentRef"]["name"]]["executorLabel"]]
    argv = [resolve(ir, task_name, task, arg) for arg in container["container"]["command"][1:] +
            container["container"]["args"]]
    args = build_parser().parse_args(argv)
    return sander_properties(MdSettings(
        simulation_type=args.simulation_type, steps=args.steps,
        restraint_mask=expand_mask(args.restraint_mask, args.water_model, args.positive_ion, args.negative_ion),
        restraint_weight=args.restraint_weight, temperature=args.temperature, traj_interval=args.traj_interval,
        periodic=task_name not in VACUUM_TASKS, seed=args.seed, free_md_protocol=args.free_md_protocol))


@pytest.mark.parametrize("task_name", sorted(NOTEBOOK))
def test_tutorial_preset_mdin_is_biobbs_for_the_notebook_cell(task_name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cell, notebook = NOTEBOOK[task_name]
    ours = pipeline_properties(task_name)
    assert ours["simulation_type"] == notebook["simulation_type"], f"notebook cell {cell}"
    expected = normalised(biobb_cntrl(notebook, tmp_path, "notebook"))
    actual = normalised(biobb_cntrl(ours, tmp_path, "ours"))
    assert actual == expected, f"{task_name} differs from notebook cell {cell}"


def test_the_seed_is_the_only_departure_and_it_reaches_sander(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ours = biobb_cntrl(pipeline_properties("heat"), tmp_path, "ours")
    notebook = biobb_cntrl(NOTEBOOK["heat"][1], tmp_path, "notebook")
    assert (ours["ig"], notebook["ig"]) == ("71277", "-1")


def test_npt_protocol_departs_from_the_notebooks_free_md(tmp_path, monkeypatch):
    """Guards the comparison itself: a protocol known to differ must be reported as different."""
    monkeypatch.chdir(tmp_path)
    settings = MdSettings("free", 2500, "", 0.0, 300.0, 500, True, free_md_protocol="npt")
    ours = normalised(biobb_cntrl(sander_properties(settings), tmp_path, "ours"))
    notebook = normalised(biobb_cntrl(NOTEBOOK["free-md"][1], tmp_path, "notebook"))
    differing = {name for name in ours.keys() | notebook.keys() if ours.get(name) != notebook.get(name)}
    assert differing == {"irest", "ntx", "ntb", "ntp", "pres0", "taup", "gamma_ln"}
