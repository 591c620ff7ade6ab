import shutil
import sys

from conftest import AMBER_DIR, DATA

sys.path.insert(0, str(AMBER_DIR))
import science_table  # noqa: E402


def test_rows_read_md_logs_and_analysis_tables_and_name_what_did_not_run(tmp_path):
    for task in ("heat", "nvt", "npt"):
        (tmp_path / task).mkdir()
        shutil.copy(DATA / "sander-npt.mdout", tmp_path / task / "output_log")
    (tmp_path / "rgyr").mkdir()
    (tmp_path / "rgyr" / "output_dat").write_text("#TIME_PS RGYR_A\n 1.0 13.80\n 2.0 13.95\n 3.0 13.90\n")
    rows = {quantity: ours for quantity, ours, _ in science_table.rows(tmp_path)}
    assert rows["temperature at the end of heating"].endswith(" K")
    assert rows["NPT density"] == "0.897 → 0.901 g/cm³ (range 0.897–0.901 g/cm³)"  # first → last, range
    assert rows["radius of gyration (backbone)"] == "13.80 → 13.90 Å (range 13.80–13.95 Å)"
    assert rows["free MD temperature"] == "not run" and rows["RMSD vs first frame (backbone)"] == "not run"


def test_wall_times_of_a_stopped_run_come_from_the_runner_log(tmp_path):
    (tmp_path / "heat").mkdir()
    (tmp_path / "runner.log").write_text("offline defaults: x\n[ 1/23] SUCCEEDED fetch-pdb (1.2 s)\n"
                                         "[11/23] SUCCEEDED min-solvated (266.2 s)\n")
    assert science_table.wall_times(tmp_path)[:2] == [("fetch-pdb", "SUCCEEDED", 1.2),
                                                      ("min-solvated", "SUCCEEDED", 266.2)]
    assert science_table.wall_times(tmp_path)[2][:2] == ("heat", "UNFINISHED")
