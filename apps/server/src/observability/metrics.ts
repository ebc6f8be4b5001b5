/**
 * Prometheus metrics (`GET /metrics`, text exposition format 0.0.4).
 *
 * Each app has its own Registry, so several apps in one process (tests, multi-node suites) never
 * share or double-register a metric. Process metrics (CPU, memory, event-loop lag, GC) describe
 * the whole process, so they are collected once per process into a shared registry and appended
 * to every app's output.
 *
 * The realtime gateway is given a `RealtimeMeter` (its `RealtimeMetrics` sink): plain integer
 * counters it bumps in place, read here in `collect()` callbacks at scrape time, so the audio hot
 * path does no metric work beyond that and one histogram observation per relayed frame.
 * Dependency health is probed at scrape time with the same checks as `/readyz`.
 */
import type { FastifyPluginAsync } from "fastify";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { AppContext } from "../context.js";
import type { RealtimeMetrics } from "../realtime/metrics.js";

/** The gauges read from the realtime gateway at scrape time; `Realtime` satisfies it. */
export interface RealtimeGauges {
  readonly connectionCount: number;
  subscriptionCount(): number;
  channelCount(): number;
}

export const METRICS_PATH = "/metrics";
export const METRIC_PREFIX = "won_";

/** HTTP latency buckets in seconds: sub-millisecond API calls up to slow recording downloads. */
const HTTP_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Relay buckets in seconds: a frame to a handful of listeners takes microseconds. */
const RELAY_BUCKETS = [
  0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05,
];
/**
 * The gateway's metrics sink: counters as plain fields, and the relay histogram, registered into
 * the app's registry by `createAppMetrics`.
 */
export class RealtimeMeter implements RealtimeMetrics {
  framesIn = 0;
  framesDelivered = 0;
  framesDropped = 0;
  framesHeld = 0;
  transmissions = 0;
  slowClosed = 0;
  readonly relayDuration = new Histogram({
    name: `${METRIC_PREFIX}audio_relay_duration_seconds`,
    help: "Time from an audio frame's arrival on this instance (from the speaker or the broker) until it is written to every local listener socket.",
    buckets: RELAY_BUCKETS,
    registers: [],
  });

  observeRelay(seconds: number): void {
    this.relayDuration.observe(seconds);
  }
}

type RealtimeCounter = Exclude<keyof RealtimeMetrics, "observeRelay">;

/** How long a scrape waits for a dependency before reporting it down. */
const HEALTH_TIMEOUT_MS = 1_000;

let processRegistry: Registry | null = null;

/** The per-process registry of default Node.js metrics, created on first use. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: METRIC_PREFIX });
  }
  return processRegistry;
}

/**
 * Builds the app's registry: HTTP latency, realtime gauges and counters, dependency health and
 * build info. Returns the registry and the HTTP histogram the request hook observes.
 */
export function createAppMetrics(ctx: AppContext, getRealtime: () => RealtimeGauges, meter: RealtimeMeter) {
  const register = new Registry();
  const mode = ctx.config.database.kind === "sqlite" ? "embedded" : "production";

  new Gauge({
    name: `${METRIC_PREFIX}build_info`,
    help: "Always 1; labels describe this instance.",
    labelNames: ["mode", "database", "engines", "node_id"] as const,
    registers: [register],
    collect() {
      this.set(
        {
          mode,
          database: ctx.config.database.kind,
          engines: ctx.config.redis ? "redis" : "memory",
          node_id: ctx.engines.nodeId,
        },
        1,
      );
    },
  });

  const httpDuration = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: "HTTP request duration by route pattern, method and status code.",
    labelNames: ["method", "route", "status"] as const,
    buckets: HTTP_BUCKETS,
    registers: [register],
  });

  realtimeGauges(register, getRealtime);

  for (const [name, help, key] of REALTIME_COUNTERS) monotonic(register, name, help, () => meter[key]);

  new Gauge({
    name: `${METRIC_PREFIX}dependency_up`,
    help: "Whether a dependency answered its health check at scrape time (1) or not (0).",
    labelNames: ["dependency"] as const,
    registers: [register],
    async collect() {
      const { database, broker } = await ctx.checkDependencies(HEALTH_TIMEOUT_MS);
      this.set({ dependency: "database" }, database ? 1 : 0);
      this.set({ dependency: "broker" }, broker ? 1 : 0);
    },
  });

  register.registerMetric(meter.relayDuration);

  return { register, httpDuration };
}

/** Realtime counters: metric name, help, and the meter field it mirrors. */
const REALTIME_COUNTERS: [string, string, RealtimeCounter][] = [
  ["audio_frames_in_total", "Binary audio frames received from speakers.", "framesIn"],
  [
    "audio_frames_delivered_total",
    "Audio frames written to listener sockets (one per listener), local and relayed from other instances.",
    "framesDelivered",
  ],
  [
    "audio_frames_dropped_total",
    "Audio frames dropped: malformed, for a stream the sender does not hold, or held past the lease and never proven (see audio_frames_held_total).",
    "framesDropped",
  ],
  [
    "audio_frames_held_total",
    "Audio frames held back until the floor store confirmed the speaker's lease: this instance lagged by more than the lease.",
    "framesHeld",
  ],
  ["transmissions_total", "Push-to-talk transmissions granted on this instance.", "transmissions"],
  [
    "ws_slow_closed_total",
    "Sockets closed (4429) because their send queue overflowed: clients too slow to keep up.",
    "slowClosed",
  ],
];

/** Gauges read from the gateway at scrape time: sockets, subscriptions, channel topics held. */
function realtimeGauges(register: Registry, getRealtime: () => RealtimeGauges): void {
  new Gauge({
    name: `${METRIC_PREFIX}ws_connections`,
    help: "Open WebSocket connections on this instance (authenticated or not).",
    registers: [register],
    collect() {
      this.set(getRealtime().connectionCount);
    },
  });

  new Gauge({
    name: `${METRIC_PREFIX}ws_subscriptions`,
    help: "Channel subscriptions of the sockets on this instance.",
    registers: [register],
    collect() {
      this.set(getRealtime().subscriptionCount());
    },
  });

  new Gauge({
    name: `${METRIC_PREFIX}channels_active`,
    help: "Channels with at least one subscribed socket on this instance (= broker topics held).",
    registers: [register],
    collect() {
      this.set(getRealtime().channelCount());
    },
  });
}

/** A counter mirroring a monotonically increasing integer kept elsewhere. */
function monotonic(register: Registry, name: string, help: string, read: () => number): void {
  let seen = 0;
  new Counter({
    name: `${METRIC_PREFIX}${name}`,
    help,
    registers: [register],
    collect() {
      const now = read();
      if (now < seen) {
        // The source was reset (a new gateway): start over, as a restarted process would.
        this.reset();
        seen = 0;
      }
      this.inc(now - seen);
      seen = now;
    },
  });
}

/**
 * Fastify plugin: `GET /metrics` and an `onResponse` hook timing every request. It is not
 * encapsulated (`skip-override`, as `fastify-plugin` does), so the hook sees every route of the
 * app, whichever plugin declared it. Requests that matched no route are labelled
 * `route="unmatched"` so scanners cannot blow up the label set.
 *
 * Usage in buildApp: `await fastify.register(metricsPlugin(ctx, () => realtime, meter));`
 */
export function metricsPlugin(
  ctx: AppContext,
  getRealtime: () => RealtimeGauges,
  meter: RealtimeMeter,
): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (app) => {
    const { register, httpDuration } = createAppMetrics(ctx, getRealtime, meter);
    const shared = processMetrics();

    app.addHook("onResponse", async (request, reply) => {
      httpDuration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? "unmatched",
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });

    app.get(METRICS_PATH, { schema: { hide: true } }, async (_req, reply) => {
      const [own, proc] = await Promise.all([register.metrics(), shared.metrics()]);
      return reply.header("cache-control", "no-store").type(register.contentType).send(`${own}\n${proc}`);
    });
  };
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for("skip-override")] = true;
  return plugin;
}
