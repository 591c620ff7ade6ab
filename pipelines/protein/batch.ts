/** Batch pipeline: the protein MD setup for each PDB code of a list, a bounded number at a time. */
import { compilePipeline, definePipeline, param, toYaml } from "../kfp";
import { addProteinMd, scienceParameters } from "./pipeline";
import { tutorial } from "./presets";
import { StepOptions, defineSteps } from "./steps";

export const BATCH_PIPELINE_NAME = "protein-md-batch";
/** KFP's iteratorPolicy.parallelismLimit is fixed in the IR, so the limit is a compile option, not a run parameter. */
export const DEFAULT_BATCH_PARALLELISM = 2;

export interface BatchOptions extends StepOptions {
  /** How many proteins run at once (0 = unlimited). */
  parallelism?: number;
}

export function batchPipeline(opts: BatchOptions) {
  const steps = defineSteps(opts);
  return definePipeline(
    {
      name: BATCH_PIPELINE_NAME,
      description: "AMBER protein MD setup for every PDB code in pdb_codes, in parallel up to the compiled limit.",
      parameters: {
        pdb_codes: param.list({ default: [tutorial.pdb_code], description: "list of 4-character PDB ids" }),
        ...scienceParameters,
      },
    },
    (p, dag) => {
      dag.parallelFor(p.pdb_codes, { parallelism: opts.parallelism ?? DEFAULT_BATCH_PARALLELISM }, (pdbCode, body) =>
        addProteinMd(body, steps, p, pdbCode),
      );
    },
  );
}

export function compileBatchPipeline(opts: BatchOptions): string {
  return toYaml(compilePipeline(batchPipeline(opts)));
}
