import { decodeAudioFrame, type ServerMessage } from "@won/protocol";
import { beforeEach, describe, expect, it, vi } from "vitest";

// The browser-only pieces (microphone, WebCodecs, oscillators) are replaced by scripted fakes.
const mic = vi.hoisted(() => ({
  onBlock: null as null | ((pcm: Float32Array, rms: number) => void),
  closed: 0,
  fail: false,
  stall: "" as "" | "output" | "microphone",
}));
const enc = vi.hoisted(() => ({
  onPacket: null as null | ((p: Uint8Array) => void),
  finished: 0,
  aborted: 0,
  profiles: [] as { frameMs: number; bitrate: number }[],
}));
vi.mock("../audio/mic-capture", () => ({
  MicCapture: {
    open: async (_d: string, h: { onBlock: (pcm: Float32Array, rms: number) => void }) => {
      if (mic.fail) throw Object.assign(new Error("Permission denied"), { name: "NotAllowedError" });
      if (mic.stall) {
        const { AudioStartError } = await import("../audio/audio-start");
        throw new AudioStartError(mic.stall, "no answer within 3000 ms");
      }
      mic.onBlock = h.onBlock;
      return { close: () => mic.closed++ };
    },
  },
}));
vi.mock("../audio/opus-encoder", () => ({
  OpusEncoder: {
    create: async (
      onPacket: (p: Uint8Array) => void,
      _e: unknown,
      profile: { frameMs: number; bitrate: number },
    ) => {
      enc.onPacket = onPacket;
      enc.profiles.push(profile);
      let n = 0;
      return {
        encode: () => onPacket(new Uint8Array([n++ & 0xff, 0xaa])),
        reconfigure: (p: { frameMs: number; bitrate: number }) => enc.profiles.push(p),
        finish: async () => {
          enc.finished++;
        },
        abort: () => enc.aborted++,
      };
    },
  },
}));
vi.mock("../auth/session", () => ({
  getSession: () => ({ user: { id: "00000000-0000-4000-8000-00000000000a" } }),
}));
vi.mock("../audio/tones", () => ({ tones: { permit: vi.fn(), end: vi.fn(), denied: vi.fn() } }));
vi.mock("../audio/cues", () => ({ playCue: vi.fn(), rogerBeepBlocks: () => [] }));

const { TalkController } = await import("./talk-controller");
const { getLive, live } = await import("../state/live-store");

const CH = "00000000-0000-4000-8000-000000000001";
const USER = {
  id: "00000000-0000-4000-8000-00000000000a",
  username: "a",
  displayName: "Alice",
  createdAt: "2026-01-01T00:00:00Z",
};

class FakeConn {
  sent: unknown[] = [];
  frames: Uint8Array[] = [];
  ok = true;
  private msg: ((m: ServerMessage) => void) | null = null;
  private down: ((c: number) => void) | null = null;
  private rtt: ((ms: number) => void) | null = null;
  probes = 0;
  pingWaitMs = 0;
  onRtt(l: (ms: number) => void) {
    this.rtt = l;
  }
  probe() {
    this.probes++;
    return true;
  }
  pong(ms: number) {
    this.rtt?.(ms);
  }
  onMessage(l: (m: ServerMessage) => void) {
    this.msg = l;
  }
  onDown(l: (c: number) => void) {
    this.down = l;
  }
  send(m: unknown) {
    if (this.ok) this.sent.push(m);
    return this.ok;
  }
  sendBinary(f: Uint8Array) {
    this.frames.push(f);
    return true;
  }
  emit(m: ServerMessage) {
    this.msg?.(m);
  }
  drop() {
    this.down?.(1006);
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const speak = (blocks: number) => {
  for (let i = 0; i < blocks; i++) mic.onBlock?.(new Float32Array(960).fill(0.1), 0.1);
};

function setup() {
  const conn = new FakeConn();
  const talk = new TalkController(conn as never);
  return { conn, talk };
}

beforeEach(() => {
  mic.onBlock = null;
  mic.closed = 0;
  mic.fail = false;
  enc.finished = 0;
  enc.aborted = 0;
  live.reset();
});

describe("TalkController", () => {
  it("an all-call asks for the event's floor with scope: event", () => {
    const { conn, talk } = setup();
    talk.press(CH, false, "event");
    expect(conn.sent).toEqual([{ type: "ptt.start", channelId: CH, scope: "event" }]);
  });

  it("asks for the floor, sends pre-grant audio after the grant, each packet at once, ends with a last frame and ptt.stop", async () => {
    const { conn, talk } = setup();
    talk.press(CH);
    expect(conn.sent).toEqual([{ type: "ptt.start", channelId: CH }]);
    expect(getLive().talk).toMatchObject({ channelId: CH, phase: "requesting" });
    await flush();
    speak(3); // captured before the grant: kept, not lost
    expect(conn.frames).toHaveLength(0);
    conn.emit({ type: "ptt.granted", channelId: CH, streamId: 42, maxDurationMs: 60_000 });
    expect(getLive().talk).toMatchObject({ phase: "talking", streamId: 42 });
    expect(conn.frames).toHaveLength(3);
    speak(5);
    expect(conn.frames).toHaveLength(8); // nothing held back
    talk.release();
    await flush();
    const frames = conn.frames.map((f) => decodeAudioFrame(f)).filter((f) => typeof f !== "string");
    expect(frames).toHaveLength(9);
    expect(frames.map((f) => f.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(frames.every((f) => f.streamId === 42)).toBe(true);
    expect(frames.map((f) => f.last)).toEqual([...Array(8).fill(false), true]);
    expect([...frames[8]!.payload]).toEqual([0xf8, 0xff, 0xfe]); // 20 ms of Opus silence
    expect(conn.sent[conn.sent.length - 1]).toEqual({ type: "ptt.stop", channelId: CH });
    expect(mic.closed).toBe(1);
    conn.emit({ type: "ptt.stopped", channelId: CH, streamId: 42 });
    expect(getLive().talk).toBeNull();
  });

  it("probes the link while talking and switches the encoder to bigger frames when pings queue", async () => {
    vi.useFakeTimers();
    try {
      const { conn, talk } = setup();
      enc.profiles = [];
      talk.press(CH);
      await vi.advanceTimersByTimeAsync(0);
      conn.emit({ type: "ptt.granted", channelId: CH, streamId: 5, maxDurationMs: 60_000 });
      expect(enc.profiles).toEqual([{ frameMs: 20, bitrate: 24_000 }]);
      for (let i = 0; i < 8; i++) {
        await vi.advanceTimersByTimeAsync(250);
        conn.pong(20);
      }
      expect(conn.probes).toBeGreaterThanOrEqual(8);
      expect(enc.profiles).toHaveLength(1);
      for (let i = 0; i < 4; i++) {
        await vi.advanceTimersByTimeAsync(250);
        conn.pong(700);
      }
      expect(enc.profiles.slice(1)).toEqual([{ frameMs: 40, bitrate: 16_000 }]);
      // A listener's word that the stream reaches it late steps down once more (after the hold);
      // a word about another stream does nothing.
      await vi.advanceTimersByTimeAsync(2_100);
      conn.emit({ type: "ptt.congested", channelId: CH, streamId: 999, lateMs: 800 });
      expect(enc.profiles).toHaveLength(2);
      conn.emit({ type: "ptt.congested", channelId: CH, streamId: 5, lateMs: 800 });
      expect(enc.profiles.slice(2)).toEqual([{ frameMs: 60, bitrate: 12_000 }]);
      talk.release();
      await vi.advanceTimersByTimeAsync(0);
      const probes = conn.probes;
      await vi.advanceTimersByTimeAsync(2_000);
      expect(conn.probes).toBe(probes); // no probing once off air
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows who holds the floor when denied, and closes the microphone", async () => {
    const { conn, talk } = setup();
    talk.press(CH);
    await flush();
    conn.emit({
      type: "ptt.denied",
      channelId: CH,
      reason: "busy",
      speaker: { user: { ...USER, displayName: "Bob" }, streamId: 7, since: "2026-01-01T00:00:00Z" },
    });
    expect(getLive().talk).toBeNull();
    expect(getLive().denial).toMatchObject({ channelId: CH, reason: "busy", speakerName: "Bob · @a" });
    expect(mic.closed).toBe(1);
    expect(conn.frames).toHaveLength(0);
  });

  it("gives the floor straight back when released before the grant", async () => {
    const { conn, talk } = setup();
    talk.press(CH);
    await flush();
    talk.release();
    conn.emit({ type: "ptt.granted", channelId: CH, streamId: 9, maxDurationMs: 60_000 });
    expect(conn.sent[conn.sent.length - 1]).toEqual({ type: "ptt.stop", channelId: CH });
    expect(getLive().talk).toBeNull();
  });

  it("ends the transmission at once when the socket drops", async () => {
    const { conn, talk } = setup();
    talk.press(CH);
    await flush();
    conn.emit({ type: "ptt.granted", channelId: CH, streamId: 5, maxDurationMs: 60_000 });
    speak(2);
    conn.drop();
    expect(getLive().talk).toBeNull();
    expect(mic.closed).toBe(1);
    expect(enc.aborted).toBe(1);
  });

  it("gives the floor back and says why when the microphone is blocked", async () => {
    const { conn, talk } = setup();
    mic.fail = true;
    talk.press(CH);
    await flush();
    await flush();
    expect(conn.sent[conn.sent.length - 1]).toEqual({ type: "ptt.stop", channelId: CH });
    expect(getLive().talk).toBeNull();
    expect(getLive().denial).toMatchObject({ channelId: CH, reason: "no_microphone" });
  });

  it("audio output that cannot start: the floor goes back at once and the panel says what failed", async () => {
    const { conn, talk } = setup();
    mic.stall = "output";
    talk.press(CH);
    conn.emit({ type: "ptt.granted", channelId: CH, streamId: 9, maxDurationMs: 60_000 });
    await flush();
    await flush();
    mic.stall = "";
    expect(conn.sent[conn.sent.length - 1]).toEqual({ type: "ptt.stop", channelId: CH });
    expect(getLive().talk).toBeNull();
    expect(getLive().denial).toMatchObject({ channelId: CH, reason: "no_audio_output" });
  });

  it("a floor timeout long before the talk time cap is reported as no audio, not as the cap", async () => {
    const { conn, talk } = setup();
    talk.press(CH);
    await flush();
    conn.emit({ type: "ptt.granted", channelId: CH, streamId: 6, maxDurationMs: 60_000 });
    conn.emit({ type: "speaker.stopped", channelId: CH, streamId: 6, userId: USER.id, reason: "timeout" });
    expect(getLive().lastStop).toMatchObject({ channelId: CH, reason: "no_audio" });
  });

  it("the talk time cap: ends by the server's word with the finger still down, with the cut-off cue", async () => {
    vi.useFakeTimers();
    try {
      const { playCue } = await import("../audio/cues");
      const { conn, talk } = setup();
      talk.press(CH);
      await vi.advanceTimersByTimeAsync(0);
      conn.emit({ type: "ptt.granted", channelId: CH, streamId: 8, maxDurationMs: 30_000 });
      await vi.advanceTimersByTimeAsync(29_990);
      // Not released early on our side: still on air, no ptt.stop, not shown as a normal release.
      expect(getLive().talk).toMatchObject({ phase: "talking" });
      expect(conn.sent).not.toContainEqual({ type: "ptt.stop", channelId: CH });
      conn.emit({ type: "speaker.stopped", channelId: CH, streamId: 8, userId: USER.id, reason: "timeout" });
      expect(getLive().talk).toBeNull();
      expect(getLive().lastStop).toMatchObject({ channelId: CH, reason: "timeout" });
      expect(playCue).toHaveBeenCalledWith("cutOff");
      // The finger lifting afterwards changes nothing.
      talk.release();
      expect(getLive().lastStop).toMatchObject({ reason: "timeout" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("the talk time cap with no word from the server: ends as the cap a moment later", async () => {
    vi.useFakeTimers();
    try {
      const { conn, talk } = setup();
      talk.press(CH);
      await vi.advanceTimersByTimeAsync(0);
      conn.emit({ type: "ptt.granted", channelId: CH, streamId: 8, maxDurationMs: 30_000 });
      await vi.advanceTimersByTimeAsync(32_000);
      expect(getLive().talk).toBeNull();
      expect(getLive().lastStop).toMatchObject({ channelId: CH, reason: "timeout" });
      expect(conn.sent[conn.sent.length - 1]).toEqual({ type: "ptt.stop", channelId: CH });
    } finally {
      vi.useRealTimers();
    }
  });

  it("on an insecure (http) page, says so rather than naming the part that failed first", async () => {
    vi.stubGlobal("window", { isSecureContext: false });
    try {
      const { talk } = setup();
      mic.fail = true; // an http page has no getUserMedia
      talk.press(CH);
      await flush();
      await flush();
      expect(getLive().denial).toMatchObject({ channelId: CH, reason: "insecure_context" });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("refuses to start when the socket is not ready", () => {
    const { conn, talk } = setup();
    conn.ok = false;
    talk.press(CH);
    expect(getLive().talk).toBeNull();
    expect(getLive().denial).toMatchObject({ reason: "not_subscribed" });
  });
});
