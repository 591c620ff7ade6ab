import { KfpConfig } from "../config";
import { K8sObject } from "../kube/object";
import {
  argoVersionOf,
  ContainerLists,
  ObjectStoreEndpoint,
  preparePlatform,
  splitPhases,
  workflowControllerLists,
} from "./transforms";
import { loadKfpManifests, Renderer } from "./source";

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
): KfpRelease {
  const { foundation, platform } = splitPhases(loadKfpManifests(kfp.source, render));
  if (!foundation.some((o) => o.kind === "CustomResourceDefinition")) {
    throw new Error("the KFP manifests have no CustomResourceDefinitions: include cluster-scoped-resources (kfp.path)");
  }
  const prepared = preparePlatform(platform, { ...kfp, objectStore });
  return {
    foundation,
    platform: prepared,
    argoVersion: argoVersionOf(prepared),
    workflowController: workflowControllerLists(prepared),
  };
}
