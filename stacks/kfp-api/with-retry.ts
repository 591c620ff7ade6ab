/** Retry with exponential backoff for transient KFP failures; pure apart from the injected sleep. */
import { backoffDelayMs, RetryPolicy, sleep } from "../dynamic/retry";
import { isTransient } from "./errors";

export async function withRetry<T>(
  what: string,
  fn: () => Promise<T>,
  policy: RetryPolicy,
  onRetry: (message: string) => void = () => undefined,
  wait: (ms: number) => Promise<void> = sleep,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isTransient(e) || attempt >= policy.attempts) {
        if (isTransient(e) && attempt > 1) {
          throw new Error(`${what}: still failing after ${attempt} attempts: ${(e as Error).message}`, { cause: e });
        }
        throw e;
      }
      const delay = backoffDelayMs(attempt, policy);
      onRetry(`${what}: ${(e as Error).message}; retry ${attempt}/${policy.attempts - 1} in ${delay} ms`);
      await wait(delay);
    }
  }
}
