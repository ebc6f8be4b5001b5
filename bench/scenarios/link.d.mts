// Types of link.mjs for TypeScript callers (the link smoke test in `npm test`).

export interface LinkPlan {
  profiles: string[];
  runs: number;
  speechMs: number;
  drainMs: number;
  quietWaitMs: number;
  impair: "listener" | "speaker" | "both";
  /** `name:webDistDir,…`; undefined = today's baseline beside apps/web/dist. */
  builds?: string;
}

export interface EmulatorCounters {
  packets?: number;
  lost?: number;
  accepted?: number;
}

export interface LinkRun {
  error?: string;
  onsets: number;
  onsetsHeard: number;
  latencyMs: { p50: number | null; p95: number | null; max: number | null };
  correlation: number | null;
  playedPct: number | null;
  silence: { runs: number; seconds: number; secondsPer30s: number };
  counters: {
    framesSent: number;
    framesReceived: number;
    framesPlayed: number;
    framesDropped: number;
  } | null;
  emulators: Record<string, { up?: EmulatorCounters; down?: EmulatorCounters }>;
}

export interface LinkResult {
  skipped?: string;
  results: { build: string; profile: string; runs: LinkRun[]; error?: string }[];
}

export function linkScenario(plan: LinkPlan, cleanups: (() => unknown)[]): Promise<LinkResult>;
