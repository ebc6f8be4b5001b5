import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * A Lua script run with EVALSHA, falling back to EVAL the first time a server has not seen it
 * (NOSCRIPT, e.g. after a restart or `SCRIPT FLUSH`). Scripts run atomically on the server,
 * which is what the floor, presence sweep and rate limiter rely on.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(
    private readonly lua: string,
    /** How many keys every run passes; -1: any number (the script loops over KEYS). */
    private readonly numKeys: number,
  ) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  async run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    if (this.numKeys >= 0 && keys.length !== this.numKeys)
      throw new Error(`script expects ${this.numKeys} keys, got ${keys.length}`);
    const n = keys.length;
    try {
      return await redis.evalsha(this.sha, n, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return redis.eval(this.lua, n, ...keys, ...args);
    }
  }
}
