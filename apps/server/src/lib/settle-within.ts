/** A command that got no answer in time (`code` ETIMEDOUT: callers treat it as unavailable). */
export class TimeoutError extends Error {
  readonly code = "ETIMEDOUT";
  constructor(what: string, ms: number) {
    super(`${what} got no answer within ${ms} ms`);
    this.name = "TimeoutError";
  }
}

/**
 * Settles like `p`, or rejects with TimeoutError when `p` has not settled `ms` after the call.
 *
 * Unlike a plain timer race (ioredis' `commandTimeout`, say), it tolerates a lagging event loop:
 * after a long synchronous stretch the timers run before the poll phase reads the sockets, so an
 * answer that arrived in time would be declared missing. Here the timer only schedules the
 * verdict for the check phase (`setImmediate`), after the loop has read whatever already came in.
 */
export function settleWithin<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      setImmediate(() => {
        if (settled) return;
        settled = true;
        reject(new TimeoutError(what, ms));
      });
    }, ms);
    p.then(
      (v) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(v);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
