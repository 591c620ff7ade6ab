/** A Kubernetes object as plain data: parsed from a manifest, or as the API server returns it. */
export interface KubeObject {
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

export function findObject(objs: readonly KubeObject[], kind: string, name: string): KubeObject | undefined {
  return objs.find((o) => o.kind === kind && o.metadata.name === name);
}

export function cloneObjects(objs: readonly KubeObject[]): KubeObject[] {
  return objs.map((o) => structuredClone(o));
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}
