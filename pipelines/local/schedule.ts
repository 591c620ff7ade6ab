/**
 * Dependency-ordered execution: every task starts once all its dependencies succeeded (or came from
 * the cache), at most `concurrency` at a time. A failed task skips its dependants, transitively;
 * independent branches keep running.
 */

export interface GraphNode {
  name: string;
  dependsOn: string[];
}

export type RunState = "SUCCEEDED" | "FAILED" | "CACHED";
export type FinalState = RunState | "SKIPPED";

export interface RunResult {
  state: RunState;
  error?: string;
}

export interface Outcome {
  state: FinalState;
  error?: string;
}

/** Kahn's algorithm; names in input order among ready tasks. Throws on unknown deps and cycles. */
export function topologicalOrder(nodes: GraphNode[]): string[] {
  const names = new Set(nodes.map((n) => n.name));
  if (names.size !== nodes.length) throw new Error("pipeline graph: duplicate task names");
  for (const node of nodes) {
    for (const dep of node.dependsOn) {
      if (!names.has(dep)) throw new Error(`pipeline graph: task ${node.name} depends on unknown task ${dep}`);
    }
  }
  const order: string[] = [];
  const done = new Set<string>();
  let remaining = [...nodes];
  while (remaining.length > 0) {
    const ready = remaining.filter((n) => n.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0) {
      throw new Error(`pipeline graph: dependency cycle among ${remaining.map((n) => n.name).join(", ")}`);
    }
    for (const node of ready) {
      order.push(node.name);
      done.add(node.name);
    }
    remaining = remaining.filter((n) => !done.has(n.name));
  }
  return order;
}

export async function runGraph(
  nodes: GraphNode[],
  run: (name: string) => Promise<RunResult>,
  concurrency: number,
): Promise<Map<string, Outcome>> {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  const order = topologicalOrder(nodes);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const outcomes = new Map<string, Outcome>();
  const running = new Map<string, Promise<void>>();

  const settle = () => {
    // Skip everything whose dependency failed or was skipped, until nothing changes.
    let changed = true;
    while (changed) {
      changed = false;
      for (const name of order) {
        if (outcomes.has(name) || running.has(name)) continue;
        const blocker = byName.get(name)!.dependsOn.find((d) => {
          const state = outcomes.get(d)?.state;
          return state === "FAILED" || state === "SKIPPED";
        });
        if (blocker !== undefined) {
          outcomes.set(name, { state: "SKIPPED", error: `not run: upstream task ${blocker} did not succeed` });
          changed = true;
        }
      }
    }
  };

  while (outcomes.size < order.length) {
    settle();
    for (const name of order) {
      if (running.size >= concurrency) break;
      if (outcomes.has(name) || running.has(name)) continue;
      const ready = byName.get(name)!.dependsOn.every((d) => {
        const state = outcomes.get(d)?.state;
        return state === "SUCCEEDED" || state === "CACHED";
      });
      if (!ready) continue;
      const job = run(name)
        .catch((error: unknown): RunResult => ({ state: "FAILED", error: (error as Error).message ?? String(error) }))
        .then((result) => {
          outcomes.set(name, result);
          running.delete(name);
        });
      running.set(name, job);
    }
    if (running.size === 0) {
      settle();
      if (outcomes.size < order.length) throw new Error("pipeline graph: scheduler stalled (no task ready)");
      break;
    }
    await Promise.race(running.values());
  }
  return new Map(order.map((name) => [name, outcomes.get(name)!]));
}
