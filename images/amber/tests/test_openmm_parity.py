"""md_engine=openmm computes the energy sander computes: real sander and real OpenMM, one single point of
the solvated 1AKI system the pipeline builds (the lysozyme fixture: leap's box, water and ions), from one
mdin. sander runs it as written; the OpenMM system comes from the same mdin through the engine's own
protocol reader and system builder. Compared term by term: bonds, angles, dihedrals, 1-4 van der Waals
and electrostatics, non-bonded van der Waals and electrostatics (PME), and the positional restraint of a
displaced configuration (reference = the undisplaced coordinates). Each term within 0.1 % (or 0.5 kcal/mol
for a small one), the total within 1e-3."""

import re
import subprocess

import numpy as np
import pytest

from protein_steps.mdin import parse_cntrl
from protein_steps.mdout import parse_minout
from protein_steps.openmm_engine import KJ_PER_KCAL, TERMS, box_vectors, build_system, read_restart
from protein_steps.openmm_protocol import protocol_from_cntrl

SOLUTE = "!:WAT,Cl-,Na+"
SETTINGS = {"imin": 1, "maxcyc": 1, "ncyc": 1, "ntpr": 1, "ntb": 1, "cut": 10.0, "ntc": 1, "ntf": 1, "ntr": 1,
            "restraintmask": f'"{SOLUTE}"', "restraint_wt": 5.0}
# One `name = value` a line, the layout biobb writes and protein_steps.mdin.parse_cntrl reads.
MDIN = "single point of the displaced 1AKI box\n&cntrl\n" + "".join(f"  {k} = {v}\n" for k, v in SETTINGS.items()) + "&end\n"
DISPLACEMENT_A = 0.3  # largest shift of a restrained atom, Å
RELATIVE = 1e-3  # 0.1 %
SMALL_TERM = 0.5  # kcal/mol
# sander's minout name → how the OpenMM side is read
PAIRS = {"BOND": "BOND", "ANGLE": "ANGLE", "DIHED": "DIHED", "1-4 VDW": "1-4 NB", "1-4 EEL": "1-4 EEL",
         "VDWAALS": "VDWAALS", "EEL": "EEL", "RESTRAINT": "RESTRAINT"}


@pytest.fixture(scope="module")
def single_point(lysozyme, tmp_path_factory):
    """(sander's terms, OpenMM's terms, atoms the mask restrains in sander, in OpenMM)."""
    import parmed

    root = tmp_path_factory.mktemp("parity")
    top, reference = lysozyme / "ions/top", read_restart(str(lysozyme / "ions/crd"))
    protocol = protocol_from_cntrl(parse_cntrl(MDIN))
    system = build_system(str(top), protocol, reference.positions, reference.box)
    restraint = next(f for f in system.getForces() if f.getForceGroup() == TERMS["RESTRAINT"])
    restrained = [restraint.getParticleParameters(i)[0] for i in range(restraint.getNumParticles())]
    shifts = np.random.default_rng(19).uniform(-1, 1, (len(restrained), 3)) * DISPLACEMENT_A / np.sqrt(3)
    displaced = reference.positions.copy()
    displaced[restrained] += shifts
    crd = parmed.amber.Rst7(natom=len(displaced))
    crd.coordinates, crd.box = displaced, list(reference.box)
    crd.write(str(root / "displaced.rst7"))
    (root / "mdin").write_text(MDIN)
    subprocess.run(["sander", "-O", "-i", "mdin", "-o", "mdout", "-p", str(top), "-c", "displaced.rst7",
                    "-ref", str(lysozyme / "ions/crd"), "-r", "restrt", "-inf", "mdinfo"], cwd=root, check=True)
    text = (root / "mdout").read_text()
    sander_terms = parse_minout(text)[0]
    sander_mask = int(re.search(r"matches\s+(\d+) atoms", text).group(1))
    openmm_terms = _openmm_terms(system, displaced, reference.box)
    return sander_terms, openmm_terms, sander_mask, len(restrained)


def _openmm_terms(system, positions, box) -> dict[str, float]:
    """Energy per term (kcal/mol); the non-bonded sum split into van der Waals (charges off) and the rest."""
    import openmm

    def energies(system) -> dict[int, float]:
        context = openmm.Context(system, openmm.VerletIntegrator(0.001), openmm.Platform.getPlatformByName("CPU"),
                                 {"Threads": "2"})
        context.setPeriodicBoxVectors(*box_vectors(box))
        context.setPositions(positions / 10)
        return {group: context.getState(getEnergy=True, groups={group}).getPotentialEnergy()._value / KJ_PER_KCAL
                for group in set(TERMS.values())}

    full = energies(system)
    uncharged = openmm.XmlSerializer.clone(system)
    nonbonded = next(f for f in uncharged.getForces() if isinstance(f, openmm.NonbondedForce))
    for index in range(nonbonded.getNumParticles()):
        _, sigma, epsilon = nonbonded.getParticleParameters(index)
        nonbonded.setParticleParameters(index, 0.0, sigma, epsilon)
    vdw = energies(uncharged)[TERMS["NONBOND"]]
    terms = {name: full[group] for name, group in TERMS.items() if name != "NONBOND"}
    return {**terms, "VDWAALS": vdw, "EEL": full[TERMS["NONBOND"]] - vdw}


def test_the_restraint_mask_selects_the_atoms_sander_restrains(single_point):
    _, _, sander_mask, openmm_mask = single_point
    assert openmm_mask == sander_mask == 1960  # 1AKI's 1960 atoms: everything but water and ions


@pytest.mark.parametrize("sander_name", list(PAIRS))
def test_each_energy_term_matches_sander(single_point, sander_name):
    sander_terms, openmm_terms, _, _ = single_point
    ours, theirs = openmm_terms[PAIRS[sander_name]], sander_terms[sander_name]
    print(f"parity {sander_name}: sander {theirs:.4f} openmm {ours:.4f} kcal/mol "
          f"(relative {abs(ours - theirs) / max(abs(theirs), 1e-12):.2e})")
    assert abs(ours - theirs) <= max(RELATIVE * abs(theirs), SMALL_TERM), f"{sander_name}: {theirs} vs {ours}"


def test_the_displaced_configuration_is_restrained(single_point):
    sander_terms, openmm_terms, _, _ = single_point
    assert sander_terms["RESTRAINT"] > 100 * SMALL_TERM  # the displacement costs energy in both
    assert openmm_terms["RESTRAINT"] > 100 * SMALL_TERM


def test_total_energy_matches_sander(single_point):
    sander_terms, openmm_terms, _, _ = single_point
    ours = sum(openmm_terms[name] for name in PAIRS.values())
    theirs = sum(sander_terms[name] for name in PAIRS)  # ENERGY itself is printed to 5 digits only
    assert theirs == pytest.approx(sander_terms["ENERGY"], rel=2e-4)
    print(f"parity total: sander {theirs:.4f} openmm {ours:.4f} kcal/mol (relative {abs(ours - theirs) / abs(theirs):.2e})")
    assert ours == pytest.approx(theirs, rel=RELATIVE)
