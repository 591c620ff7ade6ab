/**
 * The Pulumi engine's handling of one dynamic resource, modelled for the fault suite: which provider method
 * `up` and `destroy` call, and what the state keeps afterwards. The provider methods it calls are the real ones.
 *
 * Modelled after the engine and the Node.js dynamic-provider host of @pulumi/pulumi 3.248:
 * - no state: Create. Success records id and outputs (the host adds `__provider`); an error carrying `id` and
 *   `properties` (a partial failure) records them as the outputs, with the reasons as init errors (the host does
 *   not add `__provider` to them); any other error records nothing.
 * - state: Check, then Diff(olds = recorded outputs). Replaces: Delete then Create (deleteBeforeReplace). Changes,
 *   or init errors left by the last operation: Update (the step generator updates a resource with init errors even
 *   when Diff reports none). A partial failure replaces the outputs and init errors; any other error keeps them.
 * - destroy: Delete with the recorded outputs; the host loads the provider from their `__provider`. An error keeps
 *   the resource in the state.
 * Outputs pass through a JSON round trip, as the host's protobuf Struct drops undefined values.
 */
import type { RunProvider } from "../../stacks/pipeline-run/provider";
import type { RunInputs, RunOutputs } from "../../stacks/pipeline-run/decisions";

/** What the serialized provider looks like to the host: any string; the model checks it is kept. */
export const PROVIDER_TEXT = "exports.handler = /* serialized ProteinPipelineRun provider */";

export type Props = RunOutputs & { __provider?: string };

export interface Recorded {
  id: string;
  outs: Props;
  initErrors: string[];
}

export type Outcome = { ok: true; op: string } | { ok: false; op: string; error: Error };

interface Partial {
  id?: unknown;
  properties?: unknown;
  reasons?: string[];
}

const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class ModelEngine {
  state: Recorded | undefined;

  constructor(private readonly provider: RunProvider) {}

  private withProvider(inputs: RunInputs): RunInputs {
    return { ...inputs, __provider: PROVIDER_TEXT } as RunInputs;
  }

  /** A partial failure updates the state; returns the failed outcome either way. */
  private failed(op: string, e: unknown, keepId?: string): Outcome {
    const p = e as Partial;
    if (typeof p.id === "string" && p.id && p.properties) {
      this.state = {
        id: keepId ?? p.id,
        outs: roundTrip(p.properties as Props),
        initErrors: p.reasons ?? [(e as Error).message],
      };
    }
    return { ok: false, op, error: e as Error };
  }

  private async create(inputs: RunInputs): Promise<Outcome> {
    try {
      const { id, outs } = await this.provider.create(this.withProvider(inputs));
      this.state = { id, outs: roundTrip({ ...outs, __provider: PROVIDER_TEXT }), initErrors: [] };
      return { ok: true, op: "create" };
    } catch (e) {
      return this.failed("create", e);
    }
  }

  async up(inputs: RunInputs): Promise<Outcome> {
    const news = this.withProvider(inputs);
    const checked = await this.provider.check(this.withProvider(inputs), news);
    if (checked.failures?.length) return { ok: false, op: "check", error: new Error(JSON.stringify(checked.failures)) };
    if (!this.state) return this.create(inputs);
    const { id, outs, initErrors } = this.state;
    const diff = await this.provider.diff(id, outs, news);
    if (diff.replaces?.length) {
      const removed = await this.destroy();
      return removed.ok ? this.create(inputs) : removed;
    }
    if (!diff.changes && initErrors.length === 0) return { ok: true, op: "same" };
    try {
      const updated = await this.provider.update(id, outs, news);
      this.state = { id, outs: roundTrip({ ...updated.outs, __provider: PROVIDER_TEXT }), initErrors: [] };
      return { ok: true, op: "update" };
    } catch (e) {
      return this.failed("update", e, id);
    }
  }

  async destroy(): Promise<Outcome> {
    if (!this.state) return { ok: true, op: "none" };
    try {
      if (!this.state.outs.__provider) throw new Error("the state has no __provider: the host cannot load a provider");
      await this.provider.delete(this.state.id, this.state.outs);
      this.state = undefined;
      return { ok: true, op: "delete" };
    } catch (e) {
      return { ok: false, op: "delete", error: e as Error };
    }
  }
}
