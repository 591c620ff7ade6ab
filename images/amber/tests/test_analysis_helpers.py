import pytest

from protein_steps.errors import StepError
from protein_steps.errors import StepError
from protein_steps.steps.analysis import amber_mask, first_altloc_only, frame_times, image_script, read_cpptraj_dat
from protein_steps.steps.energy import energy_metrics


def test_mask_keywords_map_to_amber_masks_and_masks_pass_through():
    assert amber_mask("backbone") == "@C,CA,N,O"
    assert amber_mask(" :1-10@CA ") == ":1-10@CA"
    with pytest.raises(StepError, match="--mask is empty"):
        amber_mask(" ")


def test_cpptraj_data_file_is_read_by_columns(tmp_path):
    dat = tmp_path / "rms.dat"
    dat.write_text("#Frame     RMSD_00002\n       1       0.0000\n       2       0.1097\n")
    assert read_cpptraj_dat(dat) == ([1.0, 2.0], [0.0, 0.1097])


def test_cpptraj_data_file_without_frames_is_an_error(tmp_path):
    dat = tmp_path / "rms.dat"
    dat.write_text("#Frame     RMSD_00002\n")
    with pytest.raises(StepError, match="no frames"):
        read_cpptraj_dat(dat)


def test_only_the_first_alternate_location_is_kept():
    lines = [
        "ATOM      1  N   ALA A   1      0.000   0.000   0.000",
        "ATOM      2  CB AALA A   1      0.000   0.000   0.000",
        "ATOM      3  CB BALA A   1      0.000   0.000   0.000",
    ]
    assert first_altloc_only("\n".join(lines)).splitlines() == lines[:2]


def test_image_script_images_then_keeps_the_mask_only_with_its_topology():
    lines = image_script(":1-99").splitlines()
    assert lines.index("autoimage") < lines.index("strip !(:1-99) parmout output.parmtop") < lines.index(
        "trajout output.nc netcdf")


def test_frames_become_picoseconds_at_the_md_time_step():
    assert frame_times([1.0, 2.0, 5.0], 500) == [1.0, 2.0, 5.0]  # ntwx 500 × dt 0.002 ps = 1 ps a frame
    assert frame_times([1.0], 20) == [pytest.approx(0.04)]
    with pytest.raises(StepError):
        frame_times([1.0], 0)


def test_energy_metrics_are_final_after_minimisation_and_mean_after_md():
    assert energy_metrics("minout", {"ENERGY": [-1.0, -3.0]}) == {"final_energy": -3.0}
    assert energy_metrics("mdout", {"TEMP": [290.0, 310.0], "PRES": [1.0, 3.0]}) == {"mean_temp": 300.0,
                                                                                       "mean_pres": 2.0}


def test_energy_axis_labels_carry_units():
    from protein_steps.steps.energy import axis_label

    assert (axis_label("TEMP"), axis_label("DENSITY"), axis_label("EPTOT"), axis_label("RESTRAINT")) == (
        "Temperature (K)", "Density (g/cm³)", "Potential energy (kcal/mol)", "RESTRAINT")
