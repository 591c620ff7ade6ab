/**
 * Pipeline parameter values.
 * - `tutorial`: the biobb AMBER "Protein MD Setup" notebook (bioexcel/biobb_wf_amber_md_setup, lysozyme
 *   1AKI): its step counts, restraints and free-MD protocol. Also the pipelines' defaults.
 * - `short`: a quick scientific sanity check: heating as long as the tutorial's (the system reaches the
 *   target temperature), the other stages cut; about 60 % of the tutorial's MD steps.
 * - `tiny`: a smoke test of the plumbing, not science: a few hundred steps at most; heating stops far
 *   below the target temperature and no quantity of it should be compared with anything.
 * - `production`: the tutorial's setup and equilibration, then 5 ns of free MD at 300 K and 1 bar with a
 *   frame every 10 ps (why these: docs/science.md), meant for OpenMM, on a GPU.
 * Every preset but `tutorial` runs the free MD with the `npt` protocol (continue at 1 bar, velocities kept).
 */

/** The presets, by name: the one list the stack's config, the local runner and the run resource use. */
export const PRESET_NAMES = ["tutorial", "short", "tiny", "production"] as const;
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
  /** Filled by the launcher (runContext): the preset's name and the overrides, for the run report. */
  run_context: "{}",
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
  free_md_protocol: "npt",
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
  free_md_protocol: "npt",
  traj_interval: 50,
};

/** Every MD stage steps 2 fs (dt 0.002 ps, hydrogens constrained): 5 ns of free MD, a frame every 10 ps. */
export const production: ProteinParameterValues = {
  ...tutorial,
  free_steps: 2_500_000,
  traj_interval: 5_000,
  free_md_protocol: "npt",
  md_engine: "openmm",
};

export const presets: Record<PresetName, PipelineParameters> = { tiny, short, tutorial, production };

/**
 * The `run_context` parameter: which preset a run started from and the overrides that change it (an override
 * equal to the preset's value, as a number or its text, is no change), shown in the run report.
 */
export function runContext(preset: PresetName | undefined, overrides: Record<string, unknown>): string {
  const base: PipelineParameters = preset ? presets[preset] : {};
  const changed = Object.entries(overrides).filter(([name, value]) => String(value) !== String(base[name]));
  return JSON.stringify({ ...(preset ? { preset } : {}), overrides: Object.fromEntries(changed) });
}

/** Parameters for the batch pipeline: a preset with `pdb_code` replaced by the list `pdb_codes`. */
export function batchParameters(preset: PresetName, pdbCodes: string[]): PipelineParameters {
  if (pdbCodes.length === 0) throw new Error("batchParameters: give at least one PDB code");
  const parameters: PipelineParameters = { ...presets[preset], pdb_codes: [...pdbCodes] };
  delete parameters.pdb_code;
  return parameters;
}
