import { KfpConfig } from "../config";
import { K8sObject } from "../kube/object";
import {
  argoVersionOf,
  ContainerLists,
  ObjectStoreEndpoint,
  preparePlatform,
  recreateWorkflowController,
  splitPhases,
  workflowControllerLists,
} from "./transforms";
import { loadKfpManifests, Renderer } from "./source";
import { leaderElectionDisabled } from "./workflow-controller-port-patch";

/** KFP's objects for one stack, ready to apply: the foundation (namespace, CRDs) and the rewired, trimmed platform. */
export interface KfpRelease {
  foundation: K8sObject[];
  platform: K8sObject[];
  argoVersion: string;
  /** The workflow-controller container's env and ports as the platform declares them. */
  workflowController: ContainerLists;
}

export function prepareKfpRelease(
  kfp: KfpConfig,
  objectStore: ObjectStoreEndpoint | undefined,
  render?: Renderer,
  workflowController: { disableLeaderElection: boolean } = { disableLeaderElection: false },
): KfpRelease {
  const { foundation, platform } = splitPhases(loadKfpManifests(kfp.source, render));
  if (!foundation.some((o) => o.kind === "CustomResourceDefinition")) {
    throw new Error("the KFP manifests have no CustomResourceDefinitions: include cluster-scoped-resources (kfp.path)");
  }
  let prepared = preparePlatform(platform, { ...kfp, objectStore });
  const argoVersion = argoVersionOf(prepared);
  if (leaderElectionDisabled({ argoVersion, ...workflowController })) prepared = recreateWorkflowController(prepared);
  return {
    foundation,
    platform: prepared,
    argoVersion,
    workflowController: workflowControllerLists(prepared),
  };
}
