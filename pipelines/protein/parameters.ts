/** The protein pipeline's parameter rules: a run's values from the config, and the checks of overrides. */
import { describeValue, mdParameterProblems, SANDER_INT_MAX } from "./md-parameter-rules";
import { PipelineParameters, PresetName, batchParameters, presets, runContext } from "./presets";

/** Where override problems go (the stack's config collects them all before failing). */
export interface ProblemSink {
  add(problem: string): void;
}

/**
 * The run's parameters: the preset, then the configured PDB code (or, for a batch, the list of codes
 * as `pdb_codes`), then explicit overrides.
 */
export function pipelineParameters(p: {
  preset: PresetName;
  pdbCode: string;
  pdbCodes?: string[];
  parameterOverrides: PipelineParameters;
}): PipelineParameters {
  const run_context = runContext(p.preset, p.parameterOverrides);
  if (p.pdbCodes) return { ...batchParameters(p.preset, p.pdbCodes), ...p.parameterOverrides, run_context };
  return { ...presets[p.preset], pdb_code: p.pdbCode, ...p.parameterOverrides, run_context };
}

/** Every parameter the protein pipeline takes, with its tutorial default (for validating overrides). */
export function knownPipelineParameters(): PipelineParameters {
  return { ...presets.tutorial };
}

export function parseParameterOverrides(
  text: string,
  known: PipelineParameters | undefined,
  problems: ProblemSink,
): PipelineParameters {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    problems.add(
      `pipeline.parameters: not valid JSON (${(e as Error).message}). Fix: npm run config -- set --path pipeline.parameters '{"temperature": 310}'`,
    );
    return {};
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    problems.add("pipeline.parameters: must be a JSON object of parameter names to values.");
    return {};
  }
  // Only the overrides of the right type go on (to the run context, the trajectory checks): a wrong one, of
  // any shape or depth, is a problem listed here and nothing more.
  const accepted: PipelineParameters = {};
  for (const [name, value] of Object.entries(parsed as PipelineParameters)) {
    // Own keys only: `__proto__`, `constructor` or `toString` are no parameters.
    if (known && !Object.hasOwn(known, name)) {
      problems.add(
        `pipeline.parameters: ${JSON.stringify(name)} is not a parameter of the protein pipeline (known: ${Object.keys(known).sort().join(", ")}).`,
      );
      continue;
    }
    if (known && typeof value !== typeof known[name]) {
      problems.add(`pipeline.parameters: "${name}" must be a ${typeof known[name]}, got ${describeValue(value)}.`);
      continue;
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
      // JSON.parse reads 1e400 as Infinity, which the run's JSON would carry as null.
      problems.add(`pipeline.parameters: "${name}" must be a finite number, got ${describeValue(value)}.`);
      continue;
    }
    if (
      /_steps$/.test(name) &&
      !(Number.isInteger(value) && (value as number) > 0 && (value as number) <= SANDER_INT_MAX)
    ) {
      problems.add(
        `pipeline.parameters: "${name}" must be a whole number of steps from 1 to ${SANDER_INT_MAX}, got ${describeValue(value)}.`,
      );
    }
    if (/(_weight|_distance|_concentration|temperature)$/.test(name) && typeof value === "number" && value < 0) {
      problems.add(`pipeline.parameters: "${name}" must not be negative, got ${value}.`);
    }
    if (name === "pdb_code")
      problems.add("pipeline.parameters: set the PDB code with pipeline.pdbCode, not pipeline.parameters.");
    for (const problem of mdParameterProblems(name, value)) problems.add(`pipeline.parameters: ${problem}`);
    accepted[name] = value;
  }
  return accepted;
}
