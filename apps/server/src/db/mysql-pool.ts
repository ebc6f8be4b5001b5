/**
 * A mysql2 pool for Kysely whose queries cannot hang. A server that stops answering without
 * closing its connections (frozen, overloaded, cut off by the network without a reset) would
 * otherwise hold every request on a pooled connection for ever: mysql2 has no pool-wide query
 * timeout, and its per-query `timeout` leaves the stuck command at the head of the connection's
 * queue, so the transaction's ROLLBACK would wait behind it. Here a query without an answer in
 * time fails with a fatal `PROTOCOL_SEQUENCE_TIMEOUT` (which the error handler maps to 503
 * `unavailable`), and its connection is destroyed instead of going back to the pool: whatever
 * else is asked of it fails at once with the same error.
 */
import type {
  MysqlPool,
  MysqlPoolConnection,
  MysqlQueryResult,
  MysqlStream,
  MysqlStreamOptions,
} from "kysely";
import type { Pool, PoolConnection } from "mysql2";

/** Query time limit, in ms; 0 = unbounded (migrations). Read at each query. */
export interface QueryBound {
  timeoutMs: number;
}

export function boundedPool(pool: Pool, bound: QueryBound): MysqlPool {
  const wrapped = new WeakMap<PoolConnection, BoundedConnection>();
  return {
    getConnection(callback) {
      pool.getConnection((err, conn) => {
        if (err) return callback(err, undefined as unknown as MysqlPoolConnection);
        let c = wrapped.get(conn);
        if (!c) {
          c = new BoundedConnection(conn, bound);
          wrapped.set(conn, c);
        }
        callback(null, c);
      });
    },
    end(callback) {
      pool.end(callback);
    },
  };
}

class BoundedConnection implements MysqlPoolConnection {
  private dead: Error | null = null;

  constructor(
    private readonly conn: PoolConnection,
    private readonly bound: QueryBound,
  ) {}

  query(sql: string, parameters: unknown[]): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> };
  query(
    sql: string,
    parameters: unknown[],
    callback: (error: unknown, result: MysqlQueryResult) => void,
  ): void;
  query(
    sql: string,
    parameters: unknown[],
    callback?: (error: unknown, result: MysqlQueryResult) => void,
  ): { stream: <T>(options: MysqlStreamOptions) => MysqlStream<T> } | undefined {
    // Streaming (unused by the server) goes to mysql2 as is.
    if (!callback) return this.conn.query(sql, parameters) as never;
    const failed = this.dead;
    if (failed) {
      queueMicrotask(() => callback(failed, undefined as never));
      return;
    }
    let settled = false;
    const timeoutMs = this.bound.timeoutMs;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            if (settled) return;
            settled = true;
            const err = Object.assign(new Error(`The database did not answer within ${timeoutMs} ms`), {
              code: "PROTOCOL_SEQUENCE_TIMEOUT",
              fatal: true,
            });
            this.dead = err;
            this.conn.destroy();
            callback(err, undefined as never);
          }, timeoutMs)
        : undefined;
    this.conn.query(sql, parameters, (err, result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      callback(err, result as MysqlQueryResult);
    });
  }

  release(): void {
    // A destroyed connection has already left the pool.
    if (!this.dead) this.conn.release();
  }
}
