"""Translate the step's few parameters into biobb sander_mdrun properties (simulation type + mdin).

biobb's presets supply the base of each simulation type; these settings complete them. Its
`minimization` preset emits only `imin=1`, so maxcyc is always set here, and a topology without a
periodic box (vacuum, before solvation) switches to biobb's `min_vacuo` preset (ntb=0).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import StepError


@dataclass(frozen=True)
class MdSettings:
    simulation_type: str  # minimization | heat | nvt | npt | free
    steps: int
    restraint_mask: str
    restraint_weight: float
    temperature: float
    traj_interval: int
    periodic: bool


def print_interval(steps: int) -> int:
    """Print energies about 100 times per run (enough points for a plot, small logs)."""
    return max(1, steps // 100)


def sander_properties(settings: MdSettings) -> dict:
    kind = settings.simulation_type
    if kind != "minimization" and not settings.periodic:
        raise StepError(
            f"simulation type {kind!r} needs a solvated, periodic topology; this one has no box "
            "(run leap-solvate / leap-add-ions first, or use minimization)"
        )
    mdin: dict[str, object] = {"ntpr": print_interval(settings.steps)}
    if kind == "minimization":
        biobb_type = "minimization" if settings.periodic else "min_vacuo"
        mdin.update(maxcyc=settings.steps, ncyc=max(1, settings.steps // 2), ntx=1)
        if settings.periodic:
            mdin.update(ntb=1)
    else:
        biobb_type = kind
        mdin.update(nstlim=settings.steps, temp0=settings.temperature, ntwr=settings.steps,
                    ntwx=settings.traj_interval)
        if kind == "free":
            # biobb's `free` preset has no ensemble settings: continue NPT from the equilibration.
            mdin.update(irest=1, ntx=5, ntb=2, ntp=1, pres0=1.0, taup=2.0, gamma_ln=5.0)
    mask = settings.restraint_mask.strip()
    if mask:
        if '"' in mask:
            raise StepError(f"restraint mask {mask!r} must not contain double quotes")
        mdin.update(ntr=1, restraintmask=f'"{mask}"', restraint_wt=settings.restraint_weight)
    return {"simulation_type": biobb_type, "mdin": mdin}


def prmtop_is_periodic(prmtop_text: str) -> bool:
    """True when the topology has a periodic box (POINTERS entry IFBOX, the 28th value, > 0)."""
    lines = prmtop_text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("%FLAG POINTERS"))
    except StopIteration:
        raise StepError("the topology has no %FLAG POINTERS section: is it an Amber prmtop?") from None
    values: list[int] = []
    for line in lines[start + 2 :]:
        if line.startswith("%"):
            break
        values.extend(int(line[i : i + 8]) for i in range(0, len(line.rstrip()), 8))
    if len(values) < 28:
        raise StepError("the topology's POINTERS section is truncated: regenerate it with tleap")
    return values[27] > 0
