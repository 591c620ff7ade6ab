/**
 * A dynamic resource's `providerVersion` hashes the modules its spec lists, so a change to its provider's
 * code updates the resource (and stores the new code). The list is written by hand: here it must be
 * exactly the resource's file plus every module its provider reaches.
 */
import * as path from "path";
import { DynamicResourceSpec } from "../../../stacks/dynamic/dynamic-resource";
import { KFP_API_READY } from "../../../stacks/kfp-api/kfp-api-ready";
import { MANIFEST_SET } from "../../../stacks/kube/manifest-set/manifest-set";
import { PROTEIN_PIPELINE_RUN } from "../../../stacks/pipeline-run/protein-pipeline-run";
import { importClosure, REPO_ROOT } from "../../fixtures/imports";

const cases: [string, DynamicResourceSpec, string][] = [
  ["KfpApiReady", KFP_API_READY, "stacks/kfp-api/ready-provider"],
  ["ManifestSet", MANIFEST_SET, "stacks/kube/manifest-set/provider"],
  ["ProteinPipelineRun", PROTEIN_PIPELINE_RUN, "stacks/pipeline-run/provider"],
];

const rel = (file: string) => path.relative(REPO_ROOT, file).replace(/\.ts$/, "");

describe.each(cases)("%s's provider modules", (_name, spec, providerFile) => {
  const listed = spec.version!.modules.map((m) => rel(path.resolve(path.dirname(spec.version!.file), m)));

  it("cover every module its provider imports, directly or not", () => {
    const missing = [...importClosure(providerFile)].filter((m) => !listed.includes(m));
    expect(missing).toEqual([]);
  });

  it("list nothing else but the resource's own file", () => {
    const reached = importClosure(providerFile);
    const extra = listed.filter((m) => !reached.has(m) && m !== rel(spec.version!.file));
    expect(extra).toEqual([]);
  });
});
