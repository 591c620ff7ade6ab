/**
 * Pipeline parameter values. `tutorial` = the biobb AMBER "Protein MD Setup" values (lysozyme 1AKI) and is
 * also the pipelines' defaults; `tiny` keeps the science but cuts every stage to a few hundred steps or
 * fewer so a CPU run of the whole chain takes minutes.
 */

/** The presets, by name: the one list the stack's config, the local runner and the run resource use. */
export const PRESET_NAMES = ["tutorial", "tiny"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
/** A value of a pipeline parameter, as KFP's runtime config takes it. */
export type ParameterValue = string | number | boolean | unknown[];
/** A run's parameters, by name. */
export type PipelineParameters = Record<string, ParameterValue>;

/** Heavy atoms held (hydrogens minimised), Amber mask. */
export const HEAVY_ATOMS_MASK = ":*&!@H=";
/** Everything but water and ions. */
export const SOLUTE_MASK = "!:WAT,Cl-,Na+";

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
  min_solvated_steps: 300,
  min_solvated_restraint_weight: 50.0,
  heat_steps: 2500,
  heat_restraint_weight: 10.0,
  nvt_steps: 500,
  nvt_restraint_weight: 5.0,
  npt_steps: 500,
  npt_restraint_weight: 2.5,
  free_steps: 2500,
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

export const presets: Record<PresetName, PipelineParameters> = { tiny, tutorial };

/** Parameters for the batch pipeline: a preset with `pdb_code` replaced by the list `pdb_codes`. */
export function batchParameters(preset: PresetName, pdbCodes: string[]): PipelineParameters {
  if (pdbCodes.length === 0) throw new Error("batchParameters: give at least one PDB code");
  const parameters: PipelineParameters = { ...presets[preset], pdb_codes: [...pdbCodes] };
  delete parameters.pdb_code;
  return parameters;
}
