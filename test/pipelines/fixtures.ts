/** Small components shared by the builder tests. */
import { artifact, compilePipeline, containerComponent, param, PipelineGraph } from "../../pipelines/kfp";

export const IMAGE = `example.org/tools@sha256:${"a".repeat(64)}`;

export const produce = containerComponent({
  name: "produce",
  image: IMAGE,
  command: ["tool", "produce"],
  inputs: { code: param.string(), count: param.int({ default: 3 }) },
  outputs: { data: artifact.dataset(), report: artifact.html(), summary: param.string() },
  args: (io) => [
    "--code",
    io.inputs.code,
    "--count",
    io.inputs.count,
    "--data",
    io.outputs.data,
    "--report",
    io.outputs.report,
    "--summary",
    io.outputs.summary,
  ],
  resources: { cpuRequest: "500m", memoryLimit: "1Gi" },
});

export const consume = containerComponent({
  name: "consume",
  image: IMAGE,
  command: ["tool", "consume"],
  inputs: { data: artifact.dataset(), label: param.string() },
  outputs: { metrics: artifact.metrics() },
  args: (io) => [
    "--data",
    io.inputs.data,
    "--label",
    io.inputs.label,
    "--metrics",
    io.outputs.metrics,
    "--meta",
    io.executorInput,
  ],
});

export const anything = containerComponent({
  name: "anything",
  image: IMAGE,
  command: ["tool", "anything"],
  inputs: { thing: artifact.artifact() },
  outputs: {},
  args: (io) => ["--thing", io.inputs.thing],
});

export type Ir = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function ir(graph: PipelineGraph): { spec: Ir; platform?: Ir } {
  const compiled = compilePipeline(graph);
  return { spec: compiled.pipelineSpec as Ir, platform: compiled.platformSpec as Ir | undefined };
}
