"""bench_md.py drives protein-step through its CLI: every command it issues must parse (the benchmark broke
unnoticed when leap-add-ions gained its required --seed)."""

import subprocess
import sys

from conftest import AMBER_DIR

sys.path.insert(0, str(AMBER_DIR))
import bench_md  # noqa: E402


def test_every_command_the_benchmark_issues_parses(tmp_path, monkeypatch):
    issued = []
    monkeypatch.setattr(bench_md, "step", lambda *argv, cpus=None: issued.append(argv))
    top, start = bench_md.build(tmp_path)
    bench_md.md(tmp_path / "nvt", "nvt", 10, top, start, "openmm", [0])
    assert [argv[0] for argv in issued] == ["fetch-pdb", "pdb4amber", "leap-gen-top", "amber-to-pdb", "leap-solvate",
                                            "leap-add-ions", "sander-mdrun", "sander-mdrun", "sander-mdrun"]
    for argv in issued:
        result = subprocess.run([sys.executable, "-m", "protein_steps", "--parse-only", *argv], cwd=AMBER_DIR,
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{argv[0]}: {result.stderr[-500:]}"
