import { GraphNode, RunResult, runGraph, topologicalOrder } from "../../../pipelines/local/schedule";

const diamond: GraphNode[] = [
  { name: "d", dependsOn: ["b", "c"] },
  { name: "b", dependsOn: ["a"] },
  { name: "a", dependsOn: [] },
  { name: "c", dependsOn: ["a"] },
];

/** A controllable task body: each call records start/end order and resolves on the next tick. */
function recorder(results: Record<string, RunResult> = {}) {
  const events: string[] = [];
  let running = 0;
  let maxRunning = 0;
  const run = async (name: string): Promise<RunResult> => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    events.push(`start ${name}`);
    await new Promise((r) => setImmediate(r));
    running -= 1;
    events.push(`end ${name}`);
    return results[name] ?? { state: "SUCCEEDED" };
  };
  return { run, events, maxRunning: () => maxRunning };
}

describe("local runner: scheduling", () => {
  it("orders tasks after their dependencies", () => {
    expect(topologicalOrder(diamond)).toEqual(["a", "b", "c", "d"]);
  });

  it("rejects cycles and unknown dependencies", () => {
    expect(() =>
      topologicalOrder([
        { name: "x", dependsOn: ["y"] },
        { name: "y", dependsOn: ["x"] },
      ]),
    ).toThrow(/cycle among x, y/);
    expect(() => topologicalOrder([{ name: "x", dependsOn: ["ghost"] }])).toThrow(/unknown task ghost/);
  });

  it("runs independent tasks concurrently up to the limit, dependants only after their inputs", async () => {
    const r = recorder();
    const outcomes = await runGraph(diamond, r.run, 2);
    expect([...outcomes.values()].every((o) => o.state === "SUCCEEDED")).toBe(true);
    expect(r.maxRunning()).toBe(2); // b and c together
    expect(r.events.indexOf("start b")).toBeGreaterThan(r.events.indexOf("end a"));
    expect(r.events.indexOf("start d")).toBeGreaterThan(Math.max(r.events.indexOf("end b"), r.events.indexOf("end c")));
  });

  it("never exceeds a concurrency of one", async () => {
    const r = recorder();
    await runGraph(diamond, r.run, 1);
    expect(r.maxRunning()).toBe(1);
  });

  it("a failure skips its dependants transitively but not its siblings", async () => {
    const graph: GraphNode[] = [...diamond, { name: "e", dependsOn: ["d"] }, { name: "f", dependsOn: ["c"] }];
    const r = recorder({ b: { state: "FAILED", error: "boom" } });
    const outcomes = await runGraph(graph, r.run, 2);
    expect(outcomes.get("b")).toEqual({ state: "FAILED", error: "boom" });
    expect(outcomes.get("c")?.state).toBe("SUCCEEDED");
    expect(outcomes.get("f")?.state).toBe("SUCCEEDED");
    expect(outcomes.get("d")).toEqual({ state: "SKIPPED", error: "not run: upstream task b did not succeed" });
    expect(outcomes.get("e")?.state).toBe("SKIPPED");
    expect(r.events).not.toContain("start d");
  });

  it("a task body that throws counts as FAILED with its message", async () => {
    const outcomes = await runGraph(
      [{ name: "a", dependsOn: [] }],
      async () => {
        throw new Error("cannot start x");
      },
      1,
    );
    expect(outcomes.get("a")).toEqual({ state: "FAILED", error: "cannot start x" });
  });
});
