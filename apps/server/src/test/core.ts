/**
 * Command tests: a real core (database migrated, engines, repositories) in either mode, with no
 * gateway: a {@link RecordingLive} sink stands in for it and keeps what commands published, and
 * what a probe saw in the database at that moment (so "after the commit" can be asserted).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { loadConfig } from "../config.js";
import { type Core, createCore } from "../core.js";
import type { UserRow } from "../db/schema.js";
import { AppError } from "../domain/errors.js";
import type { MemoryHub } from "../engines/index.js";
import type { PresentContext } from "../presenters/index.js";
import type { LiveEvents } from "../realtime/live-events.js";
import { type Backing, createBacking, type Mode } from "./harness.js";

type Name = keyof LiveEvents;

/** One publication: which event, its arguments, and what the probe returned when it arrived. */
export interface Published<N extends Name = Name> {
  name: N;
  args: Parameters<LiveEvents[N]>;
  seen?: unknown;
}

/** A live-events sink that records every publication instead of delivering it. */
export class RecordingLive implements LiveEvents {
  readonly published: Published[] = [];
  /** Runs as each event arrives, before the command goes on; its answer is kept as `seen`. */
  probe?: (p: Published) => unknown;

  of<N extends Name>(name: N): Published<N>[] {
    return this.published.filter((p): p is Published<N> => p.name === name);
  }

  clear(): void {
    this.published.length = 0;
  }

  private async record<N extends Name>(name: N, args: Parameters<LiveEvents[N]>): Promise<void> {
    const p: Published = { name, args } as Published;
    if (this.probe) p.seen = await this.probe(p);
    this.published.push(p);
  }

  messageCreated = (...args: Parameters<LiveEvents["messageCreated"]>) => this.record("messageCreated", args);
  messageAcked = (...args: Parameters<LiveEvents["messageAcked"]>) => this.record("messageAcked", args);
  channelUpdated = (...args: Parameters<LiveEvents["channelUpdated"]>) => this.record("channelUpdated", args);
  alertChanged = (...args: Parameters<LiveEvents["alertChanged"]>) => this.record("alertChanged", args);
  channelDeleted = (...args: Parameters<LiveEvents["channelDeleted"]>) => this.record("channelDeleted", args);
  accessRevoked = (...args: Parameters<LiveEvents["accessRevoked"]>) => this.record("accessRevoked", args);
  accessChanged = (...args: Parameters<LiveEvents["accessChanged"]>) => this.record("accessChanged", args);
  patchChanged = (...args: Parameters<LiveEvents["patchChanged"]>) => this.record("patchChanged", args);
}

/** The public origin commands run with in these tests (invite links). */
export const TEST_PUBLIC_BASE = "https://won.test";

export interface TestCore {
  /** The core, and the public origin a route handler would add per request. */
  core: Core & PresentContext;
  live: RecordingLive;
  backing: Backing;
  close(): Promise<void>;
}

/**
 * A core on a fresh backing (embedded: a temp DATA_DIR with SQLite and memory engines;
 * production: a fresh MySQL database and a Redis prefix), with a recording sink attached.
 * `env` overrides options (quotas, rates). Pass `backing` to open a second instance on the same
 * state (production), or `hub` to share memory engines between embedded cores.
 */
export async function createTestCore(
  mode: Mode,
  opts: { env?: Record<string, string>; backing?: Backing; hub?: MemoryHub } = {},
): Promise<TestCore> {
  const backing = opts.backing ?? (await createBacking(mode, opts.env));
  const core = await createCore(loadConfig({ ...backing.env, ...opts.env }), { hub: opts.hub });
  const live = new RecordingLive();
  core.live.attach(live);
  return { core: { ...core, publicBase: TEST_PUBLIC_BASE }, live, backing, close: () => core.close() };
}

/** A user stored directly (no password hashing: command tests do not log in with it). */
export async function seedUser(core: Pick<Core, "repos">): Promise<UserRow> {
  const name = `c${randomBytes(6).toString("hex")}`;
  return core.repos.users.create({
    id: randomUUID(),
    username: name,
    email: `${name}@example.test`,
    password_hash: "not a hash",
    display_name: name,
    created_at: Date.now(),
  });
}

/** The AppError code a promise rejects with (fails the test if it resolves or throws otherwise). */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  throw new Error("expected the command to be refused, and it succeeded");
}
