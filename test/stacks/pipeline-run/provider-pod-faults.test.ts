/**
 * The run resource while it waits: a pod that will never finish fails the wait within one poll, naming the step,
 * the reason, the pod and the fix, and the run is terminated or left as pipeline.onPodFault says. The pods are
 * read through the (fake) Kubernetes API with the real reader.
 */
import { RunNotSucceededError, makeRunProvider } from "../../../stacks/pipeline-run/provider";
import { FakeKfp, FakeRun, startFakeKfp } from "../../fakes/fake-kfp";
import { KubeApiOptions } from "../../fakes/fake-kube-api";
import { argoPod } from "../../fakes/argo-pods";
import { FAST_POLL, FAST_RETRY, runInputs } from "../../fixtures/provider-inputs";
import { fakeKubeconfig } from "../../fixtures/fake-kubeconfig";
import { RunInputs } from "../../../stacks/pipeline-run/decisions";

let fake: FakeKfp;
let logs: string[];

const IMAGE = `localhost:5000/amber@sha256:${"b".repeat(64)}`;

/** From the run's second poll on, leap-gen-top's executor pod waits in `reason`. */
function stuckFrom2ndPoll(reason: string, message: string) {
  return (r: FakeRun) =>
    r.polls < 2
      ? []
      : [
          {
            ...argoPod({ workflowName: r.workflowName, task: "leap-gen-top", image: IMAGE }),
            status: {
              phase: "Pending",
              containerStatuses: [{ name: "main", image: IMAGE, state: { waiting: { reason, message } } }],
            },
          },
        ];
}

async function start(kubeApi: KubeApiOptions): Promise<void> {
  fake = await startFakeKfp({ runOutcome: "RUNNING_FOREVER", kubeApi });
}

function inputs(more: Partial<RunInputs> = {}): RunInputs {
  return runInputs(fake.url, { podAccess: { kubeconfig: fakeKubeconfig(fake.url), context: "ctx" }, ...more });
}

const provider = () => makeRunProvider({ retry: FAST_RETRY, poll: FAST_POLL, log: (m) => logs.push(m) });
const failure = (p: Promise<unknown>) =>
  p.then(() => undefined).catch((e: unknown) => e) as Promise<RunNotSucceededError>;
const requests = (method: string, part: string) =>
  fake.state.requests.filter((r) => r.method === method && r.path.includes(part));

beforeEach(() => {
  logs = [];
});
afterEach(async () => {
  expect(fake.state.requestViolations).toEqual([]);
  expect(fake.state.responseViolations).toEqual([]);
  await fake.close();
});

describe("ProteinPipelineRun: a stuck pod fails the wait", () => {
  test("ImagePullBackOff: fails at the next poll naming step, reason, pod and fix; terminates the run by default", async () => {
    await start({ pods: stuckFrom2ndPoll("ImagePullBackOff", `Back-off pulling image "${IMAGE}"`) });
    const err = await failure(provider().create(inputs({ timeoutSeconds: 600 })));
    expect(err.name).toBe("RunNotSucceededError");
    const [run] = fake.state.runs.values();
    const runId = String(run.run.run_id);
    const pod = argoPod({ workflowName: run.workflowName, task: "leap-gen-top", image: IMAGE });
    expect(err.message).toContain(`KFP run ${runId}: step "leap-gen-top" cannot finish: pod ${pod.metadata.name}`);
    expect(err.message).toContain("is ImagePullBackOff");
    expect(err.message).toContain(`Fix: make ${IMAGE} pullable`);
    expect(err.message).toContain("The run was terminated (pipeline.onPodFault=terminate");
    expect(run.polls).toBe(2);
    expect(requests("POST", `/runs/${runId}:terminate`)).toHaveLength(1);
    expect(err.id).toBe(runId);
    expect(err.properties).toMatchObject({ runId, state: "CANCELING", runIds: [runId] });
    expect(JSON.stringify(err.properties)).toContain("t0k"); // podAccess is kept (as a secret) for later updates
    expect(requests("GET", "/pods")[0].query).toEqual({
      labelSelector: `workflows.argoproj.io/workflow in (${run.workflowName})`,
    });
  });

  test("pipeline.onPodFault=leave keeps the run in KFP for inspection", async () => {
    await start({ pods: stuckFrom2ndPoll("CreateContainerConfigError", 'secret "s3-creds" not found') });
    const err = await failure(provider().create(inputs({ onPodFault: "leave" })));
    expect(err.message).toContain('is CreateContainerConfigError: secret "s3-creds" not found');
    expect(err.message).toContain("The run is left in KFP for inspection (pipeline.onPodFault=leave)");
    expect(requests("POST", ":terminate")).toHaveLength(0);
    expect(err.properties.state).toBe("RUNNING");
  });

  test("an Unschedulable GPU request beyond every node names pipeline.resources.<class>.gpu", async () => {
    const pods = (r: FakeRun) => [
      {
        ...argoPod({
          workflowName: r.workflowName,
          task: "fetch-pdb",
          image: IMAGE,
          resources: { limits: { "nvidia.com/gpu": "1" } },
        }),
        status: {
          phase: "Pending",
          conditions: [
            {
              type: "PodScheduled",
              status: "False",
              reason: "Unschedulable",
              message: "1 Insufficient nvidia.com/gpu.",
            },
          ],
        },
      },
    ];
    await start({ pods, nodes: [{ metadata: { name: "n" }, status: { allocatable: { cpu: "4" } } }] });
    const err = await failure(provider().create(inputs()));
    // sampleIr's fetch-pdb runs component comp-fetch: a light step.
    expect(err.message).toContain("lower pipeline.resources.light.gpu or add a node with more nvidia.com/gpu");
  });

  test("pods that cannot be read (401) are said once and the wait goes on to the run's own end", async () => {
    fake = await startFakeKfp({ runOutcome: "SUCCEEDED", pollsToFinish: 4 });
    const forbidden = await startFakeKfp({ bearerToken: "other", kubeApi: {} });
    try {
      const { outs } = await provider().create(
        runInputs(fake.url, { podAccess: { kubeconfig: fakeKubeconfig(forbidden.url), context: "ctx" } }),
      );
      expect(outs.state).toBe("SUCCEEDED");
      expect(logs.filter((l) => l.includes("cannot read the run's pods"))).toHaveLength(1);
      expect(forbidden.state.requests.filter((r) => r.path.endsWith("/workflows"))).toHaveLength(1);
    } finally {
      await forbidden.close();
    }
  });

  test("without podAccess no pod is read", async () => {
    fake = await startFakeKfp({ runOutcome: "SUCCEEDED", pollsToFinish: 2, kubeApi: {} });
    await provider().create(runInputs(fake.url));
    expect(requests("GET", "/workflows")).toHaveLength(0);
  });

  test("check rejects an unknown onPodFault", async () => {
    fake = await startFakeKfp();
    const bad = { ...inputs(), onPodFault: "explode" } as unknown as RunInputs;
    const { failures } = await provider().check(bad, bad);
    expect(failures).toEqual([
      { property: "onPodFault", reason: 'onPodFault must be "leave" or "terminate", got "explode"' },
    ]);
  });
});
