import subprocess
import sys

import pytest

from conftest import AMBER_DIR, DATA
from protein_steps.cli import STEPS, build_parser, main

SAMPLE_ARGS = {
    "fetch-pdb": ["--pdb-code", "1AKI", "--source", "rcsb", "--output-pdb", "o"],
    "pdb4amber": ["--input-pdb", "i", "--output-pdb", "o"],
    "leap-gen-top": ["--forcefield", "protein.ff14SB", "--input-pdb", "i", "--output-top", "t",
                     "--output-crd", "c", "--output-pdb", "p"],
    "sander-mdrun": ["--simulation-type", "heat", "--steps", "2500", "--restraint-mask", "", "--restraint-weight",
                     "10.0", "--temperature", "300", "--traj-interval", "0", "--seed", "71277",
                     "--free-md-protocol", "tutorial", "--engine", "openmm", "--platform", "cpu",
                     "--water-model", "TIP3PBOX", "--positive-ion", "Na+",
                     "--negative-ion", "Cl-", "--input-top", "t", "--input-crd", "c", "--output-mdin", "i",
                     "--output-rst", "r", "--output-traj", "x", "--output-log", "l"],
    "amber-to-pdb": ["--input-top", "t", "--input-crd", "c", "--output-pdb", "p"],
    "leap-solvate": ["--forcefield", "protein.ff14SB", "--water-model", "TIP3PBOX", "--box-type",
                     "truncated_octahedron", "--box-distance", "9.0", "--input-pdb", "i", "--output-top", "t",
                     "--output-crd", "c", "--output-pdb", "p"],
    "leap-add-ions": ["--forcefield", "protein.ff14SB", "--water-model", "TIP3PBOX", "--box-type", "cubic",
                      "--box-distance", "9", "--ionic-concentration", "150", "--positive-ion", "Na+",
                      "--negative-ion", "Cl-", "--seed", "7", "--input-pdb", "i", "--output-top", "t", "--output-crd", "c",
                      "--output-pdb", "p"],
    "energy-plot": ["--log-kind", "mdout", "--terms", "PRES,DENSITY", "--title", "NPT", "--executor-input", "{}",
                    "--input-log", "l", "--output-dat", "d", "--output-html", "h", "--output-metrics", "m"],
    "cpptraj-rms": ["--mask", "backbone", "--traj-interval", "500", "--title", "RMSD", "--executor-input", "{}",
                    "--input-top", "t", "--input-traj", "x", "--input-ref-pdb", "p", "--output-dat", "d",
                    "--output-html", "h", "--output-metrics", "m"],
    "cpptraj-rgyr": ["--mask", "@CA", "--traj-interval", "500", "--title", "Rgyr", "--executor-input", "{}", "--input-top", "t",
                     "--input-traj", "x", "--output-dat", "d", "--output-html", "h", "--output-metrics", "m"],
    "cpptraj-image": ["--mask", "solute", "--input-top", "t", "--input-traj", "x", "--output-traj", "o",
                      "--output-top", "s"],
    "run-report": ["--title", "Run", "--run-context", "{}", "--pdb-code", "1aki", "--seed", "1", "--temperature",
                   "300", "--image", "i", "--input-pdb", "p", "--input-top", "t", "--input-traj", "x",
                   *(arg for name in ("heat", "nvt", "npt", "free") for arg in (f"--{name}-log", name)),
                   "--rmsd-metrics", "r", "--rgyr-metrics", "g",
                   *(arg for name in ("min-vacuum-h", "min-vacuum-system", "min-solvated", "heat", "nvt", "npt",
                                      "free-md", "rmsd", "rgyr") for arg in (f"--{name}-plot", name)),
                   "--output-html", "h", "--output-viewer", "v"],
}


def test_every_subcommand_has_sample_args():
    assert set(SAMPLE_ARGS) == set(STEPS)


@pytest.mark.parametrize("step", sorted(SAMPLE_ARGS))
def test_contract_arguments_parse(step):
    args = build_parser().parse_args([step, *SAMPLE_ARGS[step]])
    assert args.step == step


def test_values_are_converted():
    args = build_parser().parse_args(["sander-mdrun", *SAMPLE_ARGS["sander-mdrun"]])
    assert (args.steps, args.restraint_weight, args.restraint_mask) == (2500, 10.0, "")
    assert build_parser().parse_args(["fetch-pdb", *SAMPLE_ARGS["fetch-pdb"]]).pdb_code == "1aki"
    assert build_parser().parse_args(["leap-gen-top", *SAMPLE_ARGS["leap-gen-top"]]).forcefield == ["protein.ff14SB"]


def test_integer_parameters_rendered_as_floats_are_accepted():
    argv = ["sander-mdrun", *SAMPLE_ARGS["sander-mdrun"]]
    argv[argv.index("2500")] = "2500.0"
    assert build_parser().parse_args(argv).steps == 2500


@pytest.mark.parametrize(
    "step,flag,bad",
    [
        ("fetch-pdb", "--pdb-code", "1AKIX"),
        ("sander-mdrun", "--simulation-type", "min_vacuo"),
        ("sander-mdrun", "--steps", "0"),
        ("sander-mdrun", "--steps", "2.5"),
        ("sander-mdrun", "--temperature", "nan"),
        ("leap-solvate", "--box-type", "sphere"),
        ("energy-plot", "--log-kind", "log"),
        ("cpptraj-rms", "--traj-interval", "0"),
        ("sander-mdrun", "--seed", "-2"),
        ("sander-mdrun", "--free-md-protocol", "nve"),
        ("sander-mdrun", "--engine", "pmemd"),
        ("sander-mdrun", "--platform", "opencl"),
    ],
)
def test_bad_values_are_rejected(step, flag, bad, capsys):
    argv = [step, *SAMPLE_ARGS[step]]
    argv[argv.index(flag) + 1] = bad
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(argv)
    assert exit_info.value.code == 2
    assert flag in capsys.readouterr().err


def test_missing_required_flag_is_rejected(capsys):
    argv = ["pdb4amber", "--input-pdb", "i"]
    with pytest.raises(SystemExit):
        build_parser().parse_args(argv)
    assert "--output-pdb" in capsys.readouterr().err


def test_parse_only_mode_needs_only_the_standard_library():
    """`python -m protein_steps --parse-only` in an interpreter that cannot import third-party packages."""
    argv = [sys.executable, "-S", "-m", "protein_steps", "--parse-only", "cpptraj-rms", *SAMPLE_ARGS["cpptraj-rms"]]
    result = subprocess.run(argv, cwd=AMBER_DIR, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    bad = subprocess.run([*argv[:5], "cpptraj-rms", "--mask", "x"], cwd=AMBER_DIR, capture_output=True, text=True)
    assert bad.returncode == 2


def test_step_error_becomes_one_line_and_exit_1(tmp_path, capsys):
    code = main(["fetch-pdb", "--pdb-code", "9zzz", "--source", str(DATA), "--output-pdb", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("protein-step fetch-pdb: unknown PDB code '9zzz'")
    assert "4e43" in err  # lists what the directory does hold


@pytest.mark.parametrize("content", [None, ""])
def test_missing_or_empty_input_is_a_clear_error(tmp_path, capsys, content):
    log = tmp_path / "log"
    if content is not None:
        log.write_text(content)
    out = tmp_path / "out"
    code = main(["energy-plot", "--log-kind", "minout", "--terms", "ENERGY", "--title", "t", "--executor-input", "{}",
                 "--input-log", str(log), "--output-dat", str(out / "d"), "--output-html", str(out / "h"),
                 "--output-metrics", str(out / "m")])
    err = capsys.readouterr().err
    assert code == 1
    assert "--input-log" in err and ("does not exist" if content is None else "is empty") in err
