import { describe, expect, it } from "vitest";
import { muxOggOpus } from "../audio/ogg-opus.js";
import { silencePackets } from "../audio/test-speech.js";
import { createBacking, MODES, startApp } from "../test/harness.js";
import { runHousekeeping } from "./housekeeping.js";

const DAY = 24 * 60 * 60 * 1000;

describe.each(MODES)("housekeeping (%s)", (mode) => {
  it("drops recordings past retention but keeps their messages, and purges expired sessions", async () => {
    const app = await startApp(await createBacking(mode, { RECORDING_RETENTION_DAYS: "30" }));
    try {
      const u = await app.api.user();
      const ch = await app.api.post("/channels", { name: "Old" }, u.token);
      const ogg = muxOggOpus(silencePackets(50));
      const { message } = await app.app.ctx.repos.messages.append(ch.body.id, {
        senderId: u.id,
        kind: "audio",
        recording: {
          id: crypto.randomUUID(),
          stream_id: 7,
          duration_ms: 994,
          size_bytes: ogg.length,
          data: ogg,
        },
      });
      const url = `/recordings/${message.recording_id}`;
      expect((await app.api.get(url, u.token)).status).toBe(200);

      // 29 days on: nothing is due.
      expect(await runHousekeeping(app.app.ctx, Date.now() + 29 * DAY)).toEqual({
        recordingsDeleted: 0,
        sessionsDeleted: 0,
      });
      expect((await app.api.get(url, u.token)).status).toBe(200);

      // 31 days on: the recording goes, the message stays (as audio without a recording); the
      // session (30-day refresh lifetime) has expired too.
      const r = await runHousekeeping(app.app.ctx, Date.now() + 31 * DAY);
      expect(r).toEqual({ recordingsDeleted: 1, sessionsDeleted: 1 });
      expect((await app.api.get(url, u.token)).status).toBe(404);
      const history = await app.api.get(`/channels/${ch.body.id}/messages`, u.token);
      expect(history.body.messages).toHaveLength(1);
      expect(history.body.messages[0].kind).toBe("audio");
      expect(history.body.messages[0].recording).toBeUndefined();
      expect((await app.api.post("/auth/refresh", { refreshToken: u.refreshToken })).status).toBe(401);
    } finally {
      await app.close();
    }
  });
});
