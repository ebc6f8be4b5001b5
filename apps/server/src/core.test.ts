/**
 * The core on SQLite and on MySQL + Redis: it migrates once, its readiness probe answers, and
 * its live-events outbox drops events until a sink attaches, then forwards them to that one sink.
 */
import { describe, expect, it } from "vitest";
import { createChannel, updateChannel } from "./commands/channels.js";
import { loadConfig } from "./config.js";
import { createCore } from "./core.js";
import { createTestCore, RecordingLive, seedUser, TEST_PUBLIC_BASE } from "./test/core.js";
import { createBacking, MODES } from "./test/harness.js";
import { waitFor } from "./test/wait.js";

describe.each(MODES)("core (%s)", (mode) => {
  it("migrates a fresh database once, and reports its dependencies up", async () => {
    const t = await createTestCore(mode);
    try {
      expect(t.core.migrationsApplied.length).toBeGreaterThan(0);
      // Redis engines are ready once their connections are: poll, as a load balancer would.
      await waitFor("both dependencies up", async () => {
        const up = await t.core.checkDependencies();
        return up.database && up.broker;
      });
      const again = await createCore(loadConfig(t.backing.env));
      try {
        expect(again.migrationsApplied).toEqual([]);
      } finally {
        await again.close();
      }
    } finally {
      await t.close();
    }
  });

  it("drops live events until a sink attaches, then sends them to that sink only", async () => {
    const core = await createCore(loadConfig((await createBacking(mode)).env));
    try {
      const admin = await seedUser(core);
      const at = { ...core, publicBase: TEST_PUBLIC_BASE };
      const channel = await createChannel(at, admin.id, { name: "Before" });
      expect(core.live.attached).toBe(false);
      // Nobody to tell: the change is stored and the event is dropped, not queued.
      await updateChannel(at, admin.id, channel.id, { name: "Unheard" });

      const sink = new RecordingLive();
      const detach = core.live.attach(sink);
      expect(() => core.live.attach(new RecordingLive())).toThrow(/already attached/);
      await updateChannel(at, admin.id, channel.id, { name: "Heard" });
      detach();
      await updateChannel(at, admin.id, channel.id, { name: "Unheard again" });
      expect(sink.published.map((p) => [p.name, (p.args[0] as { name: string }).name])).toEqual([
        ["channelUpdated", "Heard"],
      ]);
    } finally {
      await core.close();
    }
  });
});
