import json
import shutil
import sys

import pytest

from conftest import AMBER_DIR, DATA

sys.path.insert(0, str(AMBER_DIR))
import science_table  # noqa: E402


def fake_run(root, name, rgyr, engine="sander"):
    out = root / engine / name
    for task in ("heat", "nvt", "npt"):
        (out / task).mkdir(parents=True)
        log = (DATA / "sander-npt.mdout").read_text()
        if engine == "openmm":
            log = "Amber-format log of an OpenMM stage (protein-step, md_engine=openmm)\n" + log
        (out / task / "mdout.log").write_text(log)
    (out / "rgyr").mkdir()
    (out / "rgyr" / "metrics.json").write_text(json.dumps({"mean_rgyr": rgyr}))
    return out


def test_each_band_gets_mean_range_and_a_computed_verdict_across_seeds(tmp_path):
    runs = [fake_run(tmp_path, "seed-1", 13.85), fake_run(tmp_path, "seed-2", 13.95), fake_run(tmp_path, "seed-3", 13.90)]
    rows = {line.split(" | ")[0].lstrip("| "): line for line in science_table.table(runs).splitlines()}
    assert rows["mean radius of gyration (backbone)"] == (
        "| mean radius of gyration (backbone) | 13.8–13.92 Å (13.80 → 13.92 Å) | 13.90 (13.85–13.95) Å "
        "| inside (runs: 2 of 3) |")
    assert "| 0.899 (0.899–0.899) g/cm³ | inside (runs: 3 of 3) |" in rows["NPT mean density"]
    assert "| not run |" in rows["mean RMSD vs the experimental structure (backbone)"]
    assert "not run" in rows["free MD mean temperature"]


def test_each_engine_gets_its_own_columns_read_from_the_runs_logs(tmp_path):
    runs = [fake_run(tmp_path, "seed-1", 13.85, "openmm"), fake_run(tmp_path, "seed-1", 14.10),
            fake_run(tmp_path, "seed-2", 13.95, "openmm")]
    text = science_table.table(runs)
    assert text.startswith("Runs: sander 1 (seed-1); openmm 2 (seed-1, seed-2).")
    assert "| quantity | tutorial | sander: mean (range) | sander: inside? | openmm: mean (range) | openmm: inside? |" in text
    rgyr = next(line for line in text.splitlines() if line.startswith("| mean radius of gyration"))
    assert rgyr.endswith("| 14.10 (14.10–14.10) Å | outside (runs: 0 of 1) | 13.90 (13.85–13.95) Å | inside (runs: 1 of 2) |")


def test_the_docs_block_is_regenerated_with_its_provenance(tmp_path):
    docs = tmp_path / "science.md"
    docs.write_text(f"# Science\nhand-written\n{science_table.BEGIN}\nold\n{science_table.END}\nafter\n")
    run = fake_run(tmp_path, "seed-1", 13.85)
    assert science_table.main(["--docs", str(docs), "--command", "npm run bench:science", str(run)]) == 0
    text = docs.read_text()
    assert "old" not in text and "hand-written" in text and text.endswith("after\n")
    assert "by `npm run bench:science` at commit" in text and "cores" in text and "NPT mean density" in text
    docs.write_text("no block")
    with pytest.raises(SystemExit, match="no <!-- bench:science begin -->"):
        science_table.main(["--docs", str(docs), str(run)])


def test_wall_times_of_a_stopped_run_come_from_the_runner_log(tmp_path):
    (tmp_path / "heat").mkdir()
    (tmp_path / "runner.log").write_text("offline defaults: x\n[ 1/23] SUCCEEDED fetch-pdb (1.2 s)\n"
                                         "[11/23] SUCCEEDED min-solvated (266.2 s)\n")
    assert science_table.wall_times(tmp_path)[:2] == [("fetch-pdb", "SUCCEEDED", 1.2),
                                                      ("min-solvated", "SUCCEEDED", 266.2)]
    assert science_table.wall_times(tmp_path)[2][:2] == ("heat", "UNFINISHED")


def test_wall_times_are_one_column_a_run_with_the_md_stages_summed(tmp_path):
    for seed, seconds in (("seed-1", 600.0), ("seed-2", 900.0)):
        out = tmp_path / seed
        out.mkdir()
        (out / "summary.json").write_text(json.dumps({"tasks": [
            {"name": "fetch-pdb", "state": "SUCCEEDED", "seconds": 1.0},
            {"name": "heat", "state": "SUCCEEDED", "seconds": seconds},
            {"name": "free-md", "state": "FAILED", "seconds": 60.0}]}))
    lines = science_table.times_table([tmp_path / "seed-1", tmp_path / "seed-2"]).splitlines()
    assert lines[2] == "| task | sander seed-1 | sander seed-2 |"
    assert "| heat (MD) | 600.0 | 900.0 |" in lines and "| free-md (MD) | 60.0 (FAILED) | 60.0 (FAILED) |" in lines
    assert lines[-1] == "| MD stages, minutes | 11.0 | 16.0 |"
