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
