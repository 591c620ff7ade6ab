import { presets } from "../pipelines/protein/presets";
import { ParameterValue, PipelineConfig } from "./config";

/** The run's parameters: the preset, then the configured PDB code, then explicit overrides. */
export function pipelineParameters(
  p: Pick<PipelineConfig, "preset" | "pdbCode" | "parameterOverrides">,
): Record<string, ParameterValue> {
  return { ...presets[p.preset], pdb_code: p.pdbCode, ...p.parameterOverrides };
}

/** Every parameter the protein pipeline takes, with its tutorial default (for validating overrides). */
export function knownPipelineParameters(): Record<string, ParameterValue> {
  return { ...presets.tutorial };
}
