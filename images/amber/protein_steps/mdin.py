"""Translate a stage's parameters into biobb sander_mdrun properties (simulation type + mdin).

biobb's presets (biobb_amber.sander.sander_mdrun, `create_mdin`) supply the base of each simulation
type; these settings complete them exactly as the biobb AMBER "Protein MD Setup" notebook's cells do
(tests/test_mdin_biobb.py compares the two namelists stage by stage). Departures, each deliberate:
- `ig` is the `seed` parameter, not biobb's -1 (a random seed per run), so a run can be reproduced;
- `ntpr` keeps at least five energy records per stage, so very short runs still plot (it equals the
  notebook's value at the tutorial's step counts);
- free MD with protocol `npt` continues the NPT equilibration (velocities carried over, 1 bar); with
  protocol `tutorial` it is biobb's `free` preset as the notebook runs it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import StepError

FREE_MD_PROTOCOLS = ("tutorial", "npt")
SANDER_DEFAULT_NTPR = 50  # sander's default print interval (Amber manual, &cntrl ntpr)
VACUUM_NTPR = 5  # the notebook's vacuum minimisations print every 5 cycles
# Every water box biobb's leap_solvate offers names its residue WAT (leap's solvents.lib).
WATER_MODELS = ("POL3BOX", "QSPCFWBOX", "SPCBOX", "SPCFWBOX", "TIP3PBOX", "TIP3PFBOX", "TIP4PBOX",
                "TIP4PEWBOX", "OPCBOX", "OPC3BOX", "TIP5PBOX")
WATER_RESIDUE = "WAT"
SOLUTE_TOKEN = "{solute}"
_ION = re.compile(r"^[A-Z][a-z]?[0-9]?[+-]$")  # leap atomic-ion units (Na+, K+, Cl-): residue name = unit name


@dataclass(frozen=True)
class MdSettings:
    simulation_type: str  # minimization | heat | nvt | npt | free
    steps: int
    restraint_mask: str
    restraint_weight: float
    temperature: float
    traj_interval: int
    periodic: bool
    seed: int = 71277
    free_md_protocol: str = "tutorial"


def solute_mask(water_model: str, positive_ion: str, negative_ion: str) -> str:
    """Amber mask of everything but water and the two ion species, as the notebook writes it."""
    if water_model not in WATER_MODELS:
        raise StepError(f"water model {water_model!r} is not one leap_solvate knows: use one of {', '.join(WATER_MODELS)}")
    for flag, ion in (("--positive-ion", positive_ion), ("--negative-ion", negative_ion)):
        if not _ION.match(ion):
            raise StepError(f"{flag} {ion!r} is not a leap atomic ion name such as Na+, K+ or Cl-")
    return f"!:{WATER_RESIDUE},{negative_ion},{positive_ion}"


def expand_mask(mask: str, water_model: str, positive_ion: str, negative_ion: str) -> str:
    """Replace `{solute}` in a restraint mask by the solute mask of this system."""
    if SOLUTE_TOKEN not in mask:
        return mask.strip()
    return mask.replace(SOLUTE_TOKEN, solute_mask(water_model, positive_ion, negative_ion)).strip()


def print_interval(steps: int, usual: int = SANDER_DEFAULT_NTPR) -> int:
    """The usual interval, shortened so that every stage prints at least five energy records."""
    return min(usual, max(1, steps // 5))


def sander_properties(settings: MdSettings) -> dict:
    kind = settings.simulation_type
    if kind != "minimization" and not settings.periodic:
        raise StepError(
            f"simulation type {kind!r} needs a solvated, periodic topology; this one has no box "
            "(run leap-solvate / leap-add-ions first, or use minimization)"
        )
    if settings.free_md_protocol not in FREE_MD_PROTOCOLS:
        raise StepError(f"free MD protocol {settings.free_md_protocol!r}: use one of {', '.join(FREE_MD_PROTOCOLS)}")
    mdin: dict[str, object] = {}
    if kind == "minimization":
        biobb_type = "minimization" if settings.periodic else "min_vacuo"
        usual = SANDER_DEFAULT_NTPR if settings.periodic else VACUUM_NTPR
        mdin.update(maxcyc=settings.steps, ntpr=print_interval(settings.steps, usual))
    else:
        biobb_type = kind
        mdin.update(nstlim=settings.steps, ntpr=print_interval(settings.steps), temp0=settings.temperature,
                    ig=settings.seed)
        if settings.traj_interval > 0:
            mdin.update(ntwx=settings.traj_interval)
        if kind == "free" and settings.free_md_protocol == "npt":
            mdin.update(irest=1, ntx=5, ntb=2, ntp=1, pres0=1.0, taup=2.0, gamma_ln=5.0)
    mask = settings.restraint_mask.strip()
    if mask:
        if '"' in mask:
            raise StepError(f"restraint mask {mask!r} must not contain double quotes")
        mdin.update(ntr=1, restraintmask=f'"{mask}"', restraint_wt=settings.restraint_weight)
    return {"simulation_type": biobb_type, "mdin": mdin}


def write_mdin(properties: dict, path: Path, input_top: str, input_crd: str) -> Path:
    """Write the mdin biobb's sander_mdrun builds from these properties (its own `create_mdin`)."""
    from biobb_amber.sander.sander_mdrun import SanderMDRun

    unused = str(path.with_name("unused"))
    block = SanderMDRun(input_top_path=input_top, input_crd_path=input_crd, output_log_path=unused + ".log",
                        output_traj_path=unused + ".nc", output_rst_path=unused + ".rst",
                        properties={**properties, "can_write_console_log": False})
    block.create_mdin(path=str(path))
    return path


def parse_cntrl(mdin_text: str) -> dict[str, str]:
    """The &cntrl namelist of a biobb-written mdin as name → value text (one `name = value ! BioBB …` a line)."""
    match = re.search(r"&cntrl(.*?)(?:^\s*/\s*$|&end)", mdin_text, re.S | re.M)
    if not match:
        raise StepError("the mdin has no &cntrl namelist")
    values = {}
    for line in match.group(1).splitlines():
        setting = re.match(r"^\s*(\w+)\s*=\s*(.*?)\s*(?:!\s*BioBB.*)?$", line)
        if setting:
            values[setting.group(1).lower()] = setting.group(2).rstrip(",")
    return values


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
