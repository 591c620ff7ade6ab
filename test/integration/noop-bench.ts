/**
 * Benchmark of the no-op `up` against the integration tier's environment (a kwok cluster, the fake KFP, the tier's
 * config): one `up`, then N no-op `up`s (NOOP_BENCH_RUNS, default 3), each timed; prints the median and its ratio
 * to the first up, and the no-op timelines' directory. Timings on a loaded machine are noisy: compare medians.
 *
 *   ITEST_TOOLS_BIN=$(bash test/integration/toolchain/build-test-tools.sh) \
 *     flock /tmp/kfp-integration.lock npx ts-node --transpile-only test/integration/noop-bench.ts
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startLocalCluster } from "./cluster";
import { integrationConfig } from "./config";
import { createEphemeralStack } from "./stack";
import { measuredUp } from "./phases";
import { startFakeKfp } from "../fakes/fake-kfp";

async function main(): Promise<void> {
  const toolsBin = process.env.ITEST_TOOLS_BIN;
  if (!toolsBin) throw new Error("set ITEST_TOOLS_BIN (bash test/integration/toolchain/build-test-tools.sh)");
  const runs = Number(process.env.NOOP_BENCH_RUNS ?? 3);
  const repoRoot = path.resolve(__dirname, "..", "..");
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "kfp-noop-bench-"));
  const cluster = await startLocalCluster({ toolsBin, workDir, name: `noop-bench-${process.pid}` });
  const fakeKfp = await startFakeKfp({ host: "127.0.0.1", pollsToFinish: 0 });
  const config = integrationConfig({
    kubeconfig: cluster.kubeconfig,
    context: cluster.context,
    kfpPath: path.resolve(repoRoot, "..", "shared", "kfp", "2.17.0"),
    kfpApiEndpoint: fakeKfp.url,
    metricsPort: 9191,
  });
  const stack = await createEphemeralStack({
    toolsRoot: path.dirname(toolsBin),
    projectDir: repoRoot,
    workDir: path.join(workDir, "stack"),
    namePrefix: "noop-bench",
    config: { ...config, "pipeline.enabled": "false" },
  });
  const log = (name: string) => (out: string) => fs.appendFileSync(path.join(workDir, `${name}.log`), out);
  try {
    const up = await measuredUp(stack.stack, log("up"));
    const upCli = up.cliSeconds;
    console.log(`up ${up.seconds.toFixed(2)} s (pulumi up itself ${upCli.toFixed(2)} s)`);
    const noops: number[] = [];
    const noopsCli: number[] = [];
    for (let i = 0; i < runs; i++) {
      const noop = await measuredUp(stack.stack, log(`noop-${i}`), { diff: true });
      fs.writeFileSync(path.join(workDir, `noop-${i}-timeline.tsv`), noop.phases.timeline());
      noops.push(noop.seconds);
      noopsCli.push(noop.cliSeconds);
      console.log(
        `noop ${noop.seconds.toFixed(2)} s (pulumi up itself ${noopsCli[i].toFixed(2)} s) ` +
          JSON.stringify(noop.result.summary.resourceChanges),
      );
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(runs / 2)];
    console.log(
      `noop median ${median(noops).toFixed(2)} s, noop/up=${(median(noops) / up.seconds).toFixed(2)}; ` +
        `pulumi up itself: noop/up=${(median(noopsCli) / upCli).toFixed(2)} (logs in ${workDir})`,
    );
  } finally {
    await stack.dispose();
    await fakeKfp.close();
    await cluster.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e.message);
    process.exit(1);
  },
);
