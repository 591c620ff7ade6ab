/** Retries with exponential backoff, for code that runs in the provider host; pure apart from the injected wait. */

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Failures that `outlasts` accepts (an outage: the server restarting) are retried past `attempts` until
   * this long has passed since the first attempt; default 0.
   */
  windowMs?: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 8_000 };

/** Delay before retry number `retry` (1-based): base·2^(retry-1), capped. */
export function backoffDelayMs(retry: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface RetryOptions<T> {
  /** Which failures deserve another attempt; default none. */
  isRetryable?: (error: unknown) => boolean;
  /** Told `<what>: <error>; retry n/m in d ms` before each wait. */
  onRetry?: (message: string) => void;
  wait?: (ms: number) => Promise<void>;
  /**
   * After a retryable failure, before the next attempt: a result that makes that attempt unnecessary
   * (for calls that may have taken effect despite the error), or undefined to retry.
   */
  recover?: (error: unknown) => Promise<T | undefined>;
  /** The error thrown when the attempts are used up on a retryable failure; default that failure. */
  giveUp?: (error: unknown, attempts: number) => unknown;
  /** Which retryable failures look like an outage, retried through `policy.windowMs`; default none. */
  outlasts?: (error: unknown) => boolean;
  /** The clock for `policy.windowMs`; default Date.now. */
  now?: () => number;
}

/**
 * Runs fn until it succeeds, fails with a non-retryable error, or `policy.attempts` are used up (and, for an
 * outage, `policy.windowMs` has passed).
 */
export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  policy: RetryPolicy,
  o: RetryOptions<T> = {},
): Promise<T> {
  const wait = o.wait ?? sleep;
  const now = o.now ?? Date.now;
  const started = now();
  // Waits count even when an injected wait does not advance the clock, so the window always ends.
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!(o.isRetryable?.(e) ?? false)) throw e;
      const elapsed = Math.max(now() - started, waited);
      const inWindow = (o.outlasts?.(e) ?? false) && elapsed < (policy.windowMs ?? 0);
      if (attempt >= policy.attempts && !inWindow) throw o.giveUp ? o.giveUp(e, attempt) : e;
      const recovered = await o.recover?.(e);
      if (recovered !== undefined) return recovered;
      const delay = backoffDelayMs(attempt, policy);
      const of =
        attempt < policy.attempts ? `${attempt}/${policy.attempts - 1}` : `${attempt}, within the outage window`;
      o.onRetry?.(`${what}: ${(e as Error).message}; retry ${of} in ${delay} ms`);
      await wait(delay);
      waited += delay;
    }
  }
}

/** A give-up error that says how often `what` was tried (for failures a user may just retry later). */
export function stillFailing(what: string): (error: unknown, attempts: number) => Error {
  return (error, attempts) =>
    attempts > 1
      ? new Error(`${what}: still failing after ${attempts} attempts: ${(error as Error).message}`, { cause: error })
      : (error as Error);
}
