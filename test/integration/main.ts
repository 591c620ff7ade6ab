/**
 * The integration tier: the real program through the real engine against a real kube-apiserver.
 * Run by `npm run test:integration` (test/integration/run.sh builds or reuses the tools first).
 *
 *   a failing first `npm run up` in a fresh clone: preflight and config messages once, git status clean
 *   up → checks in the API server → up again (no changes) → destroy → nothing left → stack removed
 *   kubectl baseline on the same objects (apply --server-side + wait, delete)
 *   faults: engine killed mid-up then up converges; a bad kubeconfig fails clearly
 *   upgrade: a stack created by the code of UPGRADE_BASE_COMMIT, then `up` by this code: updates only
 *   pod faults: stuck pods (kwok Stage objects, kube-scheduler) fail `up`, `npm run watch` and the wait, named
 *   results: `npm run results` through its own kubectl port-forward (apiserver → kwok → a real MinIO)
 *   e2e: `npm run e2e` against this cluster, to the end and interrupted by SIGINT (e2e.ts)
 *
 * Its last line is `integration: up=… noop=… destroy=… kubectl_apply=… kubectl_delete=…
 * changes_on_noop=… leftover=… upgrade_updates=… upgrade_unexpected=…`; the exit code is non-zero when
 * any check or criterion failed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { randomBytes } from "crypto";
import { runBaseline } from "./baseline";
import { LocalCluster, startLocalCluster } from "./cluster";
import { integrationConfig } from "./config";
import { timed } from "./exec";
import { Logger } from "./logger";
import { Deployment, pipelineRunProblems } from "./state";
import { createEphemeralStack, EphemeralStack } from "./stack";
import { countChanges, failedCriteria, Measurements, previewProblems, ratioLine, summaryLine } from "./summary";
import { apiServerProblems, leftoverObjects, orphanedObjects, CLUSTER_SCOPED_KINDS } from "./verify";
import { killEngineMidUp } from "./faults";
import { dynamicLogProblems, runDynamicLogProbe } from "./dynamic-log";
import { firstUpProblems, runFirstUp } from "./first-up";
import { describePhases, measuredUp } from "./phases";
import { runResultsThroughPortForward } from "./results-port-forward";
import { runE2eChecks } from "./e2e";
import { runPodFaultChecks } from "./pod-faults";
import { stateSidecarProblems } from "./state-sidecars";
import type { FakeKfp } from "../fakes/fake-kfp";
import {
  checkoutBase,
  describeSteps,
  stateUpgradeProblems,
  stepRecorder,
  UPGRADE_BASE_COMMIT,
  upgradeProblems,
} from "./upgrade";

const METRICS_PORT = 9191;
const BATCH_OF_TWO = { "pipeline.pdbCodes[0]": "1aki", "pipeline.pdbCodes[1]": "4e43" };

interface Outcome {
  name: string;
  problems: string[];
}

async function main(): Promise<number> {
  const toolsBin = process.env.ITEST_TOOLS_BIN;
  if (!toolsBin || !fs.existsSync(path.join(toolsBin, "pulumi"))) {
    throw new Error(
      "ITEST_TOOLS_BIN does not point at the built tools: run `npm run test:integration` (it builds them first)",
    );
  }
  const repoRoot = path.resolve(__dirname, "..", "..");
  const projectDir = process.env.ITEST_PROJECT_DIR ?? repoRoot;
  const kfpPath = path.resolve(repoRoot, "..", "shared", "kfp", "2.17.0");
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "kfp-itest-"));
  const log = new Logger(
    path.join(process.env.ITEST_LOG_DIR ?? path.join(os.tmpdir(), "kfp-itest-logs"), path.basename(workDir)),
  );
  const outcomes: Outcome[] = [];
  const m: Measurements = {
    upSeconds: NaN,
    noopSeconds: NaN,
    upCliSeconds: NaN,
    noopCliSeconds: NaN,
    destroySeconds: NaN,
    kubectlApplySeconds: NaN,
    kubectlDeleteSeconds: NaN,
    changesOnNoop: NaN,
    leftover: NaN,
    upgradeUpdates: NaN,
    upgradeUnexpected: NaN,
  };
  const stacks: EphemeralStack[] = [];
  let cluster: LocalCluster | undefined;
  let fakeKfp: FakeKfp | undefined;
  const record = (name: string, problems: string[]) => {
    outcomes.push({ name, problems });
    log.say(`${problems.length === 0 ? "PASS" : "FAIL"} ${name}${problems.map((p) => `\n    ${p}`).join("")}`);
  };

  try {
    log.say(`work dir ${workDir}; engine logs in ${log.dir}`);
    cluster = await startLocalCluster({ toolsBin, workDir, name: `itest-${randomBytes(3).toString("hex")}` });
    log.say(`cluster ${cluster.context} up (kubeconfig ${cluster.kubeconfig})`);
    fakeKfp = await startFakeKfpIfPresent(repoRoot);
    log.say(fakeKfp ? `fake KFP API at ${fakeKfp.url}` : "test/fakes/fake-kfp.ts absent: pipeline.enabled=false");
    // Only the test's own keys: every other key takes Pulumi.yaml's declared default, as for users.
    const config = integrationConfig({
      kubeconfig: cluster.kubeconfig,
      context: cluster.context,
      kfpPath,
      kfpApiEndpoint: fakeKfp?.url,
      metricsPort: METRICS_PORT,
    });
    const newStack = async (prefix: string, overrides: Record<string, string> = {}, fromDir = projectDir) => {
      const s = await createEphemeralStack({
        toolsRoot: path.dirname(toolsBin),
        projectDir: fromDir,
        workDir: path.join(workDir, prefix),
        namePrefix: prefix,
        config: { ...config, ...overrides },
      });
      stacks.push(s);
      return s;
    };
    // 0. What a user sees of the run's progress lines: a dynamic provider's logs reach `up`'s output live.
    const seen = await runDynamicLogProbe(toolsBin, repoRoot, path.join(workDir, "dynamic-log"));
    record("a dynamic provider's progress lines reach up's output while it runs", dynamicLogProblems(seen));
    // 0b. A new user's failing first `npm run up` (fresh clone, no pulumi on PATH): clean messages, clean tree.
    const firstUp = runFirstUp(toolsBin, repoRoot, path.join(workDir, "first-up"));
    log.write("first-up.log", [firstUp.preflight, firstUp.config].map((r) => `$ ${r.command}\n${r.output}`).join("\n"));
    record(
      "a failing first npm run up shows the preflight and config errors once, without a stack trace, and leaves git status clean",
      firstUpProblems(firstUp),
    );

    const kubectl = cluster.kubectl;
    const clusterScopedBefore = await kubectl.names(CLUSTER_SCOPED_KINDS);

    // 1. up → checks → up again → destroy → nothing left → remove. This stack is the one timed
    // against kubectl, so it runs without the pipeline-run resource (kubectl has no run to start);
    // the stack of step 3 keeps it, so the run still goes through the real engine.
    const main = await newStack("itest", { "pipeline.enabled": "false" });
    // Previewed first, as `pulumi up` does unless told --skip-preview (the Automation API's up skips it).
    const preview = await main.stack.preview({ color: "never", onOutput: log.engine("preview") });
    const afterPreview =
      ((await main.stack.exportStack()).deployment as Deployment | undefined)?.resources?.length ?? 0;
    record(
      "preview plans the creates and creates nothing",
      previewProblems(preview.changeSummary as Record<string, number>, afterPreview),
    );
    const up = await measuredUp(main.stack, log.engine("up"));
    m.upSeconds = up.seconds;
    m.upCliSeconds = up.cliSeconds;
    log.say(
      `up ${up.seconds.toFixed(1)}s: ${describePhases(up.phases.finish())} (timeline in ${log.dir}/up-timeline.tsv)`,
    );
    log.write("up-timeline.tsv", up.phases.timeline());
    record("up succeeds", up.result.summary.result === "succeeded" ? [] : [`up ended ${up.result.summary.result}`]);
    const state: Deployment = await main.exportWithSecrets();
    record("objects exist and are wired in the API server", await apiServerProblems(kubectl, state, METRICS_PORT));

    const noop = await measuredUp(main.stack, log.engine("noop"), { diff: true });
    m.noopSeconds = noop.seconds;
    m.noopCliSeconds = noop.cliSeconds;
    log.say(
      `noop up ${noop.seconds.toFixed(1)}s: ${describePhases(noop.phases.finish())} (timeline in ${log.dir}/noop-timeline.tsv)`,
    );
    log.write("noop-timeline.tsv", noop.phases.timeline());
    m.changesOnNoop = countChanges(noop.result.summary.resourceChanges as Record<string, number> | undefined);
    record(
      "second up changes nothing",
      m.changesOnNoop === 0
        ? []
        : [`${JSON.stringify(noop.result.summary.resourceChanges)}; the diff is in ${log.dir}/noop.log`],
    );

    const destroy = await timed(() => main.stack.destroy({ color: "never", onOutput: log.engine("destroy") }));
    m.destroySeconds = destroy.seconds;
    const left = await leftoverObjects(kubectl, state, clusterScopedBefore);
    m.leftover = left.length;
    record("destroy leaves nothing the stack created", left);
    await main.workspace.removeStack(main.name);
    stacks.splice(stacks.indexOf(main), 1);
    record("stack removed", []);

    // 2. Baseline: the same objects through kubectl.
    const baseline = await runBaseline(kubectl, state);
    m.kubectlApplySeconds = baseline.applySeconds;
    m.kubectlDeleteSeconds = baseline.deleteSeconds;
    record("kubectl baseline applies, becomes ready and deletes", []);

    // 3. Fault: the engine killed mid-update, then up converges.
    // Its run is a 2-protein batch (pipeline.pdbCodes, set by path as `pulumi config set --path` does).
    const crashed = await newStack("itest-kill", fakeKfp ? BATCH_OF_TWO : {});
    const kill = await killEngineMidUp(crashed, log);
    record("engine killed mid-up, then up converges", kill.problems);
    record(
      "the killed engine's state has no .attrs sidecar; an empty one (as the blob store's default leaves) is removed by npm run outputs",
      await stateSidecarProblems(crashed, projectDir),
    );
    const crashedState = await crashed.exportWithSecrets();
    record("no duplicates after the recovered up", await orphanedObjects(kubectl, crashedState));
    if (fakeKfp) {
      record(
        "the pipeline run resource ran a 2-protein batch against the fake KFP API",
        pipelineRunProblems(crashedState, ["1aki", "4e43"]),
      );
      // While this stack is up (its KFP CRDs hold the runs' Workflows): stuck pods fail `up` and `watch`, named.
      for (const check of await runPodFaultChecks(cluster, fakeKfp, log, crashed)) record(check.name, check.problems);
    }
    await crashed.stack.destroy({ color: "never", onOutput: log.engine("kill-destroy") });
    const crashLeft = await leftoverObjects(kubectl, crashedState, clusterScopedBefore);
    m.leftover += crashLeft.length;
    record("destroy after recovery leaves nothing", crashLeft);

    // 4. Fault: a bad kubeconfig fails with a message naming it, and creates nothing.
    const badPath = path.join(workDir, "bad-kubeconfig.yaml");
    fs.writeFileSync(badPath, "this: is not\n  a kubeconfig: [\n");
    const bad = await newStack("itest-badkc", { "cluster.kubeconfig": badPath });
    const badUp = await bad.stack.up({ color: "never", onOutput: log.engine("bad-kubeconfig") }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    const badState = (await bad.stack.exportStack()).deployment as Deployment;
    const created = (badState.resources ?? []).filter(
      (r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"),
    );
    record("bad kubeconfig fails clearly and creates nothing", [
      ...(badUp === undefined ? ["up with a bad kubeconfig succeeded"] : []),
      ...(badUp !== undefined && !badUp.includes(badPath)
        ? [`error does not name ${badPath}: ${lastLines(badUp, 8)}`]
        : []),
      ...created.map((r) => `created ${r.urn}`),
    ]);

    // 5. Upgrade in place: created by the base commit's code, then `up` by this code.
    const base = await checkoutBase(repoRoot, UPGRADE_BASE_COMMIT, workDir);
    try {
      const upgraded = await newStack("itest-upgrade", {}, base.dir);
      const created = await upgraded.stack.up({ color: "never", onOutput: log.engine("upgrade-base-up") });
      record(
        `up by the base commit ${UPGRADE_BASE_COMMIT.slice(0, 7)} succeeds`,
        created.summary.result === "succeeded" ? [] : [`up ended ${created.summary.result}`],
      );
      const beforeUpgrade = await upgraded.exportWithSecrets();
      upgraded.useProject(projectDir);
      const steps = stepRecorder();
      await upgraded.stack.up({ color: "never", diff: true, onEvent: steps.onEvent, onOutput: log.engine("upgrade") });
      const unexpected = [
        ...upgradeProblems(steps.steps),
        ...stateUpgradeProblems(beforeUpgrade, await upgraded.exportWithSecrets()),
      ];
      m.upgradeUpdates = steps.steps.filter((s) => s.op === "update").length;
      m.upgradeUnexpected = unexpected.length;
      log.say(`upgrade: ${describeSteps(steps.steps)}`);
      record(
        "upgrade from the base commit updates in place: no replace or delete beyond the listed behaviour changes",
        unexpected,
      );
      const after = await upgraded.stack.up({ color: "never", onOutput: log.engine("upgrade-noop") });
      const again = countChanges(after.summary.resourceChanges as Record<string, number> | undefined);
      record(
        "up after the upgrade changes nothing",
        again === 0 ? [] : [JSON.stringify(after.summary.resourceChanges)],
      );
      const upgradedState = await upgraded.exportWithSecrets();
      await upgraded.stack.destroy({ color: "never", onOutput: log.engine("upgrade-destroy") });
      const upgradeLeft = await leftoverObjects(kubectl, upgradedState, clusterScopedBefore);
      m.leftover += upgradeLeft.length;
      record("destroy by the current code after the upgrade leaves nothing", upgradeLeft);
    } finally {
      await base.remove();
    }

    // 6. `npm run results` reaches MinIO through its own port-forward via the API server and kwok, then closes it.
    const forwarded = await runResultsThroughPortForward(cluster, log);
    record(
      "npm run results downloads a run through its own kubectl port-forward (apiserver → kwok → MinIO) and closes it",
      forwarded.problems,
    );

    // 7. `npm run e2e`, the user's acceptance test, against this cluster and a fake KFP of its own.
    const e2e = await runE2eChecks(cluster, repoRoot, toolsBin, workDir, config, log);
    record("npm run e2e against this cluster: PASS, its results checked, nothing left", e2e.passProblems);
    record(
      "npm run e2e interrupted by SIGINT during up: destroyed, removed, INTERRUPTED, exit 130",
      e2e.interruptProblems,
    );
  } catch (e) {
    record("integration run completes", [(e as Error).stack ?? String(e)]);
  } finally {
    for (const s of stacks) {
      for (const problem of await s.dispose()) record(`teardown of ${s.name}`, [problem]);
    }
    await fakeKfp?.close();
    await cluster?.stop();
    fs.rmSync(workDir, { recursive: true, force: true });
  }

  const criteria = Number.isNaN(m.upSeconds) ? [] : failedCriteria(m);
  if (criteria.length > 0) record("pass criteria", criteria);
  const failed = outcomes.filter((o) => o.problems.length > 0).length;
  console.log(`integration: ${outcomes.length - failed} passed, ${failed} failed`);
  if (!Number.isNaN(m.upSeconds) && !Number.isNaN(m.kubectlApplySeconds)) console.log(ratioLine(m));
  console.log(summaryLine(m));
  return failed === 0 ? 0 : 1;
}

function lastLines(text: string, n: number): string {
  return text.trim().split("\n").slice(-n).join("\n");
}

async function startFakeKfpIfPresent(repoRoot: string): Promise<FakeKfp | undefined> {
  const modulePath = path.join(repoRoot, "test", "fakes", "fake-kfp.ts");
  if (!fs.existsSync(modulePath)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startFakeKfp } = require(modulePath) as { startFakeKfp: (o?: object) => Promise<FakeKfp> };
  // The run finishes on its first poll: the kubectl baseline has no pipeline run to wait for.
  return startFakeKfp({ host: "127.0.0.1", pollsToFinish: 0 });
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(e.message);
    process.exit(1);
  },
);
