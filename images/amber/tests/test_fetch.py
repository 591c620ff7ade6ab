import pytest

from conftest import DATA
from protein_steps.cli import main
from protein_steps.errors import StepError
from protein_steps.steps.fetch import filter_records, find_local_entry


def test_filter_keeps_only_protein_atom_and_model_records():
    text = "HEADER    X\nATOM      1  N   ALA A   1\nHETATM    2  O   HOH A 101\nMODEL        1\nENDMDL\n"
    assert filter_records(text).splitlines() == ["HEADER    X", "ATOM      1  N   ALA A   1", "MODEL        1",
                                                 "ENDMDL", "END"]


def test_local_lookup_ignores_case(tmp_path):
    (tmp_path / "1AKI.pdb").write_text("ATOM")
    assert find_local_entry(tmp_path, "1aki").name == "1AKI.pdb"


def test_source_that_is_not_a_directory_is_an_error(tmp_path):
    with pytest.raises(StepError, match="not a directory; give 'rcsb' or a directory holding 1aki.pdb"):
        find_local_entry(tmp_path / "nope", "1aki")


def test_fetch_from_the_shipped_test_data(tmp_path):
    out = tmp_path / "a" / "pdb"
    assert main(["fetch-pdb", "--pdb-code", "4E43", "--source", str(DATA), "--output-pdb", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("HEADER") and lines[1].startswith("TITLE") and lines[-1] == "END"
    assert not any(line.startswith(("HETATM", "REMARK", "SEQRES")) for line in lines)
    assert sum(line.startswith("ATOM") for line in lines) == 1605


def test_an_entry_without_protein_atoms_is_refused(tmp_path, capsys):
    (tmp_path / "9lig.pdb").write_text("HETATM    1  O   HOH A 101\n")
    code = main(["fetch-pdb", "--pdb-code", "9lig", "--source", str(tmp_path), "--output-pdb", str(tmp_path / "o")])
    assert code == 1
    assert "has no ATOM records" in capsys.readouterr().err
