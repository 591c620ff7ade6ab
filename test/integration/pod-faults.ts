/**
 * Stuck pods fail the wait fast, named: a run of the fake KFP that never ends, whose Argo Workflow and pods exist
 * in the real kube-apiserver; kwok nodes hold the pods and kwok Stage resources drive them into ImagePullBackOff,
 * ErrImagePull, CreateContainerConfigError, CrashLoopBackOff or OOMKilled, while kube-scheduler itself finds the
 * over-sized ones Unschedulable. Each must fail the wait within 60 s of the pod entering its state, naming the
 * step, the reason, the pod and the fix.
 *   - through the engine: `up` of a live stack (a new run via pipeline.rerunToken, pipeline.onPodFault=leave),
 *     then `npm run watch` on the same run (exit 1), the run left running in KFP;
 *   - every state through the run resource's provider itself (pipeline.onPodFault=terminate), all at once.
 */
import * as fs from "fs";
import { compileProteinPipeline } from "../../pipelines/protein";
import { main as watch } from "../../scripts/watch/main";
import { requesterFor } from "../../stacks/dynamic/http";
import { kubeConnection } from "../../stacks/kube/kubeconfig";
import type { RunInputs } from "../../stacks/pipeline-run/decisions";
import { makeRunProvider } from "../../stacks/pipeline-run/provider";
import { ArgoPodObject, argoPod } from "../fakes/argo-pods";
import type { FakeKfp, FakeRun } from "../fakes/fake-kfp";
import { LocalCluster, OWN_STAGE_LABEL } from "./cluster";
import { TEST_AMBER_IMAGE } from "./config";
import { Logger } from "./logger";
import { EphemeralStack } from "./stack";

/** Pods carrying this label are left alone by kwok's pod-ready stage (cluster.ts) and driven by FAULT_STAGES. */
export const FAULT_LABEL = OWN_STAGE_LABEL;
const REASON_ANNOTATION = "kfp-protein-stack/pod-fault-reason";
const MESSAGE_ANNOTATION = "kfp-protein-stack/pod-fault-message";
const ITEST_LABEL = { "kfp-protein-stack/itest": "pod-fault" };
const NAMESPACE = "kubeflow";
export const DETECTION_LIMIT_MS = 60_000;

/** The kwok stage of one kind of fault: applied once to a scheduled pod labelled `FAULT_LABEL=<kind>`. */
function faultStage(kind: string, phase: string, mainState: string): Record<string, unknown> {
  return {
    apiVersion: "kwok.x-k8s.io/v1alpha1",
    kind: "Stage",
    metadata: { name: `itest-pod-fault-${kind}`, labels: ITEST_LABEL },
    spec: {
      resourceRef: { apiGroup: "v1", kind: "Pod" },
      selector: {
        matchExpressions: [
          { key: `.metadata.labels["${FAULT_LABEL}"]`, operator: "In", values: [kind] },
          { key: ".metadata.deletionTimestamp", operator: "DoesNotExist" },
          { key: ".status.containerStatuses", operator: "DoesNotExist" },
        ],
      },
      next: {
        statusTemplate: [
          "{{ $now := Now }}",
          `{{ $reason := index .metadata.annotations "${REASON_ANNOTATION}" }}`,
          `{{ $message := index .metadata.annotations "${MESSAGE_ANNOTATION}" }}`,
          `phase: ${phase}`,
          "conditions:",
          "- type: PodScheduled",
          '  status: "True"',
          "  lastTransitionTime: {{ $now | Quote }}",
          "containerStatuses:",
          "{{ range .spec.containers }}",
          "- name: {{ .name | Quote }}",
          "  image: {{ .image | Quote }}",
          "  ready: false",
          '  {{ if eq .name "main" }}',
          mainState,
          "  {{ else }}",
          "  restartCount: 0",
          "  state:",
          "    running:",
          "      startedAt: {{ $now | Quote }}",
          "  {{ end }}",
          "{{ end }}",
        ].join("\n"),
      },
    },
  };
}

/** The stages: a waiting main container (reason and message from the pod's annotations), a crash loop, an OOM kill. */
export const FAULT_STAGES: Record<string, unknown>[] = [
  faultStage(
    "waiting",
    "Pending",
    [
      "  restartCount: 0",
      "  state:",
      "    waiting:",
      "      reason: {{ $reason | Quote }}",
      "      message: {{ $message | Quote }}",
    ].join("\n"),
  ),
  faultStage(
    "crash-loop",
    "Running",
    [
      "  restartCount: 4",
      "  lastState:",
      "    terminated:",
      "      exitCode: 1",
      "      reason: Error",
      "      finishedAt: {{ $now | Quote }}",
      "  state:",
      "    waiting:",
      '      reason: "CrashLoopBackOff"',
      "      message: {{ $message | Quote }}",
    ].join("\n"),
  ),
  faultStage(
    "oom-killed",
    "Failed",
    [
      "  restartCount: 0",
      "  state:",
      "    terminated:",
      "      exitCode: 137",
      '      reason: "OOMKilled"',
      "      startedAt: {{ $now | Quote }}",
      "      finishedAt: {{ $now | Quote }}",
    ].join("\n"),
  ),
];

export interface FaultScenario {
  name: string;
  /** The pipeline task whose executor pod is stuck. */
  task: string;
  /** Its ParallelFor iteration (a batch run), if any. */
  iteration?: number;
  /** The kwok stage that drives it (undefined: kube-scheduler alone). */
  stage?: "waiting" | "crash-loop" | "oom-killed";
  reason: string;
  message?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  /** What the error must say beyond the step, the reason and the pod. */
  mentions: string[];
}

/** The kwok nodes kwokctl scales (32 CPUs, 256Gi, no GPU): requests beyond them never fit. */
export const SCENARIOS: FaultScenario[] = [
  {
    name: "ImagePullBackOff",
    task: "leap-gen-top",
    stage: "waiting",
    reason: "ImagePullBackOff",
    message: `Back-off pulling image "${TEST_AMBER_IMAGE}"`,
    mentions: [TEST_AMBER_IMAGE, "amber.image"],
  },
  {
    name: "ErrImagePull",
    task: "fetch-pdb",
    stage: "waiting",
    reason: "ErrImagePull",
    message: "failed to pull and unpack image: not found",
    mentions: [TEST_AMBER_IMAGE],
  },
  {
    name: "CreateContainerConfigError",
    task: "pdb4amber",
    stage: "waiting",
    reason: "CreateContainerConfigError",
    message: 'secret "itest-missing-secret" not found',
    mentions: ["itest-missing-secret", "create what the message names"],
  },
  {
    name: "CrashLoopBackOff",
    task: "leap-solvate",
    stage: "crash-loop",
    reason: "CrashLoopBackOff",
    message: "back-off 40s restarting failed container",
    mentions: ["restarted 4 times", "logs --previous"],
  },
  {
    name: "OOMKilled",
    task: "npt",
    stage: "oom-killed",
    reason: "OOMKilled",
    resources: { requests: { memory: "512Mi" }, limits: { memory: "2Gi" } },
    mentions: ["pipeline.resources.md.memoryLimit", "2Gi"],
  },
  {
    name: "Unschedulable (CPU)",
    task: "free-md",
    reason: "Unschedulable",
    resources: { requests: { cpu: "64" } },
    mentions: ["Insufficient cpu", "pipeline.resources.md.cpuRequest"],
  },
  {
    name: "Unschedulable (memory)",
    task: "rmsd",
    reason: "Unschedulable",
    resources: { requests: { memory: "1Ti" } },
    mentions: ["Insufficient memory", "pipeline.resources.analysis.memoryRequest"],
  },
  {
    name: "Unschedulable (GPU)",
    task: "heat",
    reason: "Unschedulable",
    resources: { limits: { "nvidia.com/gpu": "1" } },
    mentions: ["nvidia.com/gpu", "pipeline.resources.md.gpu"],
  },
];

/** The run's Workflow (what KFP creates, found by its `pipeline/runid` label) and the scenario's stuck pod. */
export function faultObjects(
  run: FakeRun,
  s: FaultScenario,
): { workflow: Record<string, unknown>; pod: ArgoPodObject } {
  const workflow = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Workflow",
    metadata: {
      name: run.workflowName,
      namespace: NAMESPACE,
      labels: { "pipeline/runid": String(run.run.run_id), ...ITEST_LABEL },
    },
    spec: {},
  };
  const base = argoPod({
    workflowName: run.workflowName,
    task: s.task,
    iteration: s.iteration,
    image: TEST_AMBER_IMAGE,
    namespace: NAMESPACE,
    resources: s.resources,
    labels: { ...ITEST_LABEL, ...(s.stage ? { [FAULT_LABEL]: s.stage } : {}) },
  });
  const annotations = {
    ...base.metadata.annotations,
    [REASON_ANNOTATION]: s.reason,
    [MESSAGE_ANNOTATION]: s.message ?? "",
  };
  return { workflow, pod: { ...base, metadata: { ...base.metadata, annotations } } };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- pod JSON as the API server returns it
type PodObject = { metadata: { name: string; annotations: Record<string, string> } } & Record<string, any>;

/** Whether the pod shows the scenario's state yet (read independently of the diagnosis under test). */
export function inState(pod: PodObject | undefined, s: FaultScenario): boolean {
  if (!pod) return false;
  if (s.reason === "Unschedulable") {
    return (pod.status?.conditions ?? []).some(
      (c: PodObject) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable",
    );
  }
  const main = (pod.status?.containerStatuses ?? []).find((c: PodObject) => c.name === "main");
  return main?.state?.waiting?.reason === s.reason || main?.state?.terminated?.reason === s.reason;
}

/** What an error (or watch's output) lacks of step, reason, pod, fix and the scenario's own mentions. */
export function messageProblems(text: string, s: FaultScenario, pod: string): string[] {
  const wanted = [`step "${s.task}"`, `pod ${pod}`, `is ${s.reason}`, "Fix: ", ...s.mentions];
  return wanted.filter((w) => !text.includes(w)).map((w) => `${s.name}: the message lacks "${w}": ${text}`);
}

export interface PodFaultCheck {
  name: string;
  problems: string[];
}

interface Live {
  cluster: LocalCluster;
  fake: FakeKfp;
  log: Logger;
  getPod: (name: string) => Promise<PodObject | undefined>;
}

/** Waits for the next run the fake KFP creates, then puts its Workflow and the scenario's pod in the cluster. */
async function stickNextRun(live: Live, seen: Set<string>, s: FaultScenario): Promise<{ run: FakeRun; pod: string }> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const run = [...live.fake.state.runs.values()].find((r) => !seen.has(String(r.run.run_id)));
    if (run) {
      seen.add(String(run.run.run_id));
      const { workflow, pod } = faultObjects(run, s);
      await live.cluster.kubectl.applyObjects([workflow, { ...pod }]);
      return { run, pod: pod.metadata.name };
    }
    if (Date.now() > deadline) throw new Error(`${s.name}: no run was created within 300 s`);
    await sleep(200);
  }
}

/** When the pod entered its state (polled every 250 ms), or undefined if it never did before `until` settled. */
async function enteredAt(
  live: Live,
  pod: string,
  s: FaultScenario,
  until: Promise<unknown>,
): Promise<number | undefined> {
  let settled = false;
  void until.finally(() => (settled = true));
  while (!settled) {
    if (inState(await live.getPod(pod).catch(() => undefined), s)) return Date.now();
    await sleep(250);
  }
  return inState(await live.getPod(pod).catch(() => undefined), s) ? Date.now() : undefined;
}

function timingProblems(s: FaultScenario, entered: number | undefined, failedAt: number): string[] {
  if (entered === undefined) return [`${s.name}: the pod never showed ${s.reason} (is the kwok stage applied?)`];
  const ms = failedAt - entered;
  return ms <= DETECTION_LIMIT_MS ? [] : [`${s.name}: failed ${Math.round(ms / 1000)} s after the pod was ${s.reason}`];
}

/** `up` of a live stack fails on the first scenario; `npm run watch` then exits 1 on the same run. */
async function throughTheEngine(live: Live, stack: EphemeralStack, seen: Set<string>): Promise<PodFaultCheck[]> {
  const s = { ...SCENARIOS[0], iteration: 1, task: "heat" };
  await stack.stack.setAllConfig(
    { "pipeline.rerunToken": { value: "pod-fault" }, "pipeline.onPodFault": { value: "leave" } },
    true,
  );
  const up = stack.stack.up({ color: "never", onOutput: live.log.engine("pod-fault-up") }).then(
    () => undefined,
    (e: Error) => ({ message: e.message, at: Date.now() }),
  );
  const stuck = await stickNextRun(live, seen, s);
  const entered = await enteredAt(live, stuck.pod, s, up);
  const failed = await up;
  const problems: string[] = [];
  if (!failed) problems.push("up succeeded although the run's pod is stuck");
  else problems.push(...messageProblems(failed.message, s, stuck.pod), ...timingProblems(s, entered, failed.at));
  if (failed && !failed.message.includes("left in KFP for inspection"))
    problems.push("the error does not say the run was left");
  const runId = String(stuck.run.run.run_id);
  const terminated = live.fake.state.requests.some((r) => r.path.includes(`/runs/${runId}:terminate`));
  if (terminated) problems.push("pipeline.onPodFault=leave, yet the run was terminated");
  const checks = [
    { name: "up fails within 60 s on a stuck pod (ImagePullBackOff), naming step, pod and fix; run left", problems },
  ];

  const out: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const args = ["--endpoint", live.fake.url, "--run", runId, "--kubeconfig", live.cluster.kubeconfig];
  process.stdout.write = ((text: string) => out.push(String(text)) > 0) as typeof process.stdout.write;
  let code: number;
  try {
    code = await watch([
      ...args,
      "--context",
      live.cluster.context,
      "--namespace",
      NAMESPACE,
      "--plain",
      "--poll",
      "1",
    ]);
  } finally {
    process.stdout.write = write;
  }
  live.log.write("pod-fault-watch.log", out.join(""));
  checks.push({
    name: "npm run watch exits 1 on the stuck pod, naming step, pod and fix",
    problems: [...(code === 1 ? [] : [`watch exited ${code}`]), ...messageProblems(out.join(""), s, stuck.pod)],
  });
  return checks;
}

/** Every scenario through the provider at once, as pipeline.onPodFault=terminate. */
async function throughTheProvider(live: Live, seen: Set<string>): Promise<PodFaultCheck> {
  const provider = makeRunProvider({ log: (m) => live.log.engine("pod-fault-provider")(`${m}\n`) });
  const base: RunInputs = {
    access: { kind: "endpoint", baseUrl: live.fake.url },
    pipelineIr: compileProteinPipeline({ image: TEST_AMBER_IMAGE }),
    pipelineName: "itest-pod-faults",
    experimentName: "itest-pod-faults",
    parameters: { pdb_code: "1aki" },
    wait: true,
    timeoutSeconds: 600,
    onDestroy: "delete",
    kfpNamespace: NAMESPACE,
    providerVersion: "itest",
    podAccess: { kubeconfig: fs.readFileSync(live.cluster.kubeconfig, "utf8"), context: live.cluster.context },
    onPodFault: "terminate",
  };
  const problems: string[] = [];
  // One run at a time is created (so each is told apart), then all wait together.
  const waits: Promise<void>[] = [];
  for (const s of SCENARIOS) {
    const created = provider.create({ ...base, rerunToken: s.name }).then(
      () => undefined,
      (e: Error) => ({ message: e.message, at: Date.now() }),
    );
    const stuck = await stickNextRun(live, seen, s);
    waits.push(
      (async () => {
        const entered = await enteredAt(live, stuck.pod, s, created);
        const failed = await created;
        if (!failed) return void problems.push(`${s.name}: the wait succeeded although the pod is stuck`);
        problems.push(...messageProblems(failed.message, s, stuck.pod), ...timingProblems(s, entered, failed.at));
        const runId = String(stuck.run.run.run_id);
        if (!live.fake.state.requests.some((r) => r.path.includes(`/runs/${runId}:terminate`)))
          problems.push(`${s.name}: pipeline.onPodFault=terminate, yet run ${runId} was not terminated`);
        live.log.say(
          `pod fault ${s.name}: ${entered ? `failed ${((failed.at - entered) / 1000).toFixed(1)} s after` : "failed before"} the pod was ${s.reason}`,
        );
      })(),
    );
  }
  await Promise.all(waits);
  return {
    name: `every stuck-pod state fails the wait within 60 s and terminates the run (${SCENARIOS.length} states)`,
    problems,
  };
}

/**
 * Runs the checks: through the engine on `stack` (up, its pipeline run on `fake`) when given, and through the
 * provider; the fake's runs never end meanwhile. Leaves the cluster as it found it, and the fake's outcome as it was.
 */
export async function runPodFaultChecks(
  cluster: LocalCluster,
  fake: FakeKfp,
  log: Logger,
  stack?: EphemeralStack,
): Promise<PodFaultCheck[]> {
  const request = requesterFor(kubeConnection(fs.readFileSync(cluster.kubeconfig, "utf8"), cluster.context));
  const getPod = async (name: string): Promise<PodObject | undefined> => {
    const path = `/api/v1/namespaces/${NAMESPACE}/pods/${name}`;
    const res = await request({ method: "GET", path, timeoutMs: 5_000 });
    return res.status === 200 ? (JSON.parse(res.body.toString("utf8")) as PodObject) : undefined;
  };
  const live: Live = { cluster, fake, log, getPod };
  const outcome = fake.state.options.runOutcome;
  const seen = new Set([...fake.state.runs.keys()]);
  fake.state.options.runOutcome = "RUNNING_FOREVER";
  try {
    await cluster.kubectl.applyObjects(FAULT_STAGES);
    const engine = stack ? await throughTheEngine(live, stack, seen) : [];
    return [...engine, await throughTheProvider(live, seen)];
  } finally {
    fake.state.options.runOutcome = outcome;
    const selector = Object.entries(ITEST_LABEL).map(([k, v]) => `${k}=${v}`)[0];
    await cluster.kubectl
      .run(["delete", "pods,workflows.argoproj.io", "-n", NAMESPACE, "-l", selector, "--wait=true", "--timeout=120s"])
      .catch((e: Error) => log.say(`pod-fault cleanup: ${e.message.split("\n")[0]}`));
    await cluster.kubectl.run(["delete", "stages.kwok.x-k8s.io", "-l", selector]).catch(() => undefined);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
