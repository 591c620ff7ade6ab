import { forEachLimited } from "../../../stacks/util/concurrency";

describe("forEachLimited", () => {
  const tick = () => new Promise((r) => setImmediate(r));

  async function run(items: number[], limit: number, fail: (i: number) => boolean = () => false) {
    let inFlight = 0;
    let max = 0;
    const done: number[] = [];
    const result = await forEachLimited(items, limit, async (i) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await tick();
      if (i % 2) await tick();
      inFlight--;
      done.push(i);
      if (fail(i)) throw new Error(`bad ${i}`);
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    return { max, done, error: result };
  }

  const ten = Array.from({ length: 10 }, (_, i) => i);

  test("never runs more than the limit at once, and runs every item once", async () => {
    const { max, done, error } = await run(ten, 3);
    expect(error).toBeUndefined();
    expect(max).toBe(3);
    expect([...done].sort((a, b) => a - b)).toEqual(ten);
  });

  test("a limit above the item count runs them all at once", async () => {
    expect((await run(ten, 50)).max).toBe(10);
  });

  test("no items: nothing runs", async () => {
    const { done, error } = await run([], 4);
    expect(done).toEqual([]);
    expect(error).toBeUndefined();
  });

  test("one failure rejects with that very error, after every other item ran", async () => {
    const thrown: Error[] = [];
    const e = await forEachLimited(ten, 2, async (i) => {
      await tick();
      if (i === 4) {
        const err = new Error("bad 4");
        thrown.push(err);
        throw err;
      }
    }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(e).toBe(thrown[0]);
    const { done, error } = await run(ten, 2, (i) => i === 4);
    expect(error?.message).toBe("bad 4");
    expect(done).toHaveLength(10);
  });

  test("several failures are aggregated into one message listing each", async () => {
    const { done, error } = await run(ten, 3, (i) => i === 2 || i === 7);
    expect(done).toHaveLength(10);
    expect(error?.message).toBe("2 operations failed:\n- bad 2\n- bad 7");
  });
});
