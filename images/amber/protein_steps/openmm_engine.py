"""md_engine=openmm: one MD stage (minimisation, heating, NVT, NPT, free MD) on OpenMM.

The stage's settings come from the mdin sander would run (openmm_protocol), the system from the same
prmtop, the start from the same Amber restart. It writes what the sander stage writes, in the same
formats, so the next stage and every plot and analysis step take either engine's output:
- a log in sander's mdout/minout layout (NSTEP, TIME(PS), TEMP(K), PRESS, energy terms, VOLUME, Density),
  whose header names the engine, platform, threads or device, and whose end gives ns/day;
- an Amber NetCDF restart (coordinates, velocities, box, time), which sander reads as well;
- an Amber NetCDF trajectory every ntwx steps (cpptraj reads it);
- in place of the mdin, a protocol artifact listing every setting used, then the mdin it was read from.
"""

from __future__ import annotations

import math
import os
import time
import warnings
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from .errors import StepError
from .mdin import parse_cntrl
from .openmm_platform import Placement, candidates
from .openmm_protocol import Protocol, protocol_from_cntrl
from .progress import clock, say

KJ_PER_KCAL = 4.184
COULOMB = 138.935456  # kJ·nm/(mol·e²), OpenMM's 1/(4π ε0)
BOLTZMANN_KCAL = 0.0019872041  # kcal/(mol·K)
AMU_PER_A3_TO_G_PER_CM3 = 1.66053907
SANDER_DSUM_TOL = 1.0e-5  # sander's default Ewald direct-sum tolerance (&ewald dsum_tol)
SANDER_FFT_SPACING = 1.0  # Å: sander's default PME grid is the smallest 2·3·5 size at or above each box length
BAROSTAT_INTERVAL = 25  # steps between Monte Carlo volume moves (OpenMM's default)
# Force groups, one per reported term; the names are sander's mdout names.
TERMS = {"BOND": 1, "ANGLE": 2, "DIHED": 3, "1-4 NB": 4, "1-4 EEL": 5, "NONBOND": 6, "RESTRAINT": 7}
# parmed's NetCDF files work without netCDF4 (its own pure-Python reader/writer) and say so each time.
warnings.filterwarnings("ignore", message="Could not find netCDF4 module")
FFT_SIZES = sorted(n for n in (2**a * 3**b * 5**c for a in range(12) for b in range(8) for c in range(6)) if n <= 4096)


def require_openmm():
    """The openmm module, or a StepError naming the image and how to get one with OpenMM."""
    try:
        import openmm
    except ImportError:
        image = os.environ.get("PROTEIN_STEP_IMAGE", "")
        where = f"the image {image}" if image else "this environment (the image or venv running protein-step)"
        raise StepError(
            f"md_engine=openmm but OpenMM is not installed in {where}: rebuild the image from images/amber "
            "(its requirements.txt pins openmm; `docker build -t NAME images/amber`), or set md_engine=sander"
        ) from None
    return openmm


@dataclass(frozen=True)
class Start:
    """An Amber restart or inpcrd: positions (Å), velocities (Å/ps, or None), box (a b c α β γ, or None)."""

    positions: object  # numpy (N, 3)
    velocities: object | None
    box: tuple[float, ...] | None
    time_ps: float


def read_restart(path: str) -> Start:
    """ASCII or NetCDF Amber coordinates/restart, as sander writes them."""
    import numpy as np
    from parmed.amber import Rst7

    try:
        restart = Rst7.open(path)
    except Exception as error:  # noqa: BLE001 - parmed raises several kinds for a bad file
        raise StepError(f"--input-crd is not an Amber coordinate or restart file: {error}") from None
    velocities = np.array(restart.velocities).reshape(-1, 3) if restart.hasvels else None
    box = tuple(float(v) for v in restart.box) if restart.hasbox else None
    return Start(np.array(restart.coordinates).reshape(-1, 3), velocities, box, float(restart.time or 0.0))


def ewald_coefficient(cutoff: float, tolerance: float = SANDER_DSUM_TOL) -> float:
    """sander's Ewald coefficient (1/Å): erfc(β·cut)/cut = dsum_tol, solved by bisection."""
    low, high = 0.0, 10.0
    for _ in range(100):
        middle = (low + high) / 2
        if math.erfc(middle * cutoff) / cutoff > tolerance:
            low = middle
        else:
            high = middle
    return (low + high) / 2


def fft_size(length: float) -> int:
    """sander's PME grid size along a box vector: the smallest 2·3·5 number ≥ length / spacing."""
    return FFT_SIZES[bisect_left(FFT_SIZES, math.ceil(length / SANDER_FFT_SPACING - 1e-9))]


def restrained_atoms(prmtop: str, mask: str) -> list[int]:
    """Indices of the atoms an Amber mask selects (parmed's implementation of Amber's mask syntax)."""
    import parmed
    from parmed.amber import AmberMask

    try:
        selection = AmberMask(parmed.load_file(prmtop), mask).Selection()
    except Exception as error:  # noqa: BLE001 - parmed's MaskError and parse errors alike
        raise StepError(f"restraint mask {mask!r}: {error}") from None
    atoms = [index for index, chosen in enumerate(selection) if chosen]
    if not atoms:
        raise StepError(f"restraint mask {mask!r} selects no atom of the topology")
    return atoms


def _split_one_four(openmm, system, nonbonded) -> None:
    """Move the scaled 1-4 pairs out of NonbondedForce into two bond forces (1-4 EEL, 1-4 NB), so their
    energies are reported apart as sander reports them; the pairs stay excluded from the non-bonded sum."""
    eel = openmm.CustomBondForce(f"{COULOMB}*qq/r")
    eel.addPerBondParameter("qq")
    lj = openmm.CustomBondForce("4*epsilon*((sigma/r)^12-(sigma/r)^6)")
    lj.addPerBondParameter("sigma")
    lj.addPerBondParameter("epsilon")
    for index in range(nonbonded.getNumExceptions()):
        i, j, qq, sigma, epsilon = nonbonded.getExceptionParameters(index)
        if qq._value == 0 and epsilon._value == 0:
            continue
        eel.addBond(i, j, [qq])
        lj.addBond(i, j, [sigma, epsilon])
        nonbonded.setExceptionParameters(index, i, j, 0.0, sigma, 0.0)
    for force, term in ((eel, "1-4 EEL"), (lj, "1-4 NB")):
        force.setUsesPeriodicBoundaryConditions(nonbonded.usesPeriodicBoundaryConditions())
        force.setForceGroup(TERMS[term])
        system.addForce(force)


def box_vectors(box: tuple[float, ...]):
    """OpenMM's reduced box vectors (nm) of Amber's a b c α β γ (Å, degrees)."""
    from openmm.app.internal.unitcell import computePeriodicBoxVectors

    a, b, c, alpha, beta, gamma = box
    vectors = computePeriodicBoxVectors(a / 10, b / 10, c / 10, *(math.radians(x) for x in (alpha, beta, gamma)))
    return [list(vector) for vector in vectors._value]


def build_system(prmtop: str, protocol: Protocol, reference, box: tuple[float, ...] | None):
    """The OpenMM System of the stage: the prmtop's force field with the mdin's cutoff, electrostatics
    (PME as sander sets it up, or a plain cutoff in vacuum), constraints and positional restraints on
    `reference` (Å). Each reported term is in its own force group (TERMS)."""
    openmm = require_openmm()
    from openmm import app, unit

    if protocol.periodic and box is None:
        raise StepError("the mdin asks for a periodic box but --input-crd has none: use a solvated system")
    constraints = app.HBonds if protocol.constraints == "h-bonds" else None
    topology = app.AmberPrmtopFile(prmtop)
    system = topology.createSystem(
        nonbondedMethod=app.PME if protocol.periodic else app.CutoffNonPeriodic,
        nonbondedCutoff=protocol.cutoff_angstrom * unit.angstrom,
        constraints=constraints,
        rigidWater=constraints is not None,
    )
    for force in system.getForces():
        kind = type(force).__name__
        group = {"HarmonicBondForce": "BOND", "HarmonicAngleForce": "ANGLE", "PeriodicTorsionForce": "DIHED",
                 "NonbondedForce": "NONBOND"}.get(kind)
        if group:
            force.setForceGroup(TERMS[group])
        if kind == "NonbondedForce":
            nonbonded = force
    if protocol.periodic:
        vectors = box_vectors(box)
        system.setDefaultPeriodicBoxVectors(*[openmm.Vec3(*v) for v in vectors])
        alpha = ewald_coefficient(protocol.cutoff_angstrom) * 10  # 1/nm
        grid = [fft_size(math.sqrt(sum(c * c for c in v)) * 10) for v in vectors]
        nonbonded.setPMEParameters(alpha, *grid)
    else:
        nonbonded.setReactionFieldDielectric(1.0)  # sander's vacuum cutoff: Coulomb, no reaction field
    _split_one_four(openmm, system, nonbonded)
    if protocol.restraint_mask:
        displacement = "periodicdistance(x, y, z, x0, y0, z0)^2" if protocol.periodic else "(x-x0)^2+(y-y0)^2+(z-z0)^2"
        expression = f"k*({displacement})"
        restraint = openmm.CustomExternalForce(expression)
        # Amber's restraint_wt: E = k·Δr² (no ½), kcal/mol/Å² → kJ/mol/nm²
        restraint.addGlobalParameter("k", protocol.restraint_weight * KJ_PER_KCAL * 100)
        for name in ("x0", "y0", "z0"):
            restraint.addPerParticleParameter(name)
        for atom in restrained_atoms(prmtop, protocol.restraint_mask):
            restraint.addParticle(atom, [value / 10 for value in reference[atom]])
        restraint.setForceGroup(TERMS["RESTRAINT"])
        system.addForce(restraint)
    if protocol.pressure_bar is not None:
        barostat = openmm.MonteCarloBarostat(protocol.pressure_bar, protocol.temperature_k, BAROSTAT_INTERVAL)
        barostat.setRandomNumberSeed(_openmm_seed(protocol.seed))
        system.addForce(barostat)
    return system


def _openmm_seed(ig: int) -> int:
    """OpenMM takes 0 as 'pick a random seed', as sander takes ig = -1."""
    return 0 if ig < 0 else ig


def make_integrator(protocol: Protocol):
    openmm = require_openmm()
    if protocol.minimise or not protocol.thermostat:
        return openmm.VerletIntegrator(protocol.time_step_ps)
    integrator = openmm.LangevinMiddleIntegrator(
        protocol.temperature_k, protocol.collision_frequency_per_ps, protocol.time_step_ps
    )
    integrator.setRandomNumberSeed(_openmm_seed(protocol.seed))
    return integrator


def create_context(system, protocol: Protocol, choice: str):
    """A Context on the chosen platform; `auto` tries the fastest first and says why it passed any by."""
    openmm = require_openmm()
    Platform = openmm.Platform
    available = [Platform.getPlatform(i).getName() for i in range(Platform.getNumPlatforms())]
    tried = []
    for placement in candidates(choice, available, load_failures=tuple(Platform.getPluginLoadFailures())):
        try:
            platform = Platform.getPlatformByName(placement.platform)
            context = openmm.Context(system, make_integrator(protocol), platform, placement.properties)
        except Exception as error:  # noqa: BLE001 - OpenMMException says why the device cannot be used
            if choice != "auto":
                raise StepError(f"md_platform={choice}: OpenMM cannot use {placement.platform}: {error}") from None
            tried.append(f"{placement.platform} ({str(error).splitlines()[0]})")
            continue
        if tried:
            say(f"md_platform=auto passed over {'; '.join(tried)}")
        return context, _where(context, placement)
    raise StepError(f"md_platform={choice}: no OpenMM platform could run this system: {'; '.join(tried)}")


def _where(context, placement: Placement) -> str:
    platform = context.getPlatform()
    if "DeviceName" in platform.getPropertyNames():
        return f"device {platform.getPropertyValue(context, 'DeviceName')}"
    return placement.where


class Energies:
    """Per-term potential energies (kcal/mol) of a Context, by force group."""

    def __init__(self, context, terms: dict[str, int]):
        self.context, self.terms = context, terms

    def __call__(self) -> dict[str, float]:
        values = {}
        for name, group in self.terms.items():
            state = self.context.getState(getEnergy=True, groups={group})
            values[name] = state.getPotentialEnergy()._value / KJ_PER_KCAL
        return values


def _present_terms(system) -> dict[str, int]:
    groups = {system.getForce(i).getForceGroup() for i in range(system.getNumForces())}
    return {name: group for name, group in TERMS.items() if group in groups}


def _field(name: str, value: float) -> str:
    return f"{name:<7}= {value:14.4f}"


def _terms_lines(terms: dict[str, float]) -> list[str]:
    names = list(terms)
    return [" " + "  ".join(_field(n, terms[n]) for n in names[i : i + 3]) for i in range(0, len(names), 3)]


def md_record(step: int, time_ps: float, temperature: float, pressure: float, kinetic: float,
              terms: dict[str, float], volume: float | None, density: float | None) -> str:
    """One record in sander's mdout layout (protein_steps.mdout.parse_mdout reads it)."""
    potential = sum(terms.values())
    lines = [
        f" NSTEP = {step:8d}   TIME(PS) = {time_ps:11.3f}  TEMP(K) = {temperature:8.2f}  PRESS = {pressure:7.1f}",
        " " + "  ".join([_field("Etot", potential + kinetic), _field("EKtot", kinetic), _field("EPtot", potential)]),
        *_terms_lines(terms),
    ]
    if volume is not None and density is not None:
        lines += [" " + _field("VOLUME", volume), " " + _field("Density", density)]
    return "\n".join(lines + [" " + "-" * 78, ""])


def min_record(step: int, energy: float, rms: float, gmax: float, terms: dict[str, float] | None = None) -> str:
    """One record in sander's minout layout (protein_steps.mdout.parse_minout reads it)."""
    values = f"{step:7d}  {energy:14.4E} {rms:14.4E} {gmax:14.4E}"
    lines = ["   NSTEP       ENERGY          RMS            GMAX", values, ""]
    if terms:
        lines += _terms_lines(terms)
    return "\n".join(lines + ["", ""])


class _Log:
    def __init__(self, path: Path):
        self.handle = path.open("w", encoding="utf-8")

    def write(self, text: str) -> None:
        self.handle.write(text + "\n")
        self.handle.flush()

    def close(self) -> None:
        self.handle.close()


def _protocol_artifact(path: Path, protocol: Protocol, mdin_text: str, header: list[str]) -> Path:
    lines = ["# OpenMM protocol of this stage, written in place of sander's mdin: every setting it used.", *header]
    lines += ["", "# Settings read from the mdin below (sander's defaults for names it leaves out):", *protocol.lines()]
    lines += ["", "# The sander mdin of this stage (not run by sander):", mdin_text]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def run_openmm(mdin: Path, top: str, crd: str, what: str, choice: str, rst: Path, traj: Path, log: Path) -> Path:
    """Run the stage whose mdin is `mdin`; write rst, traj (when ntwx > 0) and log; return the protocol artifact."""
    openmm = require_openmm()
    mdin_text = mdin.read_text(encoding="utf-8")
    protocol = protocol_from_cntrl(parse_cntrl(mdin_text))
    start = read_restart(crd)
    if protocol.continue_velocities and start.velocities is None:
        raise StepError("the mdin continues a run (irest = 1) but --input-crd has no velocities: give it a restart "
                        "of an MD stage, not of a minimisation")
    if not protocol.continue_velocities:  # sander restarts its clock unless it continues a run (irest = 1)
        start = Start(start.positions, start.velocities, start.box, 0.0)
    system = build_system(top, protocol, start.positions, start.box)
    context, where = create_context(system, protocol, choice)
    platform = context.getPlatform().getName()
    header = [f"engine = OpenMM {openmm.__version__}", f"platform = {platform}", f"placement = {where}",
              f"atoms = {system.getNumParticles()}", f"constraints = {system.getNumConstraints()}"]
    if protocol.periodic:
        nonbonded = next(f for f in system.getForces() if type(f).__name__ == "NonbondedForce")
        alpha, nx, ny, nz = nonbonded.getPMEParameters()
        alpha = getattr(alpha, "_value", alpha) / 10  # 1/nm → 1/Å
        header.append(f"pme = Ewald coefficient {alpha:.5f} 1/Å, grid {nx} x {ny} x {nz}, order 5")
    say(f"OpenMM {openmm.__version__} ({what}): platform {platform}, {where}")
    context.setPositions(start.positions / 10)  # Å → nm
    if start.box is not None:
        context.setPeriodicBoxVectors(*box_vectors(start.box))
    runner = _Stage(context, system, protocol, start, log, header, mdin_text)
    started = time.monotonic()
    try:
        runner.minimise() if protocol.minimise else runner.dynamics(traj)
    except StepError:
        raise
    except Exception as error:  # noqa: BLE001 - OpenMMException (NaN, constraint failure) and the like
        runner.log.close()
        raise StepError(f"OpenMM ({what}) failed: {type(error).__name__}: {error}", log.read_text()[-4000:]) from None
    seconds = time.monotonic() - started
    speed = ""
    if not protocol.minimise:
        ns_per_day = protocol.steps * protocol.time_step_ps / 1000 / (seconds / 86400)
        speed = f", {ns_per_day:.2f} ns/day"
        runner.log.write(f"|         ns/day = {ns_per_day:10.2f}   seconds/ns = {86400 / ns_per_day:10.2f}")
    summary = f"OpenMM ({what}) finished in {clock(seconds)}: {protocol.steps} steps on {platform}, {where}{speed}"
    # The timing lines sander ends its log with, which the run report reads for every stage.
    runner.log.write(f"|  Total wall time: {seconds:10.2f}    seconds")
    runner.log.write(f"| {summary}")
    runner.log.close()
    runner.write_restart(rst)
    say(summary)
    return _protocol_artifact(mdin.with_name("openmm.protocol"), protocol, mdin_text, header)


class _Stage:
    def __init__(self, context, system, protocol: Protocol, start: Start, log_path: Path, header: list[str],
                 mdin_text: str):
        self.context, self.system, self.protocol, self.start = context, system, protocol, start
        self.energies = Energies(context, _present_terms(system))
        self.log = _Log(log_path)
        self.log.write("          -------------------------------------------------------")
        self.log.write("          Amber-format log of an OpenMM stage (protein-step, md_engine=openmm)")
        self.log.write("          -------------------------------------------------------")
        for line in header:
            self.log.write(f"| {line}")
        # As sander's mdout does: readers of the log (the run report) find the stage's settings in it.
        self.log.write("")
        self.log.write(" Here is the input file:")
        self.log.write("")
        for line in mdin_text.splitlines():
            self.log.write(line)
        self.log.write("")
        masses = [system.getParticleMass(i)._value for i in range(system.getNumParticles())]
        self.total_mass = sum(masses)
        moving = sum(1 for m in masses if m > 0)
        remover = any(type(f).__name__ == "CMMotionRemover" for f in system.getForces())
        self.degrees_of_freedom = 3 * moving - system.getNumConstraints() - (3 if remover else 0)

    def minimise(self) -> None:
        import numpy as np

        openmm = require_openmm()
        protocol, log, energies = self.protocol, self.log, self.energies
        # sander's NSTEP 1 is the starting structure; OpenMM reports after each L-BFGS iteration.
        log.write(min_record(1, *self._gradient_stats(), energies()))

        class Reporter(openmm.MinimizationReporter):
            last = 1

            def report(self, iteration, x, grad, args):
                step = iteration + 2
                Reporter.last = step
                if step % protocol.print_interval == 0:
                    gradient = np.asarray(grad) / (KJ_PER_KCAL * 10)  # kJ/mol/nm → kcal/mol/Å
                    rms = float(np.sqrt(np.mean(gradient**2)))
                    log.write(min_record(step, args["system energy"] / KJ_PER_KCAL, rms, float(np.abs(gradient).max())))
                return False

        tolerance = protocol.convergence_rms_gradient * KJ_PER_KCAL * 10  # RMS force component, as sander's drms
        openmm.LocalEnergyMinimizer.minimize(self.context, tolerance, max(1, protocol.steps - 1), Reporter())
        log.write("\n                    FINAL RESULTS\n")
        log.write(min_record(Reporter.last, *self._gradient_stats(), energies()))

    def _gradient_stats(self) -> tuple[float, float, float]:
        """Potential energy (kcal/mol), RMS and largest gradient component (kcal/mol/Å), as sander's minout."""
        import numpy as np

        state = self.context.getState(getEnergy=True, getForces=True)
        forces = state.getForces(asNumpy=True)._value.reshape(-1) / (KJ_PER_KCAL * 10)
        energy = state.getPotentialEnergy()._value / KJ_PER_KCAL
        return energy, float(np.sqrt(np.mean(forces**2))), float(np.abs(forces).max())

    def _record(self, step: int) -> str:
        state = self.context.getState(getEnergy=True)
        kinetic = state.getKineticEnergy()._value / KJ_PER_KCAL
        temperature = 2 * kinetic / (self.degrees_of_freedom * BOLTZMANN_KCAL) if self.degrees_of_freedom else 0.0
        volume = density = None
        pressure = 0.0  # sander prints 0 at constant volume
        if self.protocol.pressure_bar is not None:
            barostat = next(f for f in self.system.getForces() if type(f).__name__ == "MonteCarloBarostat")
            pressure = barostat.computeCurrentPressure(self.context)._value
            volume = state.getPeriodicBoxVolume()._value * 1000  # nm³ → Å³
            density = self.total_mass * AMU_PER_A3_TO_G_PER_CM3 / volume
        time_ps = self.start.time_ps + step * self.protocol.time_step_ps
        return md_record(step, time_ps, temperature, pressure, kinetic, self.energies(), volume, density)

    def dynamics(self, traj: Path) -> None:
        protocol, context = self.protocol, self.context
        if protocol.continue_velocities:
            context.setVelocities(self.start.velocities / 10.0)  # Å/ps → nm/ps
        elif protocol.initial_temperature_k > 0:
            context.setVelocitiesToTemperature(protocol.initial_temperature_k, _openmm_seed(protocol.seed))
        else:
            context.setVelocities([[0.0, 0.0, 0.0]] * self.system.getNumParticles())
        if not protocol.continue_velocities:  # sander's NSTEP 0: the input structure, before SHAKE
            self.log.write(self._record(0))
        context.applyConstraints(1e-5)
        frames = _Trajectory(traj, self.system.getNumParticles(), protocol.periodic) if protocol.traj_interval else None
        events = sorted({*range(protocol.print_interval, protocol.steps + 1, protocol.print_interval),
                         *(range(protocol.traj_interval, protocol.steps + 1, protocol.traj_interval) if frames else ()),
                         protocol.steps})
        done, next_progress, started = 0, protocol.steps / 20, time.monotonic()
        try:
            for step in events:
                context.getIntegrator().step(step - done)
                done = step
                if step % protocol.print_interval == 0 or step == protocol.steps:
                    self.log.write(self._record(step))
                if step >= next_progress and step < protocol.steps:  # about every 5 %, as sander's progress
                    elapsed = time.monotonic() - started
                    say(f"OpenMM: step {step}/{protocol.steps} ({100 * step // protocol.steps}%), elapsed "
                        f"{clock(elapsed)}, ETA {clock(elapsed * (protocol.steps - step) / step)}")
                    next_progress = step + protocol.steps / 20
                if frames and step % protocol.traj_interval == 0:
                    frames.add(context.getState(getPositions=True, enforcePeriodicBox=protocol.wrap),
                               self.start.time_ps + step * protocol.time_step_ps)
        finally:
            if frames:
                frames.close()

    def write_restart(self, path: Path) -> None:
        from parmed.amber.netcdffiles import NetCDFRestart

        state = self.context.getState(getPositions=True, getVelocities=not self.protocol.minimise,
                                      enforcePeriodicBox=self.protocol.wrap and self.protocol.periodic)
        atoms = self.system.getNumParticles()
        restart = NetCDFRestart.open_new(str(path), atoms, box=self.protocol.periodic,
                                         vels=not self.protocol.minimise, title="OpenMM stage (protein-step)")
        restart.coordinates = state.getPositions(asNumpy=True)._value * 10
        if not self.protocol.minimise:
            restart.velocities = state.getVelocities(asNumpy=True)._value * 10
        if self.protocol.periodic:
            restart.box = _lengths_and_angles(state)
        steps = 0 if self.protocol.minimise else self.protocol.steps
        restart.time = self.start.time_ps + steps * self.protocol.time_step_ps
        restart.close()


def _lengths_and_angles(state) -> list[float]:
    """Amber's a b c α β γ (Å, degrees) of a State's box."""
    from openmm.app.internal.unitcell import computeLengthsAndAngles

    a, b, c, alpha, beta, gamma = computeLengthsAndAngles(state.getPeriodicBoxVectors())
    return [a * 10, b * 10, c * 10, *(math.degrees(x) for x in (alpha, beta, gamma))]


class _Trajectory:
    """An Amber NetCDF trajectory (coordinates in Å, box, time in ps), as sander writes with ioutfm = 1."""

    def __init__(self, path: Path, atoms: int, periodic: bool):
        from parmed.amber.netcdffiles import NetCDFTraj

        self.periodic = periodic
        self.file = NetCDFTraj.open_new(str(path), atoms, box=periodic, crds=True, title="OpenMM stage (protein-step)")

    def add(self, state, time_ps: float) -> None:
        self.file.add_coordinates(state.getPositions(asNumpy=True)._value * 10)
        if self.periodic:
            box = _lengths_and_angles(state)
            self.file.add_cell_lengths_angles(box[:3], box[3:])
        self.file.add_time(time_ps)

    def close(self) -> None:
        self.file.close()
