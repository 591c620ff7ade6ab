/**
 * What ManifestSet does to the cluster, free of Pulumi: apply a set of objects the way
 * `kubectl apply --server-side --force-conflicts` would (namespaces first, kinds from CRDs of the same
 * set after those CRDs are established), wait until they are ready as `kubectl wait`/`rollout status`
 * would, prune what left the set, and delete everything, waiting until it is gone.
 */
import { describeRef, forEachLimited, KubeApi, refOf } from "../api";
import { KubeObject, ObjectRef } from "../object";
import { AWAITED_KINDS, readinessOf } from "../readiness";
import { sleep } from "../../dynamic/retry";
import { AppliedObject, refOfApplied } from "./plan";

export interface LifecycleOptions {
  fieldManager: string;
  timeoutSeconds: number;
  /** The setting that raises the timeout, named in timeout errors. */
  timeoutSetting: string;
  concurrency?: number;
  now?: () => number;
  wait?: (ms: number) => Promise<void>;
  /** Poll interval for the first polls; later polls are 1 s apart. */
  pollMs?: number;
}

const DEFAULT_CONCURRENCY = 16;
const FAST_POLLS = 25;
const SLOW_POLL_MS = 1_000;

const phaseOf = (kind: string): number => (kind === "Namespace" ? 0 : kind === "CustomResourceDefinition" ? 1 : 2);

class Lifecycle {
  private readonly now: () => number;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly concurrency: number;

  constructor(
    private readonly api: KubeApi,
    private readonly o: LifecycleOptions,
  ) {
    this.now = o.now ?? Date.now;
    this.wait = o.wait ?? sleep;
    this.concurrency = o.concurrency ?? DEFAULT_CONCURRENCY;
  }

  private deadline(): number {
    return this.now() + this.o.timeoutSeconds * 1000;
  }

  private timeoutError(what: string, pending: string[]): Error {
    return new Error(
      `${what} within ${this.o.timeoutSeconds} s (raise ${this.o.timeoutSetting} if the cluster is just slow):\n` +
        pending.map((p) => `- ${p}`).join("\n"),
    );
  }

  /** Applies objects (namespaces first, kinds served only once their CRDs are established), then waits until all are ready. */
  async apply(objects: KubeObject[]): Promise<void> {
    const deadline = this.deadline();
    const sorted = [...objects].sort((a, b) => phaseOf(a.kind) - phaseOf(b.kind));
    const namespaces = sorted.filter((o) => o.kind === "Namespace");
    await forEachLimited(namespaces, this.concurrency, (o) => this.applyOne(o));
    const deferred: KubeObject[] = [];
    const rest = sorted.filter((o) => o.kind !== "Namespace");
    await forEachLimited(rest, this.concurrency, async (o) => {
      if (await this.api.resourceFor(o.apiVersion, o.kind)) await this.applyOne(o);
      else deferred.push(o);
    });
    if (deferred.length > 0) {
      await this.awaitReady(
        rest.filter((o) => o.kind === "CustomResourceDefinition"),
        deadline,
      );
      for (const o of deferred) this.api.forget(o.apiVersion);
      await forEachLimited(deferred, this.concurrency, (o) => this.applyOne(o));
    }
    await this.awaitReady(objects, deadline);
  }

  private async applyOne(o: KubeObject): Promise<void> {
    try {
      await this.api.apply(o, this.o.fieldManager);
    } catch (e) {
      throw new Error(`applying ${describeRef(refOf(o))}: ${(e as Error).message}`);
    }
  }

  private async awaitReady(objects: KubeObject[], deadline: number): Promise<void> {
    const awaited = objects.filter((o) => AWAITED_KINDS.includes(o.kind)).map(refOf);
    await this.pollUntilSettled(awaited, deadline, "not ready", async (ref) => {
      const live = await this.api.get(ref);
      const r = live ? readinessOf(live) : { state: "waiting" as const, reason: "not found" };
      if (r.state === "failed") throw new Error(`${describeRef(ref)} failed: ${r.reason}`);
      return r.state === "waiting" ? `${describeRef(ref)}: ${r.reason}` : undefined;
    });
  }

  /**
   * Polls each ref with `check` (a line saying why it is still pending, or undefined once settled)
   * until none is pending; past the deadline, fails listing those lines.
   */
  private async pollUntilSettled(
    refs: ObjectRef[],
    deadline: number,
    what: string,
    check: (ref: ObjectRef) => Promise<string | undefined>,
  ): Promise<void> {
    let pending = refs;
    const reasons = new Map<ObjectRef, string>();
    for (let poll = 1; pending.length > 0; poll++) {
      const stillPending: ObjectRef[] = [];
      await forEachLimited(pending, this.concurrency, async (ref) => {
        const reason = await check(ref);
        if (reason === undefined) return;
        reasons.set(ref, reason);
        stillPending.push(ref);
      });
      pending = stillPending;
      if (pending.length === 0) return;
      if (this.now() >= deadline)
        throw this.timeoutError(
          what,
          pending.map((ref) => reasons.get(ref)!),
        );
      await this.pause(poll, deadline);
    }
  }

  /** Most objects are ready within seconds, so poll often at first, then back off. */
  private async pause(poll: number, deadline: number): Promise<void> {
    const interval = poll <= FAST_POLLS ? (this.o.pollMs ?? 200) : SLOW_POLL_MS;
    await this.wait(Math.min(interval, Math.max(0, deadline - this.now())));
  }

  /** Deletes objects (workloads and the rest, then CRDs, then namespaces), each phase waited until gone. */
  async delete(refs: ObjectRef[]): Promise<void> {
    const deadline = this.deadline();
    for (const phase of [2, 1, 0]) {
      const inPhase = refs.filter((r) => phaseOf(r.kind) === phase);
      const deleted: ObjectRef[] = [];
      await forEachLimited(inPhase, this.concurrency, async (ref) => {
        if (await this.api.delete(ref)) deleted.push(ref);
      });
      await this.awaitGone(deleted, deadline);
    }
  }

  private async awaitGone(refs: ObjectRef[], deadline: number): Promise<void> {
    await this.pollUntilSettled(refs, deadline, "not deleted", async (ref) =>
      (await this.api.get(ref)) ? `${describeRef(ref)} still exists (finalizers?)` : undefined,
    );
  }

  /** The applied objects that still exist. */
  async present(applied: AppliedObject[]): Promise<AppliedObject[]> {
    const found: AppliedObject[] = [];
    await forEachLimited(applied, this.concurrency, async (a) => {
      // An object whose kind is no longer served (its CRD deleted) is gone too.
      const ref = refOfApplied(a);
      if ((await this.api.resourceFor(ref.apiVersion, ref.kind)) && (await this.api.get(ref))) found.push(a);
    });
    return applied.filter((a) => found.includes(a));
  }
}

export function lifecycle(api: KubeApi, options: LifecycleOptions) {
  const l = new Lifecycle(api, options);
  return {
    apply: (objects: KubeObject[]) => l.apply(objects),
    delete: (refs: ObjectRef[]) => l.delete(refs),
    present: (applied: AppliedObject[]) => l.present(applied),
  };
}
