/** The run resource's pod watch: which failures to read the pods end it for the wait, and which are retried. */
import { stuckPodWatcher } from "../../../stacks/pipeline-run/stuck-pods";
import type { RunOutputs } from "../../../stacks/pipeline-run/decisions";
import type { RunPods } from "../../../stacks/pipeline-run/run-pods";
import { sampleIr } from "../../fixtures/provider-inputs";

const oomPod = {
  metadata: { name: "wf-system-container-impl-1", annotations: { "workflows.argoproj.io/node-name": "wf.fetch-pdb" } },
  spec: { containers: [{ name: "main", resources: { limits: { memory: "1Gi" } } }] },
  status: {
    phase: "Failed",
    containerStatuses: [{ name: "main", state: { terminated: { reason: "OOMKilled", exitCode: 137 } } }],
  },
};

const outs = {
  runId: "run-1",
  kfpNamespace: "kubeflow",
  podAccess: { kubeconfig: "apiVersion: v1", context: "ctx" },
} as unknown as RunOutputs;

/** A reader that fails with each status in turn, then finds the OOMKilled pod. */
function readerFailing(statuses: number[]) {
  let calls = 0;
  const read = async (): Promise<RunPods> => {
    const status = statuses[calls++];
    if (status !== undefined) throw Object.assign(new Error(`the Kubernetes API answered HTTP ${status}`), { status });
    return { pods: [oomPod] };
  };
  return { reader: () => read, calls: () => calls };
}

describe("stuckPodWatcher", () => {
  it.each([429, 500, 503])(
    "retries a %i (the API server's cache starting, an outage) at the next poll",
    async (status) => {
      const logs: string[] = [];
      const { reader } = readerFailing([status, status]);
      const check = stuckPodWatcher(outs, sampleIr(), reader, (l) => logs.push(l));
      expect(await check()).toBeUndefined();
      expect(await check()).toBeUndefined();
      expect(await check()).toMatchObject({ reason: "OOMKilled", pod: "wf-system-container-impl-1" });
      expect(logs).toEqual([
        expect.stringContaining(`cannot read the run's pods yet (the Kubernetes API answered HTTP ${status})`),
      ]);
    },
  );

  it.each([401, 403, 404])("stops reading after a %i (no permission, no Argo API), said once", async (status) => {
    const logs: string[] = [];
    const { reader, calls } = readerFailing([status]);
    const check = stuckPodWatcher(outs, sampleIr(), reader, (l) => logs.push(l));
    for (let i = 0; i < 3; i++) expect(await check()).toBeUndefined();
    expect(calls()).toBe(1);
    expect(logs).toEqual([expect.stringContaining("so a stuck pod is not detected")]);
  });
});
