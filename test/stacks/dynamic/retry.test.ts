import { withRetry } from "../../../stacks/dynamic/retry";

const POLICY = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1_000 };
const down = (kind: string) => Object.assign(new Error(`down (${kind})`), { kind });
const isKind = (kind: string) => (e: unknown) => (e as { kind?: string }).kind === kind;

/** A function failing `failures` times with errors of `kind`, then answering "up". */
function flaky(failures: number, kind: string) {
  let calls = 0;
  const fn = async (): Promise<string> => {
    calls++;
    if (calls <= failures) throw down(kind);
    return "up";
  };
  return { fn, calls: () => calls };
}

test("without a window, retryable failures get the policy's attempts only", async () => {
  const f = flaky(5, "outage");
  const waits: number[] = [];
  const run = withRetry("x", f.fn, POLICY, { isRetryable: () => true, wait: async (ms) => void waits.push(ms) });
  await expect(run).rejects.toThrow("down (outage)");
  expect([f.calls(), waits]).toEqual([3, [100, 200]]);
});

test("outages are retried through the window, measured by the waits when the clock stands still", async () => {
  const f = flaky(8, "outage");
  const messages: string[] = [];
  const result = await withRetry(
    "x",
    f.fn,
    { ...POLICY, windowMs: 10_000 },
    {
      isRetryable: () => true,
      outlasts: isKind("outage"),
      onRetry: (m) => messages.push(m),
      wait: async () => undefined,
      now: () => 0,
    },
  );
  expect([result, f.calls()]).toEqual(["up", 9]);
  expect(messages[2]).toMatch(/retry 3, within the outage window in 400 ms/);
});

test("the window ends: an outage longer than it fails", async () => {
  const f = flaky(100, "outage");
  let clock = 0;
  const run = withRetry(
    "x",
    f.fn,
    { ...POLICY, windowMs: 3_000 },
    {
      isRetryable: () => true,
      outlasts: isKind("outage"),
      wait: async (ms) => void (clock += ms),
      now: () => clock,
    },
  );
  await expect(run).rejects.toThrow("down (outage)");
  // 100 + 200 + 400 + 800 + 1000 = 2500 ms waited before the 6th attempt; after it, 3500 ms: past the window.
  expect(f.calls()).toBe(7);
});

test("failures that are retryable but not an outage keep to the attempts inside a window", async () => {
  const f = flaky(5, "internal");
  const run = withRetry(
    "x",
    f.fn,
    { ...POLICY, windowMs: 60_000 },
    {
      isRetryable: () => true,
      outlasts: isKind("outage"),
      wait: async () => undefined,
    },
  );
  await expect(run).rejects.toThrow("down (internal)");
  expect(f.calls()).toBe(3);
});
