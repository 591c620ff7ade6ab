/**
 * The protein MD pipeline: the MD chain runs in sequence; every plot and analysis branches off as soon as
 * its inputs exist.
 */
import { ArtifactRef, Dag, ParamRef, ParamRefs, compilePipeline, definePipeline, param, toYaml } from "../kfp";
import { DEFAULT_SEED, tutorial } from "./presets";
import { ProteinSteps, StepOptions, defineSteps } from "./steps";

const t = tutorial;

/** Science parameters shared by the single and the batch pipeline (defaults = tutorial values). */
export const scienceParameters = {
  pdb_source: param.string({ default: t.pdb_source, description: "rcsb, or a directory holding <code>.pdb" }),
  forcefield: param.string({ default: t.forcefield }),
  water_model: param.string({ default: t.water_model }),
  box_type: param.string({ default: t.box_type, description: "truncated_octahedron or cubic" }),
  box_distance: param.double({ default: t.box_distance, description: "solute to box edge, Å" }),
  ionic_concentration: param.double({ default: t.ionic_concentration, description: "mM" }),
  positive_ion: param.string({ default: t.positive_ion }),
  negative_ion: param.string({ default: t.negative_ion }),
  temperature: param.double({ default: t.temperature, description: "K" }),
  min_vacuum_h_steps: param.int({ default: t.min_vacuum_h_steps }),
  min_vacuum_h_restraint_mask: param.string({ default: t.min_vacuum_h_restraint_mask }),
  min_vacuum_h_restraint_weight: param.double({ default: t.min_vacuum_h_restraint_weight }),
  min_vacuum_system_steps: param.int({ default: t.min_vacuum_system_steps }),
  min_vacuum_system_restraint_mask: param.string({ default: t.min_vacuum_system_restraint_mask }),
  min_vacuum_system_restraint_weight: param.double({ default: t.min_vacuum_system_restraint_weight }),
  solute_restraint_mask: param.string({
    default: t.solute_restraint_mask,
    description: "solvated minimisation and heating; {solute} = all but water and the two ions",
  }),
  equilibration_restraint_mask: param.string({
    default: t.equilibration_restraint_mask,
    description: "NVT and NPT; {solute} as above",
  }),
  min_solvated_steps: param.int({ default: t.min_solvated_steps }),
  min_solvated_restraint_weight: param.double({ default: t.min_solvated_restraint_weight }),
  heat_steps: param.int({ default: t.heat_steps }),
  heat_restraint_weight: param.double({ default: t.heat_restraint_weight }),
  nvt_steps: param.int({ default: t.nvt_steps }),
  nvt_restraint_weight: param.double({ default: t.nvt_restraint_weight }),
  npt_steps: param.int({ default: t.npt_steps }),
  npt_restraint_weight: param.double({ default: t.npt_restraint_weight }),
  free_steps: param.int({ default: t.free_steps }),
  free_md_protocol: param.string({
    default: t.free_md_protocol,
    description: "tutorial (biobb's free preset, as the notebook) or npt (continue at 1 bar, velocities kept)",
  }),
  seed: param.int({
    default: t.seed,
    description: "ion placement and each MD stage's sander ig derive from it (docs/science.md); -1 = random",
  }),
  md_engine: param.string({
    default: t.md_engine,
    description: "sander, or openmm: every MD stage on OpenMM with the same protocol (docs/science.md)",
  }),
  md_platform: param.string({
    default: t.md_platform,
    description: "OpenMM's platform: auto (fastest found), cpu (threads = the task's CPU limit) or cuda",
  }),
  traj_interval: param.int({ default: t.traj_interval, description: "free MD frames every N steps" }),
  analysis_mask: param.string({ default: t.analysis_mask, description: "atoms for RMSD and Rgyr" }),
  image_mask: param.string({ default: t.image_mask, description: "atoms to centre when imaging" }),
  run_context: param.string({
    default: t.run_context,
    description: 'set by the launcher for the run report: {"preset": NAME, "overrides": {…}}',
  }),
};

export type ScienceParams = ParamRefs<typeof scienceParameters>;

export const PROTEIN_PIPELINE_NAME = "protein-md";
export const PROTEIN_PIPELINE_DESCRIPTION =
  "AMBER protein MD setup (biobb tutorial): prepare, minimise, solvate, ionise, heat, equilibrate, free MD, analyse.";

interface Structure {
  top: ArtifactRef<"system.Artifact">;
  crd: ArtifactRef<"system.Artifact">;
}

/** Adds every task of one protein's MD setup and analysis to `dag`. */
export function addProteinMd(dag: Dag, steps: ProteinSteps, p: ScienceParams, pdbCode: ParamRef<"STRING">): void {
  const fetched = dag.task(steps.fetchPdb, { pdb_code: pdbCode, source: p.pdb_source }, { name: "fetch-pdb" });
  const prepared = dag.task(steps.pdb4amber, { input_pdb: fetched.outputs.output_pdb }, { name: "pdb4amber" });
  const vacuum = dag.task(
    steps.leapGenTop,
    { input_pdb: prepared.outputs.output_pdb, forcefield: p.forcefield },
    { name: "leap-gen-top" },
  ).outputs;

  const sander = (
    name: string,
    input: Structure,
    stage: {
      type: string;
      steps: ParamRef<"NUMBER_INTEGER">;
      mask: ParamRef<"STRING"> | string;
      weight: ParamRef<"NUMBER_DOUBLE"> | number;
      trajInterval?: ParamRef<"NUMBER_INTEGER">;
    },
  ) =>
    dag.task(
      steps.sanderMdrun,
      {
        input_top: input.top,
        input_crd: input.crd,
        simulation_type: stage.type,
        steps: stage.steps,
        restraint_mask: stage.mask,
        restraint_weight: stage.weight,
        temperature: p.temperature,
        traj_interval: stage.trajInterval ?? 0,
        // Each stage gets only the protocol parameters it uses, so changing one re-runs (past KFP's
        // cache) just the stages it affects: the seed from heating on, the protocol the free MD only.
        seed: stage.type === "minimization" ? DEFAULT_SEED : p.seed,
        free_md_protocol: stage.type === "free" ? p.free_md_protocol : "tutorial",
        engine: p.md_engine,
        platform: p.md_platform,
        water_model: p.water_model,
        positive_ion: p.positive_ion,
        negative_ion: p.negative_ion,
      },
      { name },
    ).outputs;

  const plots: Record<string, ReturnType<typeof energyPlot>> = {};
  const energyPlot = (
    name: string,
    log: ArtifactRef<"system.Dataset">,
    kind: "minout" | "mdout",
    terms: string,
    title: string,
  ) => dag.task(steps.energyPlot, { input_log: log, log_kind: kind, terms, title }, { name });

  const minH = sander(
    "min-vacuum-h",
    { top: vacuum.output_top, crd: vacuum.output_crd },
    {
      type: "minimization",
      steps: p.min_vacuum_h_steps,
      mask: p.min_vacuum_h_restraint_mask,
      weight: p.min_vacuum_h_restraint_weight,
    },
  );
  plots.minH = energyPlot(
    "plot-min-vacuum-h",
    minH.output_log,
    "minout",
    "ENERGY",
    "Vacuum minimisation (hydrogens): potential energy",
  );

  const minSystem = sander(
    "min-vacuum-system",
    { top: vacuum.output_top, crd: minH.output_rst },
    {
      type: "minimization",
      steps: p.min_vacuum_system_steps,
      mask: p.min_vacuum_system_restraint_mask,
      weight: p.min_vacuum_system_restraint_weight,
    },
  );
  plots.minSystem = energyPlot(
    "plot-min-vacuum-system",
    minSystem.output_log,
    "minout",
    "ENERGY",
    "Vacuum minimisation (system): potential energy",
  );

  const minimised = dag.task(
    steps.amberToPdb,
    { input_top: vacuum.output_top, input_crd: minSystem.output_rst },
    { name: "amber-to-pdb" },
  );
  const box = {
    forcefield: p.forcefield,
    water_model: p.water_model,
    box_type: p.box_type,
    box_distance: p.box_distance,
  };
  const solvated = dag.task(
    steps.leapSolvate,
    { input_pdb: minimised.outputs.output_pdb, ...box },
    { name: "leap-solvate" },
  );
  const system = dag.task(
    steps.leapAddIons,
    {
      input_pdb: solvated.outputs.output_pdb,
      ...box,
      ionic_concentration: p.ionic_concentration,
      positive_ion: p.positive_ion,
      negative_ion: p.negative_ion,
      seed: p.seed,
    },
    { name: "leap-add-ions" },
  ).outputs;
  const top = system.output_top;

  const minSolvated = sander(
    "min-solvated",
    { top, crd: system.output_crd },
    {
      type: "minimization",
      steps: p.min_solvated_steps,
      mask: p.solute_restraint_mask,
      weight: p.min_solvated_restraint_weight,
    },
  );
  plots.minSolvated = energyPlot(
    "plot-min-solvated",
    minSolvated.output_log,
    "minout",
    "ENERGY",
    "Solvated minimisation: potential energy",
  );

  const heat = sander(
    "heat",
    { top, crd: minSolvated.output_rst },
    {
      type: "heat",
      steps: p.heat_steps,
      mask: p.solute_restraint_mask,
      weight: p.heat_restraint_weight,
    },
  );
  plots.heat = energyPlot("plot-heat", heat.output_log, "mdout", "TEMP", "Heating: temperature");

  const nvt = sander(
    "nvt",
    { top, crd: heat.output_rst },
    {
      type: "nvt",
      steps: p.nvt_steps,
      mask: p.equilibration_restraint_mask,
      weight: p.nvt_restraint_weight,
    },
  );
  plots.nvt = energyPlot("plot-nvt", nvt.output_log, "mdout", "TEMP", "NVT equilibration: temperature");

  const npt = sander(
    "npt",
    { top, crd: nvt.output_rst },
    {
      type: "npt",
      steps: p.npt_steps,
      mask: p.equilibration_restraint_mask,
      weight: p.npt_restraint_weight,
    },
  );
  plots.npt = energyPlot(
    "plot-npt",
    npt.output_log,
    "mdout",
    "PRES,DENSITY",
    "NPT equilibration: pressure and density",
  );

  // Free MD: no restraints (the step runner reads an empty mask as "none").
  const free = sander(
    "free-md",
    { top, crd: npt.output_rst },
    {
      type: "free",
      steps: p.free_steps,
      mask: "",
      weight: 0.0,
      trajInterval: p.traj_interval,
    },
  );
  plots.free = energyPlot(
    "plot-free-md",
    free.output_log,
    "mdout",
    "EPTOT,TEMP",
    "Free MD: potential energy and temperature",
  );
  const trajectory = { input_top: top, input_traj: free.output_traj, traj_interval: p.traj_interval };
  const rmsd = dag.task(
    steps.cpptrajRms,
    {
      ...trajectory,
      input_ref_pdb: fetched.outputs.output_pdb,
      mask: p.analysis_mask,
      title: "RMSD against the first frame and the experimental structure",
    },
    { name: "rmsd" },
  );
  const rgyr = dag.task(
    steps.cpptrajRgyr,
    { ...trajectory, mask: p.analysis_mask, title: "Radius of gyration" },
    { name: "rgyr" },
  );
  dag.task(
    steps.cpptrajImage,
    { input_top: top, input_traj: free.output_traj, mask: p.image_mask },
    { name: "image-trajectory" },
  );
  dag.task(
    steps.runReport,
    {
      title: "Protein MD setup: run report",
      image: steps.image,
      run_context: p.run_context,
      pdb_code: pdbCode,
      seed: p.seed,
      temperature: p.temperature,
      input_pdb: fetched.outputs.output_pdb,
      input_top: top,
      input_traj: free.output_traj,
      heat_log: heat.output_log,
      nvt_log: nvt.output_log,
      npt_log: npt.output_log,
      free_log: free.output_log,
      rmsd_metrics: rmsd.outputs.output_metrics,
      rgyr_metrics: rgyr.outputs.output_metrics,
      min_vacuum_h_plot: plots.minH.outputs.output_html,
      min_vacuum_system_plot: plots.minSystem.outputs.output_html,
      min_solvated_plot: plots.minSolvated.outputs.output_html,
      heat_plot: plots.heat.outputs.output_html,
      nvt_plot: plots.nvt.outputs.output_html,
      npt_plot: plots.npt.outputs.output_html,
      free_md_plot: plots.free.outputs.output_html,
      rmsd_plot: rmsd.outputs.output_html,
      rgyr_plot: rgyr.outputs.output_html,
    },
    { name: "run-report" },
  );
}

export function proteinPipeline(opts: StepOptions) {
  const steps = defineSteps(opts);
  return definePipeline(
    {
      name: PROTEIN_PIPELINE_NAME,
      description: PROTEIN_PIPELINE_DESCRIPTION,
      parameters: {
        pdb_code: param.string({ default: t.pdb_code, description: "4-character PDB id" }),
        ...scienceParameters,
      },
    },
    (p, dag) => addProteinMd(dag, steps, p, p.pdb_code),
  );
}

/** The protein pipeline's IR YAML for the given (digest-pinned) AMBER image(s) and step resources. */
export function compileProteinPipeline(opts: StepOptions): string {
  return toYaml(compilePipeline(proteinPipeline(opts)));
}
