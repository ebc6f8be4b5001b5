import { consoleLogger, type EngineLogger } from "./engine-logger.js";
import { defaultHub, type MemoryHub } from "./memory-hub.js";
import type { TokenRevocations } from "./token-revocations.js";

export interface MemoryTokenRevocationsOptions {
  /** Nodes on one hub share revocations and hear each other's; default: the process-wide hub. */
  hub?: MemoryHub;
  /** How often entries past their `untilMs` are dropped; default 60_000 ms. */
  cleanupMs?: number;
  logger?: EngineLogger;
}

/**
 * In-process {@link TokenRevocations}. It serves ONE process only; instances on one
 * {@link MemoryHub} share the list and each one's `onRevoked` listeners hear every revocation once,
 * the revoking instance's included. Entries are dropped after their `untilMs`, so memory holds
 * only sessions whose access tokens could still be valid.
 */
export class MemoryTokenRevocations implements TokenRevocations {
  private readonly hub: MemoryHub;
  private readonly logger: EngineLogger;
  private readonly listeners: ((sid: string) => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly node = (sid: string) => this.notify(sid);

  constructor(opts: MemoryTokenRevocationsOptions = {}) {
    this.hub = opts.hub ?? defaultHub;
    this.logger = opts.logger ?? consoleLogger;
    this.hub.revocationNodes.add(this.node);
    this.timer = setInterval(() => this.cleanup(), opts.cleanupMs ?? 60_000);
    this.timer.unref();
  }

  async revokeSession(sid: string, untilMs: number): Promise<void> {
    const revocations = this.hub.revocations;
    if (untilMs > Date.now() && untilMs > (revocations.get(sid) ?? 0)) revocations.set(sid, untilMs);
    for (const node of [...this.hub.revocationNodes]) node(sid);
  }

  async isRevoked(sid: string): Promise<boolean> {
    const until = this.hub.revocations.get(sid);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.hub.revocations.delete(sid);
    return false;
  }

  onRevoked(listener: (sid: string) => void): void {
    this.listeners.push(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.hub.revocationNodes.delete(this.node);
  }

  private notify(sid: string): void {
    for (const listener of this.listeners) {
      try {
        listener(sid);
      } catch (err) {
        this.logger.error({ err }, "onRevoked listener threw");
      }
    }
  }

  private cleanup(): void {
    const now = Date.now();
    for (const [sid, until] of this.hub.revocations) if (until <= now) this.hub.revocations.delete(sid);
  }
}
