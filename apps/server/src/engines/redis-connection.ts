import type { Redis } from "ioredis";

/** How long `quit` waits for a graceful QUIT before dropping the socket. */
const QUIT_TIMEOUT_MS = 2_000;

/** QUIT (pending replies are read first), or drop the socket if Redis does not answer in time. */
export async function quit(conn: Redis): Promise<void> {
  if (conn.status === "end") return;
  if (conn.status !== "ready") {
    conn.disconnect();
    return;
  }
  const done = await withTimeout(
    conn.quit().then(
      () => true,
      () => false,
    ),
    QUIT_TIMEOUT_MS,
    false,
  );
  if (!done) conn.disconnect();
}

/** `promise`'s value, or `fallback` if it rejects or takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}
