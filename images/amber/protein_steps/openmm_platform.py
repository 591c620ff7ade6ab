"""Where an OpenMM stage runs: the platform (md_platform auto|cpu|cuda) and, on CPU, how many threads.

Threads follow the task's CPU limit, which Kubernetes enforces through the container's cgroup (cgroup v2
`cpu.max`, v1 `cpu.cfs_quota_us`/`cpu.cfs_period_us`), never more than the CPUs the process may use.
`cuda` fails at once with the reason when no CUDA device can be used; only `auto` falls back, and says so.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .errors import StepError

PLATFORMS = ("auto", "cpu", "cuda")
# Fastest first; Reference is OpenMM's slow validation platform, never picked.
AUTO_ORDER = ("CUDA", "HIP", "OpenCL", "CPU")
CGROUP = Path("/sys/fs/cgroup")


def quota_cpus(quota: str, period: str) -> int | None:
    """Whole CPUs of a CFS quota (`max` or a negative quota = no limit); at least 1."""
    if quota.strip() in ("max", "") or int(quota) < 0:
        return None
    return max(1, math.floor(int(quota) / int(period)))


def cgroup_cpu_limit(root: Path = CGROUP) -> int | None:
    """The container's CPU limit in whole CPUs, or None when the cgroup sets none."""
    v2 = root / "cpu.max"
    if v2.is_file():
        quota, period = (v2.read_text().split() + ["100000"])[:2]
        return quota_cpus(quota, period)
    v1 = root / "cpu" / "cpu.cfs_quota_us"
    if v1.is_file():
        return quota_cpus(v1.read_text(), (root / "cpu" / "cpu.cfs_period_us").read_text())
    return None


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def cpu_threads(root: Path = CGROUP) -> tuple[int, str]:
    """Threads for the CPU platform and where the number came from (for the step's log)."""
    usable = usable_cpus()
    limit = cgroup_cpu_limit(root)
    if limit is None:
        return usable, f"{usable} usable CPUs, no cgroup CPU limit"
    return min(limit, usable), f"cgroup CPU limit {limit}, {usable} usable CPUs"


@dataclass(frozen=True)
class Placement:
    platform: str  # OpenMM's platform name: CPU, CUDA, …
    properties: dict[str, str]
    where: str  # "2 threads (cgroup CPU limit 2, 2 usable CPUs)" or "device 0"


def _placement(name: str, threads: Callable[[], tuple[int, str]]) -> Placement:
    if name == "CPU":
        count, source = threads()
        return Placement("CPU", {"Threads": str(count)}, f"{count} threads ({source})")
    return Placement(name, {}, "default device")


def candidates(choice: str, available: list[str], threads: Callable[[], tuple[int, str]] = cpu_threads,
               load_failures: tuple[str, ...] = ()) -> list[Placement]:
    """The placements to try in order: one for `cpu`/`cuda`, the fastest available first for `auto`."""
    if choice not in PLATFORMS:
        raise StepError(f"--platform {choice!r}: md_platform must be one of {', '.join(PLATFORMS)}")
    if choice == "cpu":
        return [_placement("CPU", threads)]
    if choice == "cuda":
        if "CUDA" not in available:
            why = "; ".join(f for f in load_failures if "CUDA" in f) or "its CUDA plugin is not installed"
            raise StepError(f"md_platform=cuda but OpenMM has no CUDA platform here ({why}): run on a node with "
                            "an NVIDIA GPU and an image with OpenMM's CUDA plugin, or set md_platform to auto or cpu")
        return [_placement("CUDA", threads)]
    return [_placement(name, threads) for name in AUTO_ORDER if name in available]
