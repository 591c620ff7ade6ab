import { KfpConfig } from "./config";
import { K8sObject } from "./k8s-object";
import { addAwaitAnnotations, argoVersionOf, ObjectStoreEndpoint, preparePlatform, splitPhases } from "./kfp-manifests";
import { loadKfpManifests, Renderer } from "./kfp-source";

/** KFP's objects for one stack, ready to apply: foundation first, then the rewired, trimmed platform. */
export interface KfpRelease {
    foundation: K8sObject[];
    platform: K8sObject[];
    argoVersion: string;
}

export function prepareKfpRelease(kfp: KfpConfig, objectStore: ObjectStoreEndpoint | undefined, render?: Renderer): KfpRelease {
    const { foundation, platform } = splitPhases(loadKfpManifests(kfp.source, render));
    if (!foundation.some((o) => o.kind === "CustomResourceDefinition")) {
        throw new Error("the KFP manifests have no CustomResourceDefinitions: include cluster-scoped-resources (kfp.path)");
    }
    return {
        foundation: addAwaitAnnotations(foundation, kfp.readinessTimeoutSeconds),
        platform: preparePlatform(platform, { ...kfp, objectStore }),
        argoVersion: argoVersionOf(platform),
    };
}
