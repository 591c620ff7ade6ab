#!/usr/bin/env python3
"""Our GPU executors must be what the official SDK writes for the same settings.

For every executor of the given IR files that requests an accelerator, the same task is built with the kfp
SDK (set_cpu_*/set_memory_*, set_accelerator_type/limit) and kfp-kubernetes (add_node_selector,
add_toleration, set_image_pull_policy) from the settings our IR states, compiled, and its container
`resources` and Kubernetes platform entry compared with ours, field by field. Exits 1 listing each
difference, or when a file has no GPU executor to compare.
"""
import sys
import tempfile
from pathlib import Path

from kfp import compiler, dsl, kubernetes

import check_ir


def sdk_executor(image, resources, platform):
    """The (resources, platform entry) the SDK compiles for one task with these settings."""

    @dsl.container_component
    def step():
        return dsl.ContainerSpec(image=image, command=["true"])

    @dsl.pipeline(name="sdk-gpu-reference")
    def reference():
        task = step()
        setters = {
            "resourceCpuRequest": task.set_cpu_request,
            "resourceCpuLimit": task.set_cpu_limit,
            "resourceMemoryRequest": task.set_memory_request,
            "resourceMemoryLimit": task.set_memory_limit,
        }
        for field, setter in setters.items():
            if field in resources:
                setter(resources[field])
        accelerator = resources.get("accelerator")
        if accelerator:
            task.set_accelerator_type(accelerator["resourceType"]).set_accelerator_limit(accelerator["resourceCount"])
        for key, value in platform.get("nodeSelector", {}).get("labels", {}).items():
            kubernetes.add_node_selector(task, label_key=key, label_value=value)
        for toleration in platform.get("tolerations", []):
            kubernetes.add_toleration(
                task,
                key=toleration.get("key"),
                operator=toleration["operator"],
                value=toleration.get("value"),
                effect=toleration.get("effect"),
            )
        if "imagePullPolicy" in platform:
            kubernetes.set_image_pull_policy(task, platform["imagePullPolicy"])

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "reference.yaml"
        compiler.Compiler().compile(reference, str(out))
        spec_doc, platform_doc = check_ir.load_documents(out)
    (executor,) = spec_doc["deploymentSpec"]["executors"].values()
    platforms = (platform_doc or {}).get("platforms", {}).get("kubernetes", {}).get("deploymentSpec", {})
    (sdk_platform,) = platforms.get("executors", {"-": {}}).values()
    return executor["container"].get("resources", {}), sdk_platform


def check(path):
    spec_doc, platform_doc = check_ir.load_documents(path)
    platforms = (platform_doc or {}).get("platforms", {}).get("kubernetes", {}).get("deploymentSpec", {})
    platform_executors = platforms.get("executors", {})
    problems, compared = [], []
    for name, executor in spec_doc["deploymentSpec"]["executors"].items():
        container = executor["container"]
        resources = container.get("resources", {})
        if "accelerator" not in resources:
            continue
        ours_platform = platform_executors.get(name, {})
        sdk_resources, sdk_platform = sdk_executor(container["image"], resources, ours_platform)
        for what, ours, theirs in [("resources", resources, sdk_resources), ("platform", ours_platform, sdk_platform)]:
            for field in sorted(set(ours) | set(theirs)):
                if ours.get(field) != theirs.get(field):
                    problems.append(f"{name} {what}.{field}: ours {ours.get(field)!r}, the SDK's {theirs.get(field)!r}")
        compared.append(name)
    if not compared:
        problems.append("no executor requests an accelerator: nothing to compare")
    return compared, problems


def main(paths):
    failed = False
    for path in paths:
        compared, problems = check(path)
        for problem in problems:
            print(f"{path}: {problem}", file=sys.stderr)
        failed = failed or bool(problems)
        if not problems:
            print(f"{path}: GPU executors as the SDK writes them ({', '.join(compared)})")
    return 1 if failed or not paths else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
