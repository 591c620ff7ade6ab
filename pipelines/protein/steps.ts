/**
 * One container component per `protein-step` subcommand (contract: images/amber/STEPS.md).
 * Structure files (PDB, topology, coordinates, restart, trajectory) are system.Artifact; logs and
 * analysis tables are system.Dataset, so a log can never be wired where a topology is expected.
 */
import { InputSpecs, OutputSpecs, artifact, containerComponent, param } from "../kfp";
import type { Placeholders } from "../kfp/component";
import { DEFAULT_STEP_RESOURCES, StepResources, stepClassOf } from "./step-resources";

/** The images and resources the steps run with. */
export interface StepOptions {
  /** The AMBER image, digest-pinned. */
  image: string;
  /** The image of the MD steps (the CUDA variant when they request a GPU); default `image`. */
  mdImage?: string;
  /** Per step class; default DEFAULT_STEP_RESOURCES. */
  resources?: StepResources;
}

/** `--flag <placeholder>` for every input, then every output (input_pdb → --input-pdb), as STEPS.md names them. */
function cliArgs(io: Placeholders<InputSpecs, OutputSpecs>, opts: { executorInput?: boolean } = {}): string[] {
  const flag = (name: string) => `--${name.replace(/_/g, "-")}`;
  const pairs = [...Object.entries(io.inputs), ...Object.entries(io.outputs)];
  return [
    ...pairs.flatMap(([name, placeholder]) => [flag(name), placeholder]),
    ...(opts.executorInput ? ["--executor-input", io.executorInput] : []),
  ];
}

const structure = () => artifact.artifact();
const topologyOutputs = () => ({ output_top: structure(), output_crd: structure(), output_pdb: structure() });

export function defineSteps(opts: StepOptions) {
  const resources = opts.resources ?? DEFAULT_STEP_RESOURCES;
  const step = (subcommand: string) => ({
    image: stepClassOf(subcommand) === "md" ? (opts.mdImage ?? opts.image) : opts.image,
    command: ["protein-step", subcommand],
    imagePullPolicy: "IfNotPresent" as const,
    resources: resources[stepClassOf(subcommand)],
  });

  const fetchPdb = containerComponent({
    ...step("fetch-pdb"),
    name: "fetch-pdb",
    description: "Download (or copy from a local directory) the experimental structure.",
    inputs: { pdb_code: param.string(), source: param.string() },
    outputs: { output_pdb: structure() },
    args: (io) => cliArgs(io),
  });

  const pdb4amber = containerComponent({
    ...step("pdb4amber"),
    name: "pdb4amber",
    description: "Prepare the PDB for Amber (pdb4amber).",
    inputs: { input_pdb: structure() },
    outputs: { output_pdb: structure() },
    args: (io) => cliArgs(io),
  });

  const leapGenTop = containerComponent({
    ...step("leap-gen-top"),
    name: "leap-gen-top",
    description: "Build the vacuum topology and coordinates with tleap.",
    inputs: { input_pdb: structure(), forcefield: param.string() },
    outputs: topologyOutputs(),
    args: (io) => cliArgs(io),
  });

  const sanderMdrun = containerComponent({
    ...step("sander-mdrun"),
    name: "sander-mdrun",
    description:
      "Run one MD stage (minimization, heat, nvt, npt or free MD) on sander or OpenMM; output_mdin is what sander ran, or OpenMM's protocol.",
    inputs: {
      input_top: structure(),
      input_crd: structure(),
      simulation_type: param.string(),
      steps: param.int(),
      restraint_mask: param.string(),
      restraint_weight: param.double(),
      temperature: param.double(),
      traj_interval: param.int(),
      seed: param.int(),
      free_md_protocol: param.string(),
      engine: param.string(),
      platform: param.string(),
      water_model: param.string(),
      positive_ion: param.string(),
      negative_ion: param.string(),
    },
    outputs: {
      output_mdin: artifact.dataset(),
      output_rst: structure(),
      output_traj: structure(),
      output_log: artifact.dataset(),
    },
    args: (io) => cliArgs(io),
    // Named in the error when md_engine=openmm finds no OpenMM in a user-supplied image.
    env: { PROTEIN_STEP_IMAGE: opts.mdImage ?? opts.image },
  });

  const amberToPdb = containerComponent({
    ...step("amber-to-pdb"),
    name: "amber-to-pdb",
    description: "Convert topology + coordinates to PDB (ambpdb).",
    inputs: { input_top: structure(), input_crd: structure() },
    outputs: { output_pdb: structure() },
    args: (io) => cliArgs(io),
  });

  const solvationInputs = {
    input_pdb: structure(),
    forcefield: param.string(),
    water_model: param.string(),
    box_type: param.string(),
    box_distance: param.double(),
  };

  const leapSolvate = containerComponent({
    ...step("leap-solvate"),
    name: "leap-solvate",
    description: "Solvate the minimised structure in a water box (tleap).",
    inputs: solvationInputs,
    outputs: topologyOutputs(),
    args: (io) => cliArgs(io),
  });

  const leapAddIons = containerComponent({
    ...step("leap-add-ions"),
    name: "leap-add-ions",
    description: "Neutralise and add ions to the ionic concentration (tleap counts them; placed from the seed).",
    inputs: {
      ...solvationInputs,
      ionic_concentration: param.double(),
      positive_ion: param.string(),
      negative_ion: param.string(),
      seed: param.int(),
    },
    outputs: topologyOutputs(),
    args: (io) => cliArgs(io),
  });

  const plotOutputs = () => ({
    output_dat: artifact.dataset(),
    output_html: artifact.html(),
    output_metrics: artifact.metrics(),
  });

  const energyPlot = containerComponent({
    ...step("energy-plot"),
    name: "energy-plot",
    description: "Extract energy terms from a sander log (process_minout/process_mdout), plot them, report metrics.",
    inputs: { input_log: artifact.dataset(), log_kind: param.string(), terms: param.string(), title: param.string() },
    outputs: plotOutputs(),
    args: (io) => cliArgs(io, { executorInput: true }),
  });

  const cpptrajRms = containerComponent({
    ...step("cpptraj-rms"),
    name: "cpptraj-rms",
    description: "RMSD of the trajectory against its first frame and the experimental structure, one plot.",
    inputs: {
      input_top: structure(),
      input_traj: structure(),
      input_ref_pdb: structure(),
      mask: param.string(),
      traj_interval: param.int(),
      title: param.string(),
    },
    outputs: plotOutputs(),
    args: (io) => cliArgs(io, { executorInput: true }),
  });

  const cpptrajRgyr = containerComponent({
    ...step("cpptraj-rgyr"),
    name: "cpptraj-rgyr",
    description: "Radius of gyration along the trajectory.",
    inputs: {
      input_top: structure(),
      input_traj: structure(),
      mask: param.string(),
      traj_interval: param.int(),
      title: param.string(),
    },
    outputs: plotOutputs(),
    args: (io) => cliArgs(io, { executorInput: true }),
  });

  const cpptrajImage = containerComponent({
    ...step("cpptraj-image"),
    name: "cpptraj-image",
    description: "Image the trajectory and strip it to the mask (solute only), with the matching topology.",
    inputs: { input_top: structure(), input_traj: structure(), mask: param.string() },
    outputs: { output_traj: structure(), output_top: structure() },
    args: (io) => cliArgs(io),
  });

  const plot = () => artifact.html();
  const runReport = containerComponent({
    ...step("run-report"),
    name: "run-report",
    description:
      "The run judged on one HTML page: what ran, a verdict against reference bands, the molecule in 3D, every plot.",
    inputs: {
      title: param.string(),
      image: param.string(),
      run_context: param.string(),
      pdb_code: param.string(),
      seed: param.int(),
      temperature: param.double(),
      input_pdb: structure(),
      input_top: structure(),
      input_traj: structure(),
      heat_log: artifact.dataset(),
      nvt_log: artifact.dataset(),
      npt_log: artifact.dataset(),
      free_log: artifact.dataset(),
      rmsd_metrics: artifact.metrics(),
      rgyr_metrics: artifact.metrics(),
      min_vacuum_h_plot: plot(),
      min_vacuum_system_plot: plot(),
      min_solvated_plot: plot(),
      heat_plot: plot(),
      nvt_plot: plot(),
      npt_plot: plot(),
      free_md_plot: plot(),
      rmsd_plot: plot(),
      rgyr_plot: plot(),
    },
    outputs: { output_html: artifact.html(), output_viewer: artifact.html() },
    args: (io) => cliArgs(io),
  });

  return {
    /** The step runner's image reference: the run report shows it. */
    image: opts.image,
    fetchPdb,
    pdb4amber,
    leapGenTop,
    sanderMdrun,
    amberToPdb,
    leapSolvate,
    leapAddIons,
    energyPlot,
    cpptrajRms,
    cpptrajRgyr,
    cpptrajImage,
    runReport,
  };
}

export type ProteinSteps = ReturnType<typeof defineSteps>;
