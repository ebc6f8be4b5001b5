/**
 * What the gateway reports about its work, through a sink it is given (observability/metrics.ts
 * implements it over Prometheus). The counters are plain integer fields the gateway bumps in
 * place — on the audio path that is all it pays — and the sink reads them at scrape time.
 */
export interface RealtimeMetrics {
  /** Binary audio frames received from local speakers. */
  framesIn: number;
  /** Audio frames written to listener sockets (one per listener), local and from other nodes. */
  framesDelivered: number;
  /** Audio frames dropped: malformed, of a stream the sender does not hold, or never proven. */
  framesDropped: number;
  /** Audio frames held back until the floor store confirmed the speaker's lease. */
  framesHeld: number;
  /** Push-to-talk transmissions granted on this node. */
  transmissions: number;
  /** Sockets closed (4429) because they could not keep up with what they were sent. */
  slowClosed: number;
  /** Seconds one audio frame took from its arrival here until written to every local listener. */
  observeRelay(seconds: number): void;
}
