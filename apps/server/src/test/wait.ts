/**
 * Waiting in tests, in one place: poll with a deadline instead of sleeping, bound what could hang,
 * and wait for a server to be ready. Failures name what was awaited and how long.
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a truthy value and returns that value, or throws after
 * `timeoutMs` with `what` (and the probe's last error, if it threw) in the message. A probe that
 * throws is retried: it may be reading something not there yet.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  { timeoutMs = 5_000, intervalMs = 10 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`,
      );
    }
    await sleep(intervalMs);
  }
}

/** `p`, or a rejection naming `what` if it has not settled within `timeoutMs` (a hang). */
export async function withDeadline<T>(what: string, p: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} hung for ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `GET {baseUrl}/readyz` (database and broker up, not shutting down) until it answers 200. */
export async function waitUntilReady(baseUrl: string, timeoutMs = 20_000): Promise<void> {
  await waitFor(`${baseUrl} to be ready`, async () => (await fetch(`${baseUrl}/readyz`)).ok, {
    timeoutMs,
    intervalMs: 25,
  });
}
