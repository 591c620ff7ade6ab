/** The integration tier's result line and its pass criteria: pure, unit-tested in summary.test.ts. */

export interface Measurements {
  upSeconds: number;
  noopSeconds: number;
  /** The same two, until the `pulumi up` process itself ended (what `npm run up` runs), without the Automation
   * API's three CLI calls after it (stack output twice, stack history). */
  upCliSeconds: number;
  noopCliSeconds: number;
  destroySeconds: number;
  kubectlApplySeconds: number;
  kubectlDeleteSeconds: number;
  changesOnNoop: number;
  leftover: number;
  /** Resources the upgrade from the base commit updated in place. */
  upgradeUpdates: number;
  /** Upgrade steps other than those updates and no-ops (replaces, creates, deletes, unexpected diffs). */
  upgradeUnexpected: number;
}

/** The target for `up` against the kubectl apply + wait baseline on the same objects (reported, not asserted). */
export const TARGET_UP_TO_BASELINE_RATIO = 1.3;
/** The target for a no-op `up` against the first `up` of the same stack (reported, not asserted). */
export const TARGET_NOOP_TO_UP_RATIO = 0.5;

const seconds = (s: number): string => s.toFixed(1);

/** The exact last line of a run. */
export function summaryLine(m: Measurements): string {
  return (
    `integration: up=${seconds(m.upSeconds)} noop=${seconds(m.noopSeconds)} destroy=${seconds(m.destroySeconds)} ` +
    `kubectl_apply=${seconds(m.kubectlApplySeconds)} kubectl_delete=${seconds(m.kubectlDeleteSeconds)} ` +
    `changes_on_noop=${m.changesOnNoop} leftover=${m.leftover} ` +
    `upgrade_updates=${m.upgradeUpdates} upgrade_unexpected=${m.upgradeUnexpected} ` +
    `up_cli=${seconds(m.upCliSeconds)} noop_cli=${seconds(m.noopCliSeconds)}`
  );
}

/** Every pass criterion the run failed, each naming what was measured against what was required. */
export function failedCriteria(m: Measurements): string[] {
  const failures: string[] = [];
  if (m.changesOnNoop !== 0) {
    failures.push(`second up changed ${m.changesOnNoop} resource(s); it must change none`);
  }
  if (m.leftover !== 0) {
    failures.push(`${m.leftover} object(s) the stack created remain after destroy; none may`);
  }
  if (Number.isNaN(m.upgradeUnexpected)) {
    failures.push(
      "the upgrade from the base commit was not checked: the run stopped before it (see the failure above)",
    );
  } else if (m.upgradeUnexpected !== 0) {
    failures.push(
      `the upgrade from the base commit planned ${m.upgradeUnexpected} step(s) other than updates; none may`,
    );
  }
  return failures;
}

/** Timings are a benchmark, not a pass criterion: this line reports the ratio against its target. */
export function ratioLine(m: Measurements): string {
  const ratio = m.upSeconds / m.kubectlApplySeconds;
  const verdict = ratio <= TARGET_UP_TO_BASELINE_RATIO ? "within" : "above";
  const noop = m.noopCliSeconds / m.upCliSeconds;
  const noopVerdict = noop <= TARGET_NOOP_TO_UP_RATIO ? "within" : "above";
  return (
    `benchmark: up/kubectl_apply=${ratio.toFixed(2)} (${verdict} the ${TARGET_UP_TO_BASELINE_RATIO}x target); ` +
    `destroy/kubectl_delete=${(m.destroySeconds / m.kubectlDeleteSeconds).toFixed(2)}; ` +
    `noop/up=${noop.toFixed(2)} as pulumi up runs them (${noopVerdict} the ${TARGET_NOOP_TO_UP_RATIO}x target), ` +
    `${(m.noopSeconds / m.upSeconds).toFixed(2)} with the Automation API's calls after each`
  );
}

/**
 * Changed resources of an update summary (`resourceChanges` of the Automation API), i.e. every
 * operation except `same`.
 */
export function countChanges(resourceChanges: Record<string, number> | undefined): number {
  if (!resourceChanges) return 0;
  return Object.entries(resourceChanges)
    .filter(([op]) => op !== "same")
    .reduce((sum, [, n]) => sum + n, 0);
}

/** A preview of a new stack plans creates only, and leaves the state as empty as it found it. */
export function previewProblems(changeSummary: Record<string, number> | undefined, resourcesAfter: number): string[] {
  const problems: string[] = [];
  const creates = changeSummary?.create ?? 0;
  if (creates === 0) problems.push(`preview of a new stack planned no creates: ${JSON.stringify(changeSummary)}`);
  const others = Object.entries(changeSummary ?? {}).filter(([op, n]) => op !== "create" && op !== "same" && n > 0);
  if (others.length > 0)
    problems.push(`preview of a new stack planned ${others.map(([op, n]) => `${n} ${op}`).join(", ")}`);
  if (resourcesAfter > 0) problems.push(`preview left ${resourcesAfter} resource(s) in the state`);
  return problems;
}
