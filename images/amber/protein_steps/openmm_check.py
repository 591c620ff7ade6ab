"""Self-check of OpenMM's GPU platform in the image: is it installed, does it load, is there a device.

    python -m protein_steps.openmm_check [--platform CUDA] [--require-device]

Prints one line. Exit 0 when the platform is installed and either runs on a device or only lacks one (no
NVIDIA driver or GPU on this machine: the CUDA image's build and CI have none); exit 1 when it is missing,
does not load for another reason (e.g. a plugin built for another OpenMM), or --require-device finds no
device. Standard library and openmm only.
"""
import argparse
import os
import sys

# The driver library a platform plugin links to: absent when no GPU (and its driver) is passed in.
_NO_DRIVER = {"CUDA": "libcuda.so", "OpenCL": "libOpenCL.so"}


def plugin_name(platform):
    return f"libOpenMM{platform}.so"


def classify(platform, installed, loaded, failures, device, require_device=False):
    """(ok, what) for one platform, from facts gathered by gather() (pure, so it is tested without a GPU).

    installed: the plugin file exists; loaded: OpenMM registered the platform; failures: OpenMM's plugin
    load failure messages; device: the device name, or an exception from creating a context on it.
    """
    if not installed:
        return False, f"{platform} platform not installed (no {plugin_name(platform)})"
    if loaded:
        if isinstance(device, Exception):
            first_line = str(device).strip().splitlines()[0] if str(device).strip() else type(device).__name__
            return not require_device, f"{platform} platform installed and loaded, no device present ({first_line})"
        return True, f"{platform} platform on device {device}"
    own = [f for f in failures if f"/{plugin_name(platform)}:" in f]
    reason = own[0] if own else "no load failure recorded"
    missing_driver = _NO_DRIVER.get(platform)
    if missing_driver and missing_driver in reason:
        return (
            not require_device,
            f"{platform} platform installed, no device present (no GPU driver here: {missing_driver} not found)",
        )
    return False, f"{platform} platform installed but does not load: {reason}"


def gather(platform):
    """The facts classify() needs, from the OpenMM in this Python."""
    import openmm
    from openmm import version

    plugins = os.path.join(version.openmm_library_path, "plugins")
    installed = os.path.isfile(os.path.join(plugins, plugin_name(platform)))
    names = [openmm.Platform.getPlatform(i).getName() for i in range(openmm.Platform.getNumPlatforms())]
    failures = list(openmm.Platform.getPluginLoadFailures())
    device = None
    if platform in names:
        try:
            device = _device_name(openmm, platform)
        except Exception as error:  # OpenMM raises its own exception type for "no device"
            device = error
    return {
        "version": openmm.__version__,
        "platforms": names,
        "installed": installed,
        "loaded": platform in names,
        "failures": failures,
        "device": device,
    }


def _device_name(openmm, platform_name):
    platform = openmm.Platform.getPlatformByName(platform_name)
    system = openmm.System()
    system.addParticle(1.0)
    context = openmm.Context(system, openmm.VerletIntegrator(0.001), platform)
    try:
        return platform.getPropertyValue(context, "DeviceName")
    finally:
        del context


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m protein_steps.openmm_check", description=__doc__.split("\n")[0])
    parser.add_argument("--platform", default="CUDA", choices=["CUDA", "OpenCL"])
    parser.add_argument("--require-device", action="store_true", help="fail when no device is present")
    args = parser.parse_args(argv)
    try:
        facts = gather(args.platform)
    except ImportError as error:
        print(f"openmm-check: OpenMM is not installed ({error})")
        return 1
    ok, what = classify(
        args.platform, facts["installed"], facts["loaded"], facts["failures"], facts["device"], args.require_device
    )
    print(f"openmm-check: OpenMM {facts['version']}; platforms {', '.join(facts['platforms'])}; {what}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
