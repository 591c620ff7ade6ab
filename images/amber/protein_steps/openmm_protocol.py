"""The OpenMM protocol of one MD stage, read from the &cntrl namelist of the mdin sander would run.

The mdin (protein_steps.mdin, biobb's own generator) stays the one source of a stage's settings: this
module only reads it, filling every name the mdin leaves out with sander's default (Amber manual,
&cntrl), and refuses a setting the OpenMM engine cannot honour instead of running something else.
Imports nothing outside the standard library, so it is unit-tested without OpenMM.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .errors import StepError

# sander's defaults for the &cntrl names read here (Amber manual; cut 8 Å with a box, ig -1 = random).
SANDER_DEFAULTS = {
    "imin": "0", "maxcyc": "1", "ncyc": "10", "drms": "1.0e-4", "nstlim": "1", "dt": "0.001", "ntc": "1",
    "ntf": "1", "ntt": "0", "temp0": "300.0", "tempi": "0.0", "gamma_ln": "0.0", "ig": "-1", "irest": "0",
    "ntx": "1", "ntp": "0", "pres0": "1.0", "taup": "1.0", "ntr": "0", "restraintmask": "",
    "restraint_wt": "0.0", "ntpr": "50", "ntwx": "0", "iwrap": "0", "igb": "0", "cut": "8.0",
}
VACUUM_CUTOFF_DEFAULT = "9999.0"  # sander's cut without a box
SHAKE_LEVELS = {1: "none", 2: "h-bonds"}  # ntc → OpenMM constraints (ntc=3, all bonds, is not offered here)


@dataclass(frozen=True)
class Protocol:
    """Every setting an OpenMM stage uses, in the mdin's units (Å, ps, K, bar, kcal/mol/Å²)."""

    minimise: bool  # imin = 1
    steps: int  # maxcyc (minimisation) or nstlim (MD)
    time_step_ps: float  # dt
    periodic: bool  # ntb > 0: PME in the box; otherwise a plain cutoff in vacuum
    cutoff_angstrom: float  # cut
    constraints: str  # ntc: "none" or "h-bonds" (bonds to hydrogen and rigid water)
    thermostat: bool  # ntt = 3 (Langevin)
    collision_frequency_per_ps: float  # gamma_ln
    temperature_k: float  # temp0
    initial_temperature_k: float  # tempi (velocities drawn at it when not continuing)
    continue_velocities: bool  # irest = 1 with ntx = 5: velocities from the restart
    seed: int  # ig; -1 = random
    pressure_bar: float | None  # pres0 when ntp = 1 (isotropic), else None (constant volume)
    pressure_relaxation_ps: float  # taup (sander's Berendsen time; the Monte Carlo barostat has none)
    restraint_mask: str  # restraintmask when ntr = 1, else ""
    restraint_weight: float  # restraint_wt, E = k·Δr²
    print_interval: int  # ntpr
    traj_interval: int  # ntwx (0 = no trajectory)
    wrap: bool  # iwrap = 1
    convergence_rms_gradient: float  # drms (kcal/mol/Å)

    def lines(self) -> list[str]:
        """`name = value` for the protocol artifact, one setting a line."""
        return [f"{field.name} = {getattr(self, field.name)}" for field in fields(self)]


def _number(values: dict[str, str], name: str) -> float:
    text = values[name].strip().strip("'\"").lower().replace("d", "e")
    try:
        return float(text)
    except ValueError:
        raise StepError(f"the mdin's {name} = {values[name]!r} is not a number") from None


def _whole(values: dict[str, str], name: str) -> int:
    number = _number(values, name)
    if not number.is_integer():
        raise StepError(f"the mdin's {name} = {values[name]!r} is not a whole number")
    return int(number)


def _refuse(condition: bool, setting: str, why: str) -> None:
    if condition:
        raise StepError(f"md_engine=openmm cannot run the mdin's {setting}: {why}; use md_engine=sander for it")


def protocol_from_cntrl(cntrl: dict[str, str]) -> Protocol:
    """The protocol of an mdin's &cntrl (protein_steps.mdin.parse_cntrl), sander's defaults filled in."""
    values = {**SANDER_DEFAULTS, **{name.lower(): value for name, value in cntrl.items()}}
    ntp = _whole(values, "ntp")
    ntb = _whole(values, "ntb") if "ntb" in values else (2 if ntp > 0 else 1)
    if ntb == 0 and "cut" not in cntrl:
        values["cut"] = VACUUM_CUTOFF_DEFAULT
    minimise = _whole(values, "imin") == 1
    ntc, ntf, ntt = _whole(values, "ntc"), _whole(values, "ntf"), _whole(values, "ntt")
    _refuse(_whole(values, "imin") not in (0, 1), f"imin = {values['imin']}", "only minimisation (1) and MD (0)")
    _refuse(_whole(values, "igb") != 0, f"igb = {values['igb']}", "implicit solvent is not part of this protocol")
    _refuse(ntc not in SHAKE_LEVELS, f"ntc = {ntc}", "only no constraints (1) or SHAKE on bonds to hydrogen (2)")
    _refuse(ntf != ntc, f"ntf = {ntf} with ntc = {ntc}", "OpenMM omits exactly the constrained bonds' energy")
    _refuse(not minimise and ntt not in (0, 3), f"ntt = {ntt}", "only Langevin (3) or none (0)")
    _refuse(ntp not in (0, 1), f"ntp = {ntp}", "only isotropic pressure scaling (1)")
    _refuse(ntb not in (0, 1, 2) or (ntb == 2) != (ntp == 1), f"ntb = {ntb} with ntp = {ntp}",
            "constant volume (ntb 1) or constant pressure (ntb 2 with ntp 1)")
    restrained = _whole(values, "ntr") == 1
    mask = values["restraintmask"].strip().strip("'\"").strip() if restrained else ""
    _refuse(restrained and not mask, "ntr = 1", "it names no restraintmask")
    irest, ntx = _whole(values, "irest"), _whole(values, "ntx")
    _refuse(irest == 1 and ntx != 5, f"irest = 1 with ntx = {ntx}", "continuing needs ntx = 5 (velocities read)")
    return Protocol(
        minimise=minimise,
        steps=_whole(values, "maxcyc" if minimise else "nstlim"),
        time_step_ps=_number(values, "dt"),
        periodic=ntb > 0,
        cutoff_angstrom=_number(values, "cut"),
        constraints="none" if minimise else SHAKE_LEVELS[ntc],
        thermostat=not minimise and ntt == 3,
        collision_frequency_per_ps=_number(values, "gamma_ln"),
        temperature_k=_number(values, "temp0"),
        initial_temperature_k=_number(values, "tempi"),
        continue_velocities=not minimise and irest == 1,
        seed=_whole(values, "ig"),
        pressure_bar=_number(values, "pres0") if not minimise and ntp == 1 else None,
        pressure_relaxation_ps=_number(values, "taup"),
        restraint_mask=mask,
        restraint_weight=_number(values, "restraint_wt") if restrained else 0.0,
        print_interval=max(1, _whole(values, "ntpr")),
        traj_interval=0 if minimise else _whole(values, "ntwx"),
        wrap=_whole(values, "iwrap") == 1,
        convergence_rms_gradient=_number(values, "drms"),
    )
