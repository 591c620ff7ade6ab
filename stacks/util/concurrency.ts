/** Bounded concurrency for many API calls at once; node built-ins only (runs in the provider host too). */

/** Runs fn over items with at most `limit` in flight; rejects with the first failure after all settle. */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) {
    throw new Error(
      `${errors.length} operations failed:\n${errors.map((e) => `- ${(e as Error).message}`).join("\n")}`,
    );
  }
}
