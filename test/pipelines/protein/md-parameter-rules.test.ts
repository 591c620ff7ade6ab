import { mdParameterProblems } from "../../../pipelines/protein/md-parameter-rules";

describe("MD parameter rules", () => {
  it("accepts the two free MD protocols and nothing else", () => {
    expect(mdParameterProblems("free_md_protocol", "tutorial")).toEqual([]);
    expect(mdParameterProblems("free_md_protocol", "npt")).toEqual([]);
    expect(mdParameterProblems("free_md_protocol", "NPT")).toEqual([
      '"free_md_protocol" must be one of tutorial, npt, got "NPT".',
    ]);
  });

  it("names the parameter and its allowed values for an unknown engine or platform", () => {
    for (const engine of ["sander", "openmm"]) expect(mdParameterProblems("md_engine", engine)).toEqual([]);
    for (const platform of ["auto", "cpu", "cuda"]) expect(mdParameterProblems("md_platform", platform)).toEqual([]);
    expect(mdParameterProblems("md_engine", "pmemd")).toEqual([
      '"md_engine" must be one of sander, openmm, got "pmemd".',
    ]);
    expect(mdParameterProblems("md_platform", "opencl")).toEqual([
      '"md_platform" must be one of auto, cpu, cuda, got "opencl".',
    ]);
  });

  it("accepts seeds sander can read, and -1 for random", () => {
    for (const seed of [-1, 0, 71277, 2 ** 31 - 1]) expect(mdParameterProblems("seed", seed)).toEqual([]);
    for (const seed of [-2, 1.5, 2 ** 31]) expect(mdParameterProblems("seed", seed)).toHaveLength(1);
    expect(mdParameterProblems("seed", -2)[0]).toMatch(/"seed" must be a whole number .* or -1/);
  });

  it("refuses double quotes in restraint masks and ignores other parameters", () => {
    expect(mdParameterProblems("equilibration_restraint_mask", '"x"')[0]).toMatch(/double quotes/);
    expect(mdParameterProblems("solute_restraint_mask", "{solute} & !@H=")).toEqual([]);
    expect(mdParameterProblems("temperature", "hot")).toEqual([]);
  });
});
