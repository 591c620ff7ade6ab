/** A Kubernetes object as plain data (what KFP's manifests parse into). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  // Manifests are schemaless data here; transforms narrow what they touch.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [key: string]: any;
}

export function findObject(objs: readonly K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objs.find((o) => o.kind === kind && o.metadata.name === name);
}

/** Like findObject, but a missing object is an error that names it (KFP's layout changed under us). */
export function requireObject(objs: readonly K8sObject[], kind: string, name: string, why: string): K8sObject {
  const found = findObject(objs, kind, name);
  if (!found)
    throw new Error(
      `KFP manifests have no ${kind} "${name}" (needed to ${why}); is kfp.version/kfp.path a KFP 2.x release?`,
    );
  return found;
}

export function cloneObjects(objs: readonly K8sObject[]): K8sObject[] {
  return objs.map((o) => structuredClone(o));
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

// Objects are schemaless JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KubeObject = Record<string, any>;
