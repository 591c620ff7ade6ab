import pytest

from protein_steps.errors import StepError
from protein_steps.tools import require_amberhome, run_binary, run_biobb


@pytest.fixture
def amberhome(tmp_path, monkeypatch):
    home = tmp_path / "amber"
    (home / "dat" / "leap" / "cmd").mkdir(parents=True)
    monkeypatch.setenv("AMBERHOME", str(home))
    return home


def test_unset_amberhome_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("AMBERHOME", raising=False)
    with pytest.raises(StepError, match=r"AMBERHOME=\(unset\) has no dat/leap/cmd: set AMBERHOME"):
        require_amberhome()


def test_a_failing_binary_reports_its_log_tail(amberhome, tmp_path):
    with pytest.raises(StepError) as error:
        run_binary("demo", ["sh", "-c", "echo line1; echo 'the real reason'; exit 4"], tmp_path, "demo.log")
    assert str(error.value) == "demo failed (exit code 4)"
    assert error.value.log_tail.endswith("the real reason")


def test_an_error_line_fails_even_with_exit_code_0(amberhome, tmp_path):
    with pytest.raises(StepError, match="exit code 0"):
        run_binary("demo", ["sh", "-c", "echo 'Error: mask selects no atoms'"], tmp_path, "demo.log")


def test_a_missing_binary_names_the_fix(amberhome, tmp_path):
    with pytest.raises(StepError, match="no-such-tool is not on PATH"):
        run_binary("demo", ["no-such-tool"], tmp_path, "demo.log")


def test_biobb_failures_carry_the_tool_log(amberhome, tmp_path):
    log = tmp_path / "tool.log"
    log.write_text("step 1\nvlimit exceeded\n")
    with pytest.raises(StepError) as error:
        run_biobb("sander", lambda: 1, tmp_path, tool_log=log)
    assert str(error.value) == "sander failed with exit code 1" and "vlimit exceeded" in error.value.log_tail
    with pytest.raises(StepError, match="it wrote no out.pdb"):
        run_biobb("tleap", lambda: 0, tmp_path, expected=(tmp_path / "out.pdb",))
    with pytest.raises(StepError, match="ambpdb failed: bad path"):
        run_biobb("ambpdb", lambda: (_ for _ in ()).throw(SystemExit("bad path")), tmp_path)
