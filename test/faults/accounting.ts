/** What the fault suite counts in the fake KFP after a scenario: objects the state does not record, duplicates, leftovers. */
import type { FakeKfpState } from "../fakes/fake-kfp";
import type { Rec } from "../fakes/fake-kfp-store";
import type { Props } from "./model-engine";

/** KFP objects that exist but that the recorded state does not own (so neither a next up nor destroy would see them). */
export function unrecorded(kfp: FakeKfpState, outs: Props | undefined): string[] {
  const runs = outs?.runIds ?? [];
  const versions = outs?.createdVersionIds ?? [];
  const missing: string[] = [];
  for (const id of kfp.pipelines.keys()) if (outs?.createdPipelineId !== id) missing.push(`pipeline ${id}`);
  for (const id of kfp.versions.keys()) if (!versions.includes(id)) missing.push(`version ${id}`);
  for (const id of kfp.experiments.keys()) if (outs?.createdExperimentId !== id) missing.push(`experiment ${id}`);
  for (const [id, r] of kfp.runs) {
    // A run whose creation answer was lost is recorded by its display name until the next up finds it.
    const pending = outs?.pendingRun?.displayName === r.run.display_name;
    if (!runs.includes(id) && !pending) missing.push(`run ${id}`);
  }
  return missing;
}

function extra(keys: string[]): number {
  return keys.length - new Set(keys).size;
}

/**
 * Objects made twice: pipelines or experiments with one name, versions with one name in a pipeline, runs of one
 * version with the same parameters and rerun token (the display name's token is in parentheses).
 */
export function duplicates(kfp: FakeKfpState): number {
  const values = <T>(m: Map<string, T>): T[] => [...m.values()];
  const runKey = (r: Rec): string =>
    JSON.stringify([
      (r.pipeline_version_reference as Rec | undefined)?.pipeline_version_id,
      (r.runtime_config as Rec | undefined)?.parameters,
      /\((.*)\)$/.exec(String(r.display_name))?.[1] ?? "",
    ]);
  return (
    extra(values(kfp.pipelines).map((p) => String(p.name))) +
    extra(values(kfp.experiments).map((e) => String(e.display_name))) +
    extra(values(kfp.versions).map((v) => `${String(v.pipeline_id)}/${String(v.name)}`)) +
    extra(values(kfp.runs).map((r) => runKey(r.run)))
  );
}

export function leftovers(kfp: FakeKfpState): number {
  return kfp.pipelines.size + kfp.versions.size + kfp.experiments.size + kfp.runs.size;
}
