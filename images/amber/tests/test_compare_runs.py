"""compare_runs.py: what two runs must share, and what it leaves out by rule."""

import shutil

from conftest import DATA
from compare_runs import differences

PRMTOP = "%VERSION  VERSION_STAMP = V0001.000  DATE = {date}\n%FLAG TITLE\n%FORMAT(20a4)\ndefault_name\n%FLAG X\n{x}\n"
PDB = "ATOM      1  N   LYS     1       {x:6.3f}  10.000  10.000  1.00  0.00           N\nEND\n"


def run_dir(root, name, date="12/02/26  02:15:20", x=1.0, energy=None, report="<p>12:00</p>"):
    out = root / name
    for task in ("leap-add-ions", "heat", "run-report"):
        (out / task).mkdir(parents=True)
    (out / "leap-add-ions" / "topology.parmtop").write_text(PRMTOP.format(date=date, x="1.0"))
    (out / "leap-add-ions" / "structure.pdb").write_text(PDB.format(x=x))
    log = (DATA / "sander-npt.mdout").read_text().replace("Run on", f"Run on {date}")
    if energy:
        log = log.replace(*energy)
    (out / "heat" / "mdout.log").write_text(log)
    (out / "run-report" / "plot.html").write_text(report)
    shutil.copy(DATA / "sander-npt.mdout", out / "heat" / "sander.mdin")
    return out


def test_dates_in_headers_and_pages_are_left_out_by_rule(tmp_path):
    first = run_dir(tmp_path, "a")
    second = run_dir(tmp_path, "b", date="01/01/27  00:00:00", report="<p>13:00</p>")
    found, compared = differences(first, second)
    assert found == []
    assert compared == {"topology": 1, "pdb": 1, "sander log": 2}


def test_a_moved_atom_or_another_energy_is_a_difference(tmp_path):
    first = run_dir(tmp_path, "a")
    moved = run_dir(tmp_path, "b", x=1.001)
    assert differences(first, moved)[0] == ["leap-add-ions/structure.pdb (pdb) differs"]
    line = next(l for l in (DATA / "sander-npt.mdout").read_text().splitlines() if "EPtot" in l)
    hotter = run_dir(tmp_path, "c", energy=(line, line.replace("EPtot      =", "EPtot      = 1")))
    assert "heat/mdout.log (sander log) differs" in differences(first, hotter)[0]
