/**
 * A pipeline using every builder feature the protein pipelines do not (conditions, nested and constant
 * loops, output parameters, Markdown, explicit ordering), so the SDK check covers them too.
 * Usage: ts-node --transpile-only pipelines/sdk-check/feature-sample.ts OUT.yaml
 */
import { writeFileSync } from "fs";
import { artifact, compare, compilePipeline, containerComponent, definePipeline, eq, param, toYaml } from "../kfp";

const image = `localhost:5000/sample@sha256:${"0".repeat(64)}`;

const make = containerComponent({
  name: "make",
  image,
  command: ["sample", "make"],
  inputs: { label: param.string(), count: param.int({ default: 1 }), scale: param.double({ default: 0.5 }) },
  outputs: { table: artifact.dataset(), note: artifact.markdown(), verdict: param.string() },
  args: (io) => [
    "--label",
    io.inputs.label,
    "--count",
    io.inputs.count,
    "--scale",
    io.inputs.scale,
    "--table",
    io.outputs.table,
    "--note",
    io.outputs.note,
    "--verdict",
    io.outputs.verdict,
  ],
  resources: { cpuRequest: "100m", memoryLimit: "256Mi" },
  imagePullPolicy: "Always",
});

const use = containerComponent({
  name: "use",
  image,
  command: ["sample", "use"],
  inputs: { table: artifact.artifact(), label: param.string() },
  outputs: { metrics: artifact.metrics() },
  args: (io) => [
    "--table",
    io.inputs.table,
    "--label",
    io.inputs.label,
    "--metrics",
    io.outputs.metrics,
    "--meta",
    io.executorInput,
  ],
});

export const featureSample = definePipeline(
  {
    name: "builder-feature-sample",
    description: "Exercises every IR feature of the TypeScript builder.",
    imagePullPolicy: "IfNotPresent",
    parameters: {
      labels: param.list({ default: ["a", "b"] }),
      enabled: param.bool({ default: true }),
      threshold: param.int({ default: 2 }),
      settings: param.struct({ default: { mode: "fast" } }),
    },
  },
  (p, dag) => {
    const first = dag.task(make, { label: "first" });
    const second = dag.task(make, { label: "second", count: p.threshold }, { after: [first], cache: false });
    dag.condition(eq(p.enabled, true), (enabled) => {
      enabled.condition(eq(first.outputs.verdict, "ok"), (ok) => {
        ok.task(use, { table: first.outputs.table, label: second.outputs.verdict });
      });
    });
    dag.parallelFor(p.labels, { parallelism: 2 }, (label, loop) => {
      const made = loop.task(make, { label });
      loop.parallelFor(["x", "y"], {}, (suffix, inner) => {
        inner.condition(compare(p.threshold, ">", 1), (big) => {
          big.task(use, { table: made.outputs.note, label: suffix });
        });
      });
    });
  },
);

if (require.main === module) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: feature-sample.ts OUT.yaml");
  writeFileSync(out, toYaml(compilePipeline(featureSample)));
}
