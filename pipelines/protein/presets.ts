/**
 * Pipeline parameter values.
 * - `tutorial`: the biobb AMBER "Protein MD Setup" notebook (bioexcel/biobb_wf_amber_md_setup, lysozyme
 *   1AKI): its step counts, restraints and free-MD protocol. Also the pipelines' defaults.
 * - `short`: a quick scientific sanity check: heating as long as the tutorial's (the system reaches the
 *   target temperature), the other stages cut; about 60 % of the tutorial's MD steps.
 * - `tiny`: a smoke test of the plumbing, not science: a few hundred steps at most; heating stops far
 *   below the target temperature and no quantity of it should be compared with anything.
 */

/** The presets, by name: the one list the stack's config, the local runner and the run resource use. */
export const PRESET_NAMES = ["tutorial", "short", "tiny"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
/** A value of a pipeline parameter, as KFP's runtime config takes it. */
export type ParameterValue = string | number | boolean | unknown[];
/** A run's parameters, by name. */
export type PipelineParameters = Record<string, ParameterValue>;

/** Heavy atoms held (hydrogens minimised), Amber mask. */
export const HEAVY_ATOMS_MASK = ":*&!@H=";
/**
 * Everything but water and ions. The step runner replaces `{solute}` with a mask built from the
 * `water_model`, `positive_ion` and `negative_ion` parameters (`!:WAT,Cl-,Na+` for the tutorial's).
 */
export const SOLUTE_MASK = "{solute}";
/** Solute heavy atoms: the notebook's NVT/NPT restraint. */
export const SOLUTE_HEAVY_ATOMS_MASK = "{solute} & !@H=";
/** sander's own default `ig` (Amber manual, &cntrl): fixed, so a run can be reproduced. */
export const DEFAULT_SEED = 71277;

export type FreeMdProtocol = "tutorial" | "npt";
/** Which program runs every MD stage: sander (AmberTools, serial) or OpenMM with the same protocol. */
export type MdEngine = "sander" | "openmm";
/** Where OpenMM runs: auto = the fastest platform found (logged), cpu, or cuda (fails without a GPU). */
export type MdPlatform = "auto" | "cpu" | "cuda";

export const tutorial = {
  pdb_code: "1aki",
  pdb_source: "rcsb",
  forcefield: "protein.ff14SB",
  water_model: "TIP3PBOX",
  box_type: "truncated_octahedron",
  box_distance: 9.0,
  ionic_concentration: 150.0,
  positive_ion: "Na+",
  negative_ion: "Cl-",
  temperature: 300.0,
  min_vacuum_h_steps: 500,
  min_vacuum_h_restraint_mask: HEAVY_ATOMS_MASK,
  min_vacuum_h_restraint_weight: 50.0,
  min_vacuum_system_steps: 500,
  min_vacuum_system_restraint_mask: HEAVY_ATOMS_MASK,
  min_vacuum_system_restraint_weight: 50.0,
  solute_restraint_mask: SOLUTE_MASK,
  equilibration_restraint_mask: SOLUTE_HEAVY_ATOMS_MASK,
  min_solvated_steps: 300,
  min_solvated_restraint_weight: 50.0,
  heat_steps: 2500,
  heat_restraint_weight: 10.0,
  nvt_steps: 500,
  nvt_restraint_weight: 5.0,
  npt_steps: 500,
  npt_restraint_weight: 2.5,
  free_steps: 2500,
  free_md_protocol: "tutorial" as FreeMdProtocol,
  seed: DEFAULT_SEED,
  md_engine: "sander" as MdEngine,
  md_platform: "auto" as MdPlatform,
  traj_interval: 500,
  analysis_mask: "backbone",
  image_mask: "solute",
};

export type ProteinParameterValues = typeof tutorial;

export const tiny: ProteinParameterValues = {
  ...tutorial,
  min_vacuum_h_steps: 50,
  min_vacuum_system_steps: 50,
  min_solvated_steps: 50,
  heat_steps: 200,
  nvt_steps: 100,
  npt_steps: 100,
  free_steps: 200,
  traj_interval: 20,
};

export const short: ProteinParameterValues = {
  ...tutorial,
  min_vacuum_h_steps: 100,
  min_vacuum_system_steps: 100,
  min_solvated_steps: 100,
  nvt_steps: 250,
  npt_steps: 250,
  free_steps: 500,
  traj_interval: 50,
};

export const presets: Record<PresetName, PipelineParameters> = { tiny, short, tutorial };

/** Parameters for the batch pipeline: a preset with `pdb_code` replaced by the list `pdb_codes`. */
export function batchParameters(preset: PresetName, pdbCodes: string[]): PipelineParameters {
  if (pdbCodes.length === 0) throw new Error("batchParameters: give at least one PDB code");
  const parameters: PipelineParameters = { ...presets[preset], pdb_codes: [...pdbCodes] };
  delete parameters.pdb_code;
  return parameters;
}
