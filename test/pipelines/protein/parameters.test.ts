import { pipelineParameters } from "../../../pipelines/protein/parameters";

describe("misc", () => {
  it("builds run parameters: preset, then PDB code, then overrides", () => {
    const p = pipelineParameters({ preset: "tiny", pdbCode: "2lzm", parameterOverrides: { temperature: 310 } });
    expect(p.pdb_code).toBe("2lzm");
    expect(p.temperature).toBe(310);
    const tutorial = pipelineParameters({ preset: "tutorial", pdbCode: "1aki", parameterOverrides: {} });
    expect(Object.keys(p).sort()).toEqual(Object.keys(tutorial).sort());
  });
});

describe("run_context", () => {
  it("tells the run report the preset and the overrides that change it", () => {
    const p = pipelineParameters({
      preset: "tiny",
      pdbCode: "1aki",
      parameterOverrides: { temperature: 310, free_steps: 200 },
    });
    expect(JSON.parse(p.run_context as string)).toEqual({ preset: "tiny", overrides: { temperature: 310 } });
  });

  it("cannot be overridden past the launcher", () => {
    const p = pipelineParameters({ preset: "short", pdbCode: "1aki", parameterOverrides: { run_context: "{}" } });
    expect(JSON.parse(p.run_context as string).preset).toBe("short");
  });
});
