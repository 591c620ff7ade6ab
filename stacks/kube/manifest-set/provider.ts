/** ManifestSet's dynamic provider: its methods are serialized into state and run in a separate process. */
import * as pulumi from "@pulumi/pulumi";
import { httpTransport, KubeAccess, KubeApi } from "../api";
import { lifecycle, LifecycleOptions } from "./lifecycle";
import { AppliedObject, appliedOf, digestOf, parseManifestMap, planChange, refOfApplied } from "./plan";

export interface ManifestSetInputs {
  access: KubeAccess;
  fieldManager: string;
  /** objectKey → the object's JSON. */
  manifests: Record<string, string>;
  timeoutSeconds: number;
  timeoutSetting: string;
  providerVersion: string;
}

export interface ManifestSetOutputs extends Omit<ManifestSetInputs, "manifests"> {
  applied: AppliedObject[];
}

export interface ManifestSetProviderDeps {
  api?: (access: KubeAccess) => { api: KubeApi; close(): void };
  lifecycle?: Partial<LifecycleOptions>;
}

type Settings = Omit<ManifestSetInputs, "manifests">;

function settingsOf(i: Settings): Settings {
  return {
    access: i.access,
    fieldManager: i.fieldManager,
    timeoutSeconds: i.timeoutSeconds,
    timeoutSetting: i.timeoutSetting,
    providerVersion: i.providerVersion,
  };
}

export function makeManifestSetProvider(deps: ManifestSetProviderDeps = {}) {
  const connect =
    deps.api ??
    ((access: KubeAccess) => {
      const transport = httpTransport(access);
      return { api: new KubeApi(transport), close: () => transport.close() };
    });

  async function withLifecycle<T>(s: Settings, fn: (l: ReturnType<typeof lifecycle>) => Promise<T>): Promise<T> {
    const { api, close } = connect(s.access);
    try {
      return await fn(lifecycle(api, { ...s, ...deps.lifecycle }));
    } finally {
      close();
    }
  }

  return {
    async diff(_id: string, olds: ManifestSetOutputs, news: ManifestSetInputs): Promise<pulumi.dynamic.DiffResult> {
      const plan = planChange(olds.applied ?? [], news.manifests, false);
      const settingsChanged = JSON.stringify(settingsOf(olds)) !== JSON.stringify(settingsOf(news));
      return { changes: settingsChanged || plan.toApply.length > 0 || plan.toPrune.length > 0 };
    },

    async create(inputs: ManifestSetInputs): Promise<{ id: string; outs: ManifestSetOutputs }> {
      const parsed = parseManifestMap(inputs.manifests);
      const id = digestOf(
        parsed
          .map((p) => p.key)
          .sort()
          .join("\n"),
      );
      const outs = { ...settingsOf(inputs), applied: appliedOf(parsed) };
      try {
        await withLifecycle(inputs, (l) => l.apply(parsed.map((p) => p.object)));
      } catch (e) {
        // Recorded anyway (the dynamic-provider host reads id/properties/reasons off the error), so a
        // later `up` retries and `destroy` removes what was applied. A tagged plain Error: serialized
        // Error subclasses lose their message.
        // Digests left empty: the next `up` then re-applies and re-awaits every object.
        const message = (e as Error).message;
        const unconfirmed = { ...outs, applied: outs.applied.map((a) => ({ ...a, digest: "" })) };
        throw Object.assign(new Error(message), { id, properties: unconfirmed, reasons: [message] });
      }
      return { id, outs };
    },

    async update(
      _id: string,
      olds: ManifestSetOutputs,
      news: ManifestSetInputs,
    ): Promise<{ outs: ManifestSetOutputs }> {
      // New credentials or field manager: re-apply everything so the new manager owns every field.
      const reapplyAll =
        olds.fieldManager !== news.fieldManager || JSON.stringify(olds.access) !== JSON.stringify(news.access);
      const plan = planChange(olds.applied ?? [], news.manifests, reapplyAll);
      await withLifecycle(news, async (l) => {
        await l.apply(plan.toApply);
        await l.delete(plan.toPrune);
      });
      return { outs: { ...settingsOf(news), applied: appliedOf(parseManifestMap(news.manifests)) } };
    },

    async delete(_id: string, props: ManifestSetOutputs): Promise<void> {
      await withLifecycle(props, (l) => l.delete((props.applied ?? []).map(refOfApplied)));
    },

    /** Refresh: objects deleted behind the stack's back leave `applied`, so the next `up` re-applies them. */
    async read(id: string, props: ManifestSetOutputs): Promise<{ id: string; props: ManifestSetOutputs }> {
      const applied = await withLifecycle(props, (l) => l.present(props.applied ?? []));
      return { id, props: { ...props, applied } };
    },
  };
}
