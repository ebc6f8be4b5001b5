// Types of services.mjs for TypeScript callers (tests that start their own servers).

/** A throwaway server: `stop` keeps its data so `restart` comes back on the same port. */
export interface ThrowawayServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

/** A server that can also hang: SIGSTOP keeps its connections open and answers nothing. */
export interface PausableServer extends ThrowawayServer {
  /** SIGSTOP: the server hangs without closing connections. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
}

export type ThrowawayRedis = PausableServer;
export type ThrowawayMariaDb = PausableServer;

export const APT_PACKAGES: Record<string, string>;
export function ensureAptPackages(bins?: string[]): void;
export function freePort(): Promise<number>;
export function startMariaDb(opts?: { quiet?: boolean }): Promise<ThrowawayMariaDb>;
export function startRedis(opts?: { quiet?: boolean }): Promise<ThrowawayRedis>;
