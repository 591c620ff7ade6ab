/**
 * The protein pipeline as a GPU stack compiles it: MD steps on the CUDA image with a GPU, a node selector
 * and a toleration; analysis steps placed by label too. The SDK check covers that IR (accelerator fields,
 * nodeSelector and tolerations in the Kubernetes platform spec) beside the CPU pipelines.
 * Usage: ts-node --transpile-only pipelines/sdk-check/gpu-sample.ts OUT.yaml
 */
import { writeFileSync } from "fs";
import { DEFAULT_STEP_RESOURCES, compileProteinPipeline } from "../protein";

const digest = (hex: string) => `localhost:5000/amber@sha256:${hex.repeat(64)}`;

export function gpuSampleIr(): string {
  return compileProteinPipeline({
    image: digest("0"),
    mdImage: digest("c"),
    resources: {
      ...DEFAULT_STEP_RESOURCES,
      md: {
        ...DEFAULT_STEP_RESOURCES.md,
        accelerator: { type: "nvidia.com/gpu", count: 1 },
        nodeSelector: { "nvidia.com/gpu.present": "true" },
        tolerations: [
          { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
          { key: "dedicated", operator: "Equal", value: "md", effect: "NoExecute" },
        ],
      },
      analysis: { ...DEFAULT_STEP_RESOURCES.analysis, nodeSelector: { pool: "cpu" } },
    },
  });
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: gpu-sample.ts OUT.yaml");
  writeFileSync(out, gpuSampleIr());
}
