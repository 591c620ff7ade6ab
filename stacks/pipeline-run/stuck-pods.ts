/**
 * The run resource's side of a stuck pod: watching the run's pods while it waits, and leaving or terminating the
 * run as pipeline.onPodFault says. Runs in the provider host (../dynamic/README.md).
 */
import type { KfpClient } from "../kfp-api/client";
import type { KubeAccess } from "../kube/api";
import type { RunOutputs } from "./decisions";
import { PodFault, diagnosePods, stepComponentsFromIr } from "./pod-faults";
import { RunPods, podsRefusedForGood } from "./run-pods";

/** A pod of the run that will never finish; undefined when none (or the pods cannot be read: said once). */
export function stuckPodWatcher(
  outs: RunOutputs,
  ir: string,
  reader: (kube: KubeAccess, namespace: string) => (runId: string) => Promise<RunPods>,
  log: (message: string) => void,
): () => Promise<PodFault | undefined> {
  if (!outs.podAccess) return async () => undefined;
  const read = reader(outs.podAccess, outs.kfpNamespace);
  const ctx = { components: stepComponentsFromIr(ir), namespace: outs.kfpNamespace, kubeContext: outs.kubeContext };
  let said = false;
  let refused = false;
  return async () => {
    if (refused) return undefined;
    try {
      const { pods, nodes } = await read(outs.runId);
      return diagnosePods(pods, { ...ctx, nodes });
    } catch (e) {
      refused = podsRefusedForGood(e);
      if (refused) log(`cannot read the run's pods, so a stuck pod is not detected: ${(e as Error).message}`);
      else if (!said) log(`cannot read the run's pods yet (${(e as Error).message}); trying again at the next poll`);
      said = true;
      return undefined;
    }
  };
}

/** Leaves or terminates a run with a stuck pod, as pipeline.onPodFault says; returns what became of it. */
export async function settleStuckRun(
  client: KfpClient,
  outs: RunOutputs,
  log: (message: string) => void,
): Promise<{ state?: string; outcome: string }> {
  const again =
    "To run again after fixing it, change pipeline.rerunToken (a change to pipeline.resources starts a new run by itself).";
  if (outs.onPodFault === "leave") {
    return { outcome: `The run is left in KFP for inspection (pipeline.onPodFault=leave): ${outs.runUrl}. ${again}` };
  }
  try {
    await client.terminateRun(outs.runId);
    log(`terminated run ${outs.runId}`);
    return {
      state: "CANCELING",
      outcome: `The run was terminated (pipeline.onPodFault=terminate; set it to leave to keep a stuck run for inspection): ${outs.runUrl}. ${again}`,
    };
  } catch (e) {
    return {
      outcome: `Terminating the run failed (${(e as Error).message}); it is still in KFP: ${outs.runUrl}. ${again}`,
    };
  }
}
