/**
 * Fault case: the engine (with its language host, program and providers) SIGKILLed in the middle of
 * `up`, as a crashed CI runner would leave it; then the documented recovery and an `up` that must
 * converge with no pending operations, no duplicate resources and a no-op `up` after it.
 */
import { EngineEvent } from "@pulumi/pulumi/automation";
import { Logger } from "./logger";
import { childrenNamed, killTree, processTable } from "./procs";
import { EphemeralStack } from "./stack";
import { Deployment, duplicateUrns } from "./state";
import { countChanges } from "./summary";

/** Creates that must have finished before the kill, so the state holds done and pending work. */
export const KILL_AFTER_CREATES = 8;

export async function killEngineMidUp(s: EphemeralStack, log: Logger): Promise<{ problems: string[] }> {
  const problems: string[] = [];
  let creates = 0;
  let killed: number[] | undefined;
  const onEvent = (e: EngineEvent) => {
    if (e.resOutputsEvent?.metadata.op === "create") creates++;
    if (killed || creates < KILL_AFTER_CREATES) return;
    // The Automation API runs the engine as a direct child of this process.
    const engines = childrenNamed(process.pid, "pulumi", processTable());
    if (engines.length === 1) killed = killTree(engines[0]);
  };
  const outcome = await s.stack.up({ color: "never", onEvent, onOutput: log.engine("kill-up") }).then(
    () => "finished",
    (e: Error) => `failed: ${e.message.split("\n")[0]}`,
  );
  if (!killed)
    return { problems: [`up ${outcome} before ${KILL_AFTER_CREATES} creates completed; nothing was killed`] };
  const crashed = (await s.stack.exportStack()).deployment as Deployment;
  const pending = crashed.pending_operations?.length ?? 0;
  log.say(
    `engine and ${killed.length - 1} descendant(s) killed after ${creates} creates; ${pending} pending operation(s) in state`,
  );

  // Recovery as a user would do it: cancel (a no-op for file backends), refresh dropping the
  // creates the dead engine never confirmed, then up again.
  await s.stack.cancel().catch(() => undefined);
  await s.stack.refresh({ clearPendingCreates: true, color: "never", onOutput: log.engine("kill-refresh") });
  const recovered = await s.stack.up({ color: "never", onOutput: log.engine("kill-reup") });
  if (recovered.summary.result !== "succeeded") problems.push(`up after the kill ended ${recovered.summary.result}`);

  const after = (await s.stack.exportStack()).deployment as Deployment;
  if ((after.pending_operations?.length ?? 0) > 0)
    problems.push(`${after.pending_operations!.length} pending operation(s) remain`);
  problems.push(...duplicateUrns(after).map((urn) => `duplicate resource in state: ${urn}`));
  const noop = await s.stack.up({ color: "never", onOutput: log.engine("kill-noop") });
  const changes = countChanges(noop.summary.resourceChanges as Record<string, number> | undefined);
  if (changes !== 0)
    problems.push(`up after recovery is not idempotent: ${JSON.stringify(noop.summary.resourceChanges)}`);
  return { problems };
}
