import { readFileSync } from "fs";
import { join } from "path";
import { parseAllDocuments } from "yaml";
import { compileBatchPipeline, compileProteinPipeline, presets, batchParameters } from "../../../pipelines/protein";
import { PRESET_NAMES, tutorial } from "../../../pipelines/protein/presets";
import { Ir } from "../../fixtures/pipeline-ir";

const IMAGE = `localhost:5000/amber@sha256:${"b".repeat(64)}`;

function load(text: string): { spec: Ir; platform: Ir } {
  const [spec, platform] = parseAllDocuments(text).map((doc) => doc.toJS());
  return { spec, platform };
}

/** subcommand → the flags STEPS.md lists for it (parameters, input and output artifacts). */
function contractFlags(): Map<string, string[]> {
  const table = readFileSync(join(__dirname, "../../../images/amber/STEPS.md"), "utf8");
  const rows = new Map<string, string[]>();
  for (const line of table.split("\n")) {
    const match = /^\| `([a-z0-9-]+)` \|(.*)$/.exec(line);
    if (!match) continue;
    const flags = [...match[2].matchAll(/`(--[a-z-]+)`/g)].map((m) => m[1]);
    rows.set(match[1], [...new Set(flags)].sort());
  }
  return rows;
}

const { spec, platform } = load(compileProteinPipeline({ image: IMAGE }));
const tasks: Ir = spec.root.dag.tasks;
const executorOf = (taskName: string) =>
  spec.deploymentSpec.executors[spec.components[tasks[taskName].componentRef.name].executorLabel].container;

describe("protein pipeline: step runner contract", () => {
  const contract = contractFlags();

  it("finds the contract table", () => {
    expect(contract.size).toBe(12);
  });

  it("calls protein-step with exactly the flags STEPS.md specifies, each followed by a value", () => {
    for (const [label, executor] of Object.entries<Ir>(spec.deploymentSpec.executors)) {
      const [binary, subcommand] = executor.container.command;
      expect([label, binary]).toEqual([label, "protein-step"]);
      const args: string[] = executor.container.args;
      const flags = args.filter((_, i) => i % 2 === 0);
      const values = args.filter((_, i) => i % 2 === 1);
      expect(flags.every((flag) => flag.startsWith("--"))).toBe(true);
      expect(values.every((value) => /^\{\{\$.*\}\}$/.test(value))).toBe(true);
      expect([subcommand, [...flags].sort()]).toEqual([subcommand, contract.get(subcommand)]);
    }
  });

  it("passes the executor input to every step with a Metrics output", () => {
    for (const executor of Object.values<Ir>(spec.deploymentSpec.executors)) {
      const args: string[] = executor.container.args;
      if (args.includes("--output-metrics")) {
        expect(args[args.indexOf("--executor-input") + 1]).toBe("{{$}}");
      }
    }
  });
});

describe("protein pipeline: graph", () => {
  const chain = [
    "fetch-pdb",
    "pdb4amber",
    "leap-gen-top",
    "min-vacuum-h",
    "min-vacuum-system",
    "amber-to-pdb",
    "leap-solvate",
    "leap-add-ions",
    "min-solvated",
    "heat",
    "nvt",
    "npt",
    "free-md",
  ];
  const analyses = [
    "plot-min-vacuum-h",
    "plot-min-vacuum-system",
    "plot-min-solvated",
    "plot-heat",
    "plot-nvt",
    "plot-npt",
    "plot-free-md",
    "rmsd",
    "rgyr",
    "image-trajectory",
  ];

  it("has every tutorial step and nothing else", () => {
    expect(Object.keys(tasks).sort()).toEqual([...chain, ...analyses, "run-report"].sort());
  });

  it("runs the MD chain in sequence", () => {
    for (let i = 1; i < chain.length; i++) {
      expect([chain[i], tasks[chain[i]].dependentTasks]).toEqual([chain[i], expect.arrayContaining([chain[i - 1]])]);
    }
  });

  it("branches analyses off the chain: only the run report waits for them, each waits only for its inputs", () => {
    for (const [name, task] of Object.entries<Ir>(tasks)) {
      if (name === "run-report") continue;
      for (const dependency of task.dependentTasks ?? []) expect(analyses).not.toContain(dependency);
    }
    expect(tasks["plot-min-vacuum-h"].dependentTasks).toEqual(["min-vacuum-h"]);
    expect(tasks["plot-npt"].dependentTasks).toEqual(["npt"]);
    expect(tasks["rgyr"].dependentTasks).toEqual(["free-md", "leap-add-ions"]);
  });

  it("wires every input of every task", () => {
    for (const [name, task] of Object.entries<Ir>(tasks)) {
      const definitions = spec.components[task.componentRef.name].inputDefinitions;
      expect([name, Object.keys(task.inputs.parameters ?? {}).sort()]).toEqual([
        name,
        Object.keys(definitions.parameters ?? {}).sort(),
      ]);
      expect([name, Object.keys(task.inputs.artifacts ?? {}).sort()]).toEqual([
        name,
        Object.keys(definitions.artifacts ?? {}).sort(),
      ]);
    }
  });

  it("feeds each stage the previous stage's restart file", () => {
    const crdOf = (name: string) => tasks[name].inputs.artifacts.input_crd.taskOutputArtifact;
    expect(crdOf("min-vacuum-system")).toEqual({ outputArtifactKey: "output_rst", producerTask: "min-vacuum-h" });
    expect(crdOf("amber-to-pdb")).toEqual({ outputArtifactKey: "output_rst", producerTask: "min-vacuum-system" });
    expect(crdOf("min-solvated")).toEqual({ outputArtifactKey: "output_crd", producerTask: "leap-add-ions" });
    expect(crdOf("free-md")).toEqual({ outputArtifactKey: "output_rst", producerTask: "npt" });
    expect(tasks["rmsd"].inputs.artifacts.input_ref_pdb.taskOutputArtifact.producerTask).toBe("fetch-pdb");
  });

  it("sets the stage types and energy terms of the tutorial", () => {
    const constant = (task: string, input: string) => tasks[task].inputs.parameters[input].runtimeValue?.constant;
    expect(
      chain
        .filter((t) => tasks[t].componentRef.name === "comp-sander-mdrun")
        .map((t) => constant(t, "simulation_type")),
    ).toEqual(["minimization", "minimization", "minimization", "heat", "nvt", "npt", "free"]);
    expect(constant("plot-heat", "terms")).toBe("TEMP");
    expect(constant("plot-npt", "terms")).toBe("PRES,DENSITY");
    expect(constant("plot-min-solvated", "terms")).toBe("ENERGY");
  });

  it("restrains as the tutorial: solute for minimisation and heating, solute heavy atoms for NVT and NPT", () => {
    const mask = (task: string) => tasks[task].inputs.parameters.restraint_mask.componentInputParameter;
    expect(["min-solvated", "heat", "nvt", "npt"].map(mask)).toEqual([
      "solute_restraint_mask",
      "solute_restraint_mask",
      "equilibration_restraint_mask",
      "equilibration_restraint_mask",
    ]);
    expect(tutorial.solute_restraint_mask).toBe("{solute}");
    expect(tutorial.equilibration_restraint_mask).toBe("{solute} & !@H=");
    for (const task of chain.filter((t) => tasks[t].componentRef.name === "comp-sander-mdrun")) {
      const parameters = tasks[task].inputs.parameters;
      for (const name of ["water_model", "positive_ion", "negative_ion"]) {
        expect([task, parameters[name]]).toEqual([task, { componentInputParameter: name }]);
      }
    }
  });

  it("passes seed and free MD protocol only to the stages that use them (caching re-runs no more)", () => {
    const source = (task: string, name: string) => tasks[task].inputs.parameters[name];
    for (const task of ["heat", "nvt", "npt", "free-md"]) {
      expect([task, source(task, "seed")]).toEqual([task, { componentInputParameter: "seed" }]);
    }
    for (const task of ["min-vacuum-h", "min-vacuum-system", "min-solvated"]) {
      expect([task, source(task, "seed")]).toEqual([task, { runtimeValue: { constant: 71277 } }]);
    }
    expect(source("free-md", "free_md_protocol")).toEqual({ componentInputParameter: "free_md_protocol" });
    expect(source("npt", "free_md_protocol")).toEqual({ runtimeValue: { constant: "tutorial" } });
  });

  it("ends with one run report gathering every plot in the tutorial's order", () => {
    const report = tasks["run-report"];
    const producers = Object.entries<Ir>(report.inputs.artifacts).map(([input, a]) => [
      input,
      a.taskOutputArtifact.producerTask,
    ]);
    // The IR sorts inputs by name; the page's order is the step runner's (run-report, STEPS.md).
    expect(producers.sort()).toEqual(
      [
        ["min_vacuum_h_plot", "plot-min-vacuum-h"],
        ["min_vacuum_system_plot", "plot-min-vacuum-system"],
        ["min_solvated_plot", "plot-min-solvated"],
        ["heat_plot", "plot-heat"],
        ["nvt_plot", "plot-nvt"],
        ["npt_plot", "plot-npt"],
        ["free_md_plot", "plot-free-md"],
        ["rmsd_plot", "rmsd"],
        ["rgyr_plot", "rgyr"],
        // what the report's header and verdict read
        ["input_pdb", "fetch-pdb"],
        ["input_top", "leap-add-ions"],
        ["heat_log", "heat"],
        ["nvt_log", "nvt"],
        ["npt_log", "npt"],
        ["free_log", "free-md"],
        ["rmsd_metrics", "rmsd"],
        ["rgyr_metrics", "rgyr"],
        // the 3D view's frames
        ["input_traj", "free-md"],
      ].sort(),
    );
    expect(report.inputs.parameters.image).toEqual({ runtimeValue: { constant: IMAGE } });
    expect(report.inputs.parameters.seed).toEqual({ componentInputParameter: "seed" });
    expect(report.inputs.parameters.run_context).toEqual({ componentInputParameter: "run_context" });
    const outputs = spec.components[report.componentRef.name].outputDefinitions.artifacts;
    expect(outputs.output_html.artifactType.schemaTitle).toBe("system.HTML");
    for (const task of Object.values<Ir>(tasks)) expect(task.dependentTasks ?? []).not.toContain("run-report");
  });

  it("gives every MD task its mdin as an output artifact", () => {
    for (const task of chain.filter((t) => tasks[t].componentRef.name === "comp-sander-mdrun")) {
      const outputs = spec.components[tasks[task].componentRef.name].outputDefinitions.artifacts;
      expect([task, outputs.output_mdin?.artifactType.schemaTitle]).toEqual([task, "system.Dataset"]);
    }
  });
});

describe("protein pipeline: outputs, parameters, deployment", () => {
  it("shows HTML plots and Metrics for energies, temperatures, pressure/density, RMSD and Rgyr", () => {
    const withPlots = [
      "plot-min-vacuum-h",
      "plot-min-vacuum-system",
      "plot-min-solvated",
      "plot-heat",
      "plot-nvt",
      "plot-npt",
      "plot-free-md",
      "rmsd",
      "rgyr",
    ];
    for (const name of withPlots) {
      const outputs = spec.components[tasks[name].componentRef.name].outputDefinitions.artifacts;
      expect([
        name,
        outputs.output_html.artifactType.schemaTitle,
        outputs.output_metrics.artifactType.schemaTitle,
      ]).toEqual([name, "system.HTML", "system.Metrics"]);
    }
  });

  it("exposes the science as parameters with the tutorial values as defaults", () => {
    const parameters: Ir = spec.root.inputDefinitions.parameters;
    const defaults = Object.fromEntries(Object.entries<Ir>(parameters).map(([name, def]) => [name, def.defaultValue]));
    expect(defaults).toEqual(tutorial);
    expect(parameters.box_distance.parameterType).toBe("NUMBER_DOUBLE");
    expect(parameters.heat_steps.parameterType).toBe("NUMBER_INTEGER");
    expect(tutorial).toMatchObject({
      pdb_code: "1aki",
      forcefield: "protein.ff14SB",
      water_model: "TIP3PBOX",
      box_distance: 9,
      ionic_concentration: 150,
      heat_steps: 2500,
    });
  });

  it("pins every image, pulls IfNotPresent, caches, and bounds resources", () => {
    for (const [label, executor] of Object.entries<Ir>(spec.deploymentSpec.executors)) {
      expect(executor.container.image).toBe(IMAGE);
      expect(platform.platforms.kubernetes.deploymentSpec.executors[label]).toEqual({
        imagePullPolicy: "IfNotPresent",
      });
      expect(Object.keys(executor.container.resources).sort()).toEqual([
        "cpuLimit",
        "cpuRequest",
        "memoryLimit",
        "memoryRequest",
        "resourceCpuLimit",
        "resourceCpuRequest",
        "resourceMemoryLimit",
        "resourceMemoryRequest",
      ]);
    }
    for (const task of Object.values<Ir>(tasks)) expect(task.cachingOptions).toEqual({ enableCache: true });
    expect(executorOf("free-md").resources.resourceCpuLimit).toBe("2");
  });

  it("offers a tiny smoke-test preset that shortens every stage, continues the free MD at 1 bar, and nothing else", () => {
    const stepKeys = Object.keys(tutorial).filter((key) => key.endsWith("_steps"));
    expect(stepKeys).toHaveLength(7);
    for (const key of stepKeys) {
      expect(presets.tiny[key] as number).toBeLessThanOrEqual(200);
      expect(presets.tiny[key] as number).toBeLessThan(presets.tutorial[key] as number);
    }
    const changed = Object.keys(tutorial).filter((key) => presets.tiny[key] !== presets.tutorial[key]);
    expect(changed.sort()).toEqual([...stepKeys, "traj_interval", "free_md_protocol"].sort());
  });

  it("keeps the tutorial preset's free MD the notebook's; every other preset continues at 1 bar", () => {
    for (const name of PRESET_NAMES) {
      expect([name, presets[name].free_md_protocol]).toEqual([name, name === "tutorial" ? "tutorial" : "npt"]);
    }
  });

  it("offers a short preset that heats as long as the tutorial and shortens the rest", () => {
    expect(presets.short.heat_steps).toBe(tutorial.heat_steps);
    for (const key of ["min_solvated_steps", "nvt_steps", "npt_steps", "free_steps"]) {
      expect(presets.short[key] as number).toBeLessThan(presets.tutorial[key] as number);
      expect(presets.short[key] as number).toBeGreaterThan(presets.tiny[key] as number);
    }
    expect((presets.short.free_steps as number) / (presets.short.traj_interval as number)).toBeGreaterThanOrEqual(5);
  });

  it("offers a production preset: the tutorial's setup and equilibration, then nanoseconds of free MD at 1 bar", () => {
    const changed = Object.keys(tutorial).filter((key) => presets.production[key] !== presets.tutorial[key]);
    expect(changed.sort()).toEqual(["free_md_protocol", "free_steps", "md_engine", "traj_interval"]);
    const nanoseconds = ((presets.production.free_steps as number) * 0.002) / 1000;
    const frames = (presets.production.free_steps as number) / (presets.production.traj_interval as number);
    expect(nanoseconds).toBe(5);
    expect(frames).toBe(500);
    expect(Number.isInteger(presets.production.free_steps) && Number.isInteger(presets.production.traj_interval)).toBe(
      true,
    );
    expect(presets.production.free_md_protocol).toBe("npt");
    expect(presets.production.md_engine).toBe("openmm");
  });

  it("reproduces runs by default: a fixed seed, the tutorial's free MD protocol", () => {
    expect(tutorial.seed).toBe(71277);
    expect(tutorial.free_md_protocol).toBe("tutorial");
    const parameters: Ir = spec.root.inputDefinitions.parameters;
    expect(parameters.seed.parameterType).toBe("NUMBER_INTEGER");
    expect(parameters.free_md_protocol.parameterType).toBe("STRING");
  });

  // The API server rejects runs with parameters the pipeline lacks, or values of the wrong JSON kind.
  it("gives presets exactly the pipeline's parameters, each of the declared kind", () => {
    const parameters: Ir = spec.root.inputDefinitions.parameters;
    const kind: Record<string, string> = {
      STRING: "string",
      NUMBER_INTEGER: "number",
      NUMBER_DOUBLE: "number",
      BOOLEAN: "boolean",
    };
    for (const [name, preset] of Object.entries(presets)) {
      expect([name, Object.keys(preset).sort()]).toEqual([name, Object.keys(parameters).sort()]);
      for (const [key, value] of Object.entries(preset)) {
        expect([name, key, typeof value]).toEqual([name, key, kind[parameters[key].parameterType]]);
        if (parameters[key].parameterType === "NUMBER_INTEGER") expect(Number.isInteger(value)).toBe(true);
      }
    }
  });
});

describe("batch pipeline", () => {
  const batch = load(compileBatchPipeline({ image: IMAGE, parallelism: 3 })).spec;

  it("runs the whole protein setup per PDB code under a parallelism limit", () => {
    const loop = batch.root.dag.tasks["for-loop-1"];
    expect(loop.iteratorPolicy).toEqual({ parallelismLimit: 3 });
    expect(loop.parameterIterator.items).toEqual({ inputParameter: "pipelinechannel--pdb_codes" });
    const body = batch.components["comp-for-loop-1"].dag.tasks;
    expect(Object.keys(body).sort()).toEqual(Object.keys(tasks).sort());
    expect(body["fetch-pdb"].inputs.parameters.pdb_code).toEqual({
      componentInputParameter: "pipelinechannel--pdb_codes-loop-item",
    });
    expect(batch.root.inputDefinitions.parameters.pdb_codes).toEqual({
      defaultValue: ["1aki"],
      description: "list of 4-character PDB ids",
      isOptional: true,
      parameterType: "LIST",
    });
  });

  it("builds batch parameters from a preset", () => {
    const parameters = batchParameters("tiny", ["1aki", "2lzm"]);
    expect(parameters.pdb_codes).toEqual(["1aki", "2lzm"]);
    expect(parameters).not.toHaveProperty("pdb_code");
    expect(Object.keys(parameters).sort()).toEqual(Object.keys(batch.root.inputDefinitions.parameters).sort());
    expect(() => batchParameters("tiny", [])).toThrow(/at least one PDB code/);
  });
});
