"""Static checks of the image definition (no Docker engine here): pins, AMBERHOME by ENV, non-root."""

import re

from conftest import AMBER_DIR

DOCKERFILE = (AMBER_DIR / "Dockerfile").read_text()


def requirement_lines(name: str) -> list[str]:
    lines = (AMBER_DIR / name).read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_base_images_are_pinned_to_exact_versions_and_digests():
    defaults = dict(re.findall(r"^ARG (\w+)=(\S+)", DOCKERFILE, re.M))
    froms = re.findall(r"^FROM (\S+)", DOCKERFILE, re.M)
    assert froms
    for image in froms:
        resolved = defaults.get(image.strip("${}"), image)
        assert ":latest" not in resolved and re.search(r":\d+\.\d+\.\d+", resolved), resolved
        assert re.search(r"@sha256:[0-9a-f]{64}$", resolved), f"{resolved} is not pinned by digest"


def test_amberhome_and_path_are_set_by_env_not_by_activation():
    env = DOCKERFILE[DOCKERFILE.index("\nENV AMBERHOME"):]
    assert re.match(r"\nENV AMBERHOME=/opt/amber \\\n\s+PATH=/opt/amber/bin:", env)
    assert "activate" not in DOCKERFILE.replace("activation", "")


def test_runs_as_a_non_root_user():
    users = re.findall(r"^USER (\S+)", DOCKERFILE, re.M)
    assert users and users[-1].split(":")[0] not in ("0", "root")


def test_has_oci_labels():
    for key in ("title", "description", "version", "licenses", "source"):
        assert f"org.opencontainers.image.{key}=" in DOCKERFILE


def test_every_runtime_requirement_is_pinned_and_ci_installs_the_same_pins():
    runtime = requirement_lines("requirements.txt")
    assert runtime and all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[\w.]+", line) for line in runtime)
    assert set(runtime) <= set(requirement_lines("requirements-test.txt"))


def test_build_context_excludes_tests():
    ignore = (AMBER_DIR / ".dockerignore").read_text().splitlines()
    assert ignore[ignore.index("*")] == "*" and "!protein_steps/" in ignore and "!tests/" not in ignore


def test_gpu_variants_pin_every_wheel_and_the_openmm_their_plugin_was_built_for():
    variants = sorted(AMBER_DIR.glob("requirements-openmm-*.txt"))
    assert [path.name for path in variants] == ["requirements-openmm-cuda12.txt"]
    runtime = dict(line.split("==") for line in requirement_lines("requirements.txt"))
    for path in variants:
        lines = requirement_lines(path.name)
        assert all(re.fullmatch(r"[A-Za-z0-9_.\-]+==[\w.]+", line) for line in lines), path.name
        pins = dict(line.split("==") for line in lines)
        assert pins["OpenMM-CUDA-12"] == pins["openmm"]
        # The image installs them with requirements.txt as constraints: shared pins must agree.
        assert {name: pins[name] for name in pins.keys() & runtime.keys()} == {
            name: runtime[name] for name in pins.keys() & runtime.keys()
        }
    ignore = (AMBER_DIR / ".dockerignore").read_text().splitlines()
    assert "!requirements-openmm-*.txt" in ignore
    assert '-c /src/requirements.txt -r "/src/requirements-openmm-$OPENMM_PLATFORM.txt"' in DOCKERFILE
