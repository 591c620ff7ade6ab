"""The `tutorial` preset's mdin, stage by stage, against what biobb generates for the notebook's cells.

Ours is the mdin the MD step itself writes: each sander task of the compiled IR
(dist/pipelines/protein.yaml: its parameter defaults are the tutorial preset) is resolved to a
`protein-step sander-mdrun` command line and run through the step runner's CLI with only biobb's
sander block replaced by a stand-in (it records the mdin sander would get and writes a real sander log
back), and the delivered `--output-mdin` is read. So the whole chain IR → CLI → step → mdin is
compared, every namelist and every line outside them. The notebook's side goes through biobb's own
mdin builder (SanderMDRun.create_mdin, via protein_steps.mdin.write_mdin).

NOTEBOOK: the `properties` of the sander_mdrun cells of bioexcel/biobb_wf_amber_md_setup,
biobb_wf_amber/notebooks/md_setup/biobb_wf_amber_md_setup.ipynb (cell indices in that notebook's
"cells" list; commit 8bd803b).
"""

import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA
from protein_steps import cli
from protein_steps.mdin import MdSettings, sander_properties, write_mdin
from protein_steps.seeds import stage_seed
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
# Intentional departures (docs/science.md): `ig` is derived from the seed parameter instead of -1.
DEPARTURES = {"ig"}
_NAMELIST = re.compile(r"^\s*&(\w+)(.*?)^\s*(?:/|&end)\s*$", re.S | re.M)
_SETTING = re.compile(r"^\s*(\w+)\s*=\s*(.*?)\s*,?\s*(?:!.*)?$")


def namelists(mdin_text: str) -> dict[str, object]:
    """Every namelist of an mdin as {name: {setting: value}} (values normalised, &cntrl completed with
    sander's defaults, departures dropped), and the lines outside namelists (title, restraint groups)."""
    blocks: dict[str, object] = {}
    for match in _NAMELIST.finditer(mdin_text):
        settings = {}
        for line in match.group(2).splitlines():
            found = _SETTING.match(line)
            if found:
                settings[found.group(1).lower()] = found.group(2)
        if match.group(1).lower() == "cntrl":
            settings = {**SANDER_DEFAULTS, **settings}
        blocks[match.group(1).lower()] = {k: _number(v) for k, v in settings.items() if k not in DEPARTURES}
    blocks["outside namelists"] = [line.strip() for line in _NAMELIST.sub("", mdin_text).splitlines() if line.strip()]
    return blocks


def _number(text: str) -> str:
    try:
        return repr(float(text))
    except ValueError:
        return text


def notebook_mdin(properties: dict, tmp_path: Path) -> str:
    top, crd = tmp_path / "in.parmtop", tmp_path / "in.rst"
    top.touch()
    crd.touch()
    return write_mdin(properties, tmp_path / "notebook.mdin", str(top), str(crd)).read_text()


def prmtop(periodic: bool) -> str:
    """The smallest topology text the step reads: POINTERS with IFBOX (the 28th value) set or not."""
    pointers = [0] * 31
    pointers[27] = 2 if periodic else 0
    rows = ["".join(f"{value:8d}" for value in pointers[i : i + 10]) for i in range(0, len(pointers), 10)]
    return "%VERSION test\n%FLAG POINTERS\n%FORMAT(10I8)\n" + "\n".join(rows) + "\n%FLAG END\n"


class SanderStandIn:
    """biobb's sander_mdrun replaced: keeps the mdin it was handed, writes a real sander log back."""

    def __init__(self) -> None:
        self.mdin = ""

    def __call__(self, input_mdin_path, output_rst_path, output_traj_path, output_log_path, **_):
        self.mdin = Path(input_mdin_path).read_text()
        minimisation = "imin = 1" in self.mdin
        shutil.copyfile(DATA / ("sander-min-vacuum.mdout" if minimisation else "sander-npt.mdout"), output_log_path)
        Path(output_rst_path).write_text("restart\n")
        Path(output_traj_path).write_text("frames\n")
        return 0


def step_mdin(task_name: str, tmp_path: Path, monkeypatch, seed: int | None = None) -> tuple[str, str]:
    """(the --output-mdin the step delivered, the mdin sander was handed) for one task of the IR."""
    import biobb_amber.sander.sander_mdrun as biobb_sander

    stand_in = SanderStandIn()
    monkeypatch.setattr(biobb_sander, "sander_mdrun", stand_in)
    ir = load_ir()
    task = ir["root"]["dag"]["tasks"][task_name]
    container = ir["deploymentSpec"]["executors"][ir["components"][task["componentRef"]["name"]]["executorLabel"]]
    argv = [resolve(ir, task_name, task, arg).replace("/tmp/sample", str(tmp_path / "io"))
            for arg in container["container"]["command"][1:] + container["container"]["args"]]
    if seed is not None:
        argv[argv.index("--seed") + 1] = str(seed)
    args = cli.build_parser().parse_args(argv)
    Path(args.input_top).parent.mkdir(parents=True, exist_ok=True)
    Path(args.input_top).write_text(prmtop(periodic=task_name not in VACUUM_TASKS))
    Path(args.input_crd).write_text("coordinates\n")
    assert cli.main(argv) == 0, f"the sander-mdrun step failed for {task_name}"
    return Path(args.output_mdin).read_text(), stand_in.mdin


@pytest.mark.parametrize("task_name", sorted(NOTEBOOK))
def test_the_md_steps_mdin_is_biobbs_for_the_notebook_cell(task_name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cell, notebook = NOTEBOOK[task_name]
    delivered, handed_to_sander = step_mdin(task_name, tmp_path, monkeypatch)
    assert delivered == handed_to_sander
    assert f"Type of mdin: {notebook['simulation_type']}" in delivered, f"notebook cell {cell}"
    assert namelists(delivered) == namelists(notebook_mdin(notebook, tmp_path)), (
        f"{task_name} differs from notebook cell {cell}")


def test_each_md_stage_draws_its_own_seed_from_the_runs_seed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seeds = {}
    for task_name in ("heat", "nvt", "npt", "free-md"):
        mdin, _ = step_mdin(task_name, tmp_path / task_name, monkeypatch, seed=4242)
        seeds[task_name] = re.search(r"^\s*ig\s*=\s*(-?\d+)", mdin, re.M).group(1)
    assert len(set(seeds.values())) == 4, seeds
    assert seeds["heat"] == str(stage_seed(4242, "heat")) != "4242"
    assert step_mdin("heat", tmp_path / "again", monkeypatch, seed=4242)[0].count(f"ig = {seeds['heat']} ") == 1


def test_a_random_seed_reaches_sander_as_random(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    mdin, _ = step_mdin("nvt", tmp_path, monkeypatch, seed=-1)
    assert re.search(r"^\s*ig\s*=\s*-1 ", mdin, re.M)


def test_the_comparison_sees_a_wrong_setting(tmp_path):
    """Guards the comparison itself: a protocol known to differ, a changed &wt and a changed
    restraint weight must all be reported as different."""
    settings = MdSettings("free", 2500, "", 0.0, 300.0, 500, True, free_md_protocol="npt")
    ours = namelists(notebook_mdin(sander_properties(settings), tmp_path))
    notebook = namelists(notebook_mdin(NOTEBOOK["free-md"][1], tmp_path))
    differing = {name for name in ours["cntrl"].keys() | notebook["cntrl"].keys()
                 if ours["cntrl"].get(name) != notebook["cntrl"].get(name)}
    assert differing == {"irest", "ntx", "ntb", "ntp", "pres0", "taup", "gamma_ln"}
    text = notebook_mdin(NOTEBOOK["heat"][1], tmp_path)
    with_wt = text.replace("&end", "&end\n&wt\n  type = 'TEMP0'\n  value2 = 300.0\n/")
    assert namelists(with_wt)["wt"]["value2"] == "300.0"
    assert namelists(with_wt) != namelists(with_wt.replace("value2 = 300.0", "value2 = 290.0"))
    assert namelists(text) != namelists(text.replace("restraint_wt = 10.0", "restraint_wt = 5.0"))
