"""The image's OpenMM GPU self-check, decided from facts as OpenMM reports them (no GPU or OpenMM needed)."""
from protein_steps.openmm_check import classify

PLUGINS = "/opt/amber/lib/python3.11/site-packages/OpenMM.libs/lib/plugins"
NO_DRIVER = (
    f"Error loading library {PLUGINS}/libOpenMMCUDA.so: libcuda.so.1: cannot open shared object file: "
    "No such file or directory"
)
DEPENDENT = f"Error loading library {PLUGINS}/libOpenMMRPMDCUDA.so: libOpenMMCUDA.so: cannot open shared object file"


def test_installed_without_a_driver_passes_and_says_no_device_is_present():
    ok, what = classify("CUDA", True, False, [DEPENDENT, NO_DRIVER], None)
    assert ok
    assert what == "CUDA platform installed, no device present (no GPU driver here: libcuda.so not found)"


def test_require_device_fails_where_there_is_none():
    ok, _ = classify("CUDA", True, False, [NO_DRIVER], None, require_device=True)
    assert not ok
    ok, what = classify("CUDA", True, True, [], RuntimeError("No compatible CUDA device is available"), True)
    assert not ok and "no device present (No compatible CUDA device is available)" in what


def test_a_loaded_platform_names_its_device():
    assert classify("CUDA", True, True, [], "NVIDIA H200") == (True, "CUDA platform on device NVIDIA H200")


def test_a_missing_plugin_fails():
    ok, what = classify("CUDA", False, False, [], None)
    assert not ok and "not installed (no libOpenMMCUDA.so)" in what


def test_a_plugin_that_fails_for_another_reason_fails_with_that_reason():
    mismatch = f"Error loading library {PLUGINS}/libOpenMMCUDA.so: undefined symbol: _ZN6OpenMM8Platform"
    ok, what = classify("CUDA", True, False, [DEPENDENT, mismatch], None)
    assert not ok
    assert what.endswith(f"does not load: {mismatch}")
