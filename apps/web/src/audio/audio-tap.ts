/**
 * Counters of the audio path, exposed as `window.__wonAudio` so end-to-end tests (and a curious
 * steward with devtools) can see that audio really flows: frames captured/sent, frames received,
 * decoded and played, and the signal energy on both sides.
 */
export interface AudioTap {
  capturedBlocks: number;
  capturedSumSq: number;
  capturedSamples: number;
  framesSent: number;
  framesReceived: number;
  framesDecoded: number;
  /** Audio decoded (48 kHz samples): frames may be 20, 40 or 60 ms. */
  decodedSamples: number;
  /** Frames the decoder could not make audio of (counted as lost by the playout). */
  framesUndecodable: number;
  framesPlayed: number;
  framesDropped: number;
  /** Dropped frames by reason (overflow: more than the playout's cap was queued). */
  dropReasons: Record<string, number>;
  /** Times a live stream's queue ran dry while it was live. */
  underruns: number;
  /** Silent frames skipped to bring the delay down (no speech lost). */
  framesSkippedSilent: number;
  /** Silence played because audio was late (ms, all streams). */
  concealedMs: number;
  /** Audio removed to bring the delay down: silence skipped and pitch periods taken out (ms). */
  compressedMs: number;
  /** Audio added by playing pitch periods twice while a stall drained the queue (ms). */
  stretchedMs: number;
  /** The playout delay the last report aimed at, and the output latency of the context (ms). */
  playoutTargetMs: number;
  outputLatencyMs: number;
  /** The last lateness floor a playout reported, and the `audio.late` reports sent. */
  latenessFloorMs: number;
  lateReports: number;
  /** `ptt.congested` received for our own transmissions. */
  congestedReports: number;
  /** Decoded frames not played because the audio context was not running (sound still locked). */
  framesMissedSuspended: number;
  playedSumSq: number;
  playedSamples: number;
  streamsStarted: number;
  streamsEnded: number;
  recordingsPlayed: number;
  /** Missed transmissions put in the replay queue (auto-play of missed transmissions). */
  recordingsQueued: number;
  /** Pocket cues triggered, by name (incoming, cutOff, directCall, stillLive). */
  cues: Record<string, number>;
  decoder: string;
  /** The encoder of the last transmission: "webcodecs" or "wasm". */
  encoder: string;
  /** The profile the microphone is encoded with (link-adapt.ts) and the last ping's RTT (ms). */
  frameMs: number;
  bitrate: number;
  rttMs: number;
}

export const tap: AudioTap = {
  capturedBlocks: 0,
  capturedSumSq: 0,
  capturedSamples: 0,
  framesSent: 0,
  framesReceived: 0,
  framesDecoded: 0,
  decodedSamples: 0,
  framesUndecodable: 0,
  framesPlayed: 0,
  framesDropped: 0,
  dropReasons: {},
  underruns: 0,
  framesSkippedSilent: 0,
  concealedMs: 0,
  compressedMs: 0,
  stretchedMs: 0,
  playoutTargetMs: 0,
  outputLatencyMs: 0,
  latenessFloorMs: 0,
  lateReports: 0,
  congestedReports: 0,
  framesMissedSuspended: 0,
  playedSumSq: 0,
  playedSamples: 0,
  streamsStarted: 0,
  streamsEnded: 0,
  recordingsPlayed: 0,
  recordingsQueued: 0,
  cues: {},
  decoder: "",
  encoder: "",
  frameMs: 20,
  bitrate: 24_000,
  rttMs: 0,
};

export function sumSquares(pcm: Float32Array): number {
  let s = 0;
  for (let i = 0; i < pcm.length; i++) s += pcm[i]! * pcm[i]!;
  return s;
}

(globalThis as { __wonAudio?: AudioTap }).__wonAudio = tap;
