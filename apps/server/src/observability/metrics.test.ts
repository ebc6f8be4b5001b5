import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { encodeAudioFrame } from "@won/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Backing,
  createBacking,
  eventually,
  MODES,
  startApp,
  type TestApp,
  type TestUser,
  WsClient,
} from "../test/harness.js";

/** A valid 20 ms CELT silence packet (RFC 6716 TOC 0xf8: fullband, 20 ms, mono, one frame). */
const OPUS_SILENCE = new Uint8Array([0xf8, 0xff, 0xfe]);

/** The value of one sample in Prometheus text, matched by name and a subset of its labels. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return undefined;
}

describe.each(MODES)("GET /metrics (%s)", (mode) => {
  let backing: Backing;
  let app: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let channelId: string;
  const open: WsClient[] = [];

  const scrape = async () => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  beforeAll(async () => {
    backing = await createBacking(mode);
    app = await startApp(backing);
    [alice, bob] = await Promise.all([app.api.user(), app.api.user()]);
    const ch = await app.api.post("/channels", { name: "Stage" }, alice.token);
    channelId = ch.body.id;
    await app.api.post("/join", { code: ch.body.inviteCode }, bob.token);
  });

  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
  });

  it("exposes process metrics, build info and dependency health", async () => {
    const text = await scrape();
    expect(sample(text, "won_process_cpu_user_seconds_total")).toBeGreaterThan(0);
    expect(sample(text, "won_nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(
      sample(text, "won_build_info", {
        mode,
        database: mode === "embedded" ? "sqlite" : "mysql",
        engines: mode === "embedded" ? "memory" : "redis",
      }),
    ).toBe(1);
    expect(sample(text, "won_dependency_up", { dependency: "database" })).toBe(1);
    expect(sample(text, "won_dependency_up", { dependency: "broker" })).toBe(1);
    // One registry per app: no duplicate metric families in the output.
    const families = text.split("\n").filter((l) => l.startsWith("# TYPE "));
    expect(new Set(families).size).toBe(families.length);
  });

  it("serves every metric the sample Grafana dashboard (deploy/grafana) queries", async () => {
    const dashboard = readFileSync(
      resolve(import.meta.dirname, "../../../../deploy/grafana/operation-won.json"),
      "utf8",
    );
    const used = new Set([...dashboard.matchAll(/\bwon_[a-z0-9_]+/g)].map((m) => m[0]));
    expect(used.size).toBeGreaterThan(5);
    const families = new Set(
      (await scrape())
        .split("\n")
        .filter((l) => l.startsWith("# TYPE "))
        .map((l) => l.split(" ")[2]),
    );
    const missing = [...used].filter(
      (n) => !families.has(n) && !families.has(n.replace(/_(bucket|count|sum)$/, "")),
    );
    expect(missing).toEqual([]);
  });

  it("times HTTP requests by route pattern, method and status", async () => {
    const route = "/api/v1/channels/:channelId/messages";
    const labels = { method: "POST", route, status: "201" };
    const before = await scrape();
    const base = sample(before, "won_http_request_duration_seconds_count", labels) ?? 0;
    for (let i = 0; i < 3; i++) {
      const res = await app.api.post(
        `/channels/${channelId}/messages`,
        { body: `hello ${i}`, clientId: `m-${Date.now()}-${i}` },
        alice.token,
      );
      expect(res.status).toBe(201);
    }
    await app.api.get("/api/v1/no-such-route");
    const after = await scrape();
    expect(sample(after, "won_http_request_duration_seconds_count", labels)).toBe(base + 3);
    expect(sample(after, "won_http_request_duration_seconds_sum", labels)).toBeGreaterThan(0);
    expect(
      sample(after, "won_http_request_duration_seconds_count", {
        method: "GET",
        route: "unmatched",
        status: "404",
      }),
    ).toBeGreaterThanOrEqual(1);
    // Ids never become label values.
    expect(after).not.toContain(channelId);
  });

  it("counts connections, subscriptions, transmissions and relayed and dropped frames", async () => {
    const before = await scrape();
    const read = (text: string, name: string) => sample(text, name) ?? 0;

    const speaker = await WsClient.connect(app.wsUrl, alice.token);
    const listener = await WsClient.connect(app.wsUrl, bob.token);
    open.push(speaker, listener);
    await speaker.subscribe(channelId);
    await listener.subscribe(channelId);

    const during = await scrape();
    expect(read(during, "won_ws_connections")).toBe(read(before, "won_ws_connections") + 2);
    expect(read(during, "won_ws_subscriptions")).toBe(read(before, "won_ws_subscriptions") + 2);
    expect(read(during, "won_channels_active")).toBeGreaterThanOrEqual(1);

    speaker.send({ type: "ptt.start", channelId });
    const { streamId } = await speaker.next("ptt.granted");
    const frames = 10;
    for (let seq = 0; seq < frames; seq++) speaker.sendBinary(encodeAudioFrame(streamId, seq, OPUS_SILENCE));
    await eventually(() => listener.frames.length >= frames, 5_000, "frames at the listener");
    // A frame of a stream the speaker does not hold is dropped.
    speaker.sendBinary(encodeAudioFrame((streamId + 1) >>> 0 || 1, 0, OPUS_SILENCE));
    await speaker.next("error", (m) => m.code === "not_floor_holder");
    speaker.send({ type: "ptt.stop", channelId });
    await speaker.next("ptt.stopped");

    const after = await scrape();
    const delta = (name: string) => read(after, name) - read(before, name);
    expect(delta("won_transmissions_total")).toBe(1);
    expect(delta("won_audio_frames_in_total")).toBe(frames + 1);
    expect(delta("won_audio_frames_delivered_total")).toBe(frames);
    expect(delta("won_audio_frames_dropped_total")).toBe(1);
    // Nothing lagged here: no frame waited for the lease.
    expect(delta("won_audio_frames_held_total")).toBe(0);
    expect(after).toContain("# TYPE won_audio_frames_held_total counter");
    expect(after).toContain("# TYPE won_audio_frames_in_total counter");
    expect(after).toContain("# TYPE won_ws_slow_closed_total counter");
    // Every relayed frame (the speaker's 10 here) is timed.
    expect(delta("won_audio_relay_duration_seconds_count")).toBe(frames);
    expect(read(after, "won_audio_relay_duration_seconds_sum")).toBeGreaterThan(0);

    speaker.close();
    listener.close();
    await Promise.all([speaker.closed, listener.closed]);
    await eventually(
      async () => read(await scrape(), "won_ws_connections") === read(before, "won_ws_connections"),
      5_000,
      "connections gauge to drop back",
    );
  });
});
