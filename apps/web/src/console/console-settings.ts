/**
 * The console's settings, per user and per device: each channel's volume, position, mute and
 * priority, the ducking depth, per-person volumes, and the last message seen on each channel.
 * They live in localStorage under a key that names the user, so a desk shared at shift change
 * keeps each dispatcher's own mix. Parsing is forgiving: anything unreadable falls back to the
 * defaults rather than breaking the console.
 */
import { create } from "zustand";
import { MAX_DB, MIN_DB, type PanPosition } from "./mix-math";

export interface ChannelMix {
  /** dB; 0 is unity, {@link MIN_DB} and below is silence. */
  volumeDb: number;
  pan: PanPosition;
  muted: boolean;
  /** While this channel is live, the others are ducked. */
  priority: boolean;
}

export interface ConsoleSettings {
  channels: Record<string, ChannelMix>;
  /** How far the other channels drop while a priority channel is live (dB, positive). */
  duckDb: number;
  /** Volume per speaker (dB), applied wherever that person is heard. */
  userGains: Record<string, number>;
  /** Highest seq seen per channel: later messages from others count as unread. */
  lastSeen: Record<string, number>;
}

export const DEFAULT_MIX: ChannelMix = { volumeDb: 0, pan: "centre", muted: false, priority: false };
export const DEFAULT_DUCK_DB = 12;
export const EMPTY_CONSOLE: ConsoleSettings = {
  channels: {},
  duckDb: DEFAULT_DUCK_DB,
  userGains: {},
  lastSeen: {},
};

/** The localStorage key of one user's console settings. */
export const storageKey = (userId: string) => `won.console.v1.${userId}`;

const clampDb = (v: unknown, fallback: number) =>
  typeof v === "number" && Number.isFinite(v) ? Math.min(MAX_DB, Math.max(MIN_DB, v)) : fallback;
/** Deepest ducking offered (dB): beyond it a ducked channel is as good as muted. */
export const MAX_DUCK_DB = 40;
const clampDuck = (v: unknown) =>
  typeof v === "number" && Number.isFinite(v) ? Math.min(MAX_DUCK_DB, Math.abs(v)) : DEFAULT_DUCK_DB;
const isPan = (v: unknown): v is PanPosition => v === "left" || v === "centre" || v === "right";

function parseMix(v: unknown): ChannelMix {
  const o = (v ?? {}) as Partial<Record<keyof ChannelMix, unknown>>;
  return {
    volumeDb: clampDb(o.volumeDb, 0),
    pan: isPan(o.pan) ? o.pan : "centre",
    muted: o.muted === true,
    priority: o.priority === true,
  };
}

function numbers(v: unknown, clamp: (n: unknown) => number | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!v || typeof v !== "object") return out;
  for (const [k, n] of Object.entries(v)) {
    const c = clamp(n);
    if (c !== null) out[k] = c;
  }
  return out;
}

/** Reads stored settings; malformed or missing parts take their defaults. */
export function parseConsoleSettings(raw: string | null): ConsoleSettings {
  let o: Record<string, unknown> = {};
  try {
    const v = raw ? JSON.parse(raw) : {};
    if (v && typeof v === "object") o = v as Record<string, unknown>;
  } catch {
    /* unreadable: defaults */
  }
  const channels: Record<string, ChannelMix> = {};
  if (o.channels && typeof o.channels === "object")
    for (const [id, m] of Object.entries(o.channels)) channels[id] = parseMix(m);
  return {
    channels,
    duckDb: clampDuck(o.duckDb),
    userGains: numbers(o.userGains, (n) => (typeof n === "number" ? clampDb(n, 0) : null)),
    lastSeen: numbers(o.lastSeen, (n) => (typeof n === "number" && Number.isInteger(n) ? n : null)),
  };
}

/** The mix of a channel, defaults if never set. */
export const mixOf = (s: ConsoleSettings, channelId: string): ChannelMix =>
  s.channels[channelId] ?? DEFAULT_MIX;

type KeyValueStore = Pick<Storage, "getItem" | "setItem">;

interface ConsoleStore extends ConsoleSettings {
  /** Whose settings are loaded ("" before anyone signed in). */
  userId: string;
}

const browserStorage = (): KeyValueStore | null =>
  typeof localStorage === "undefined" ? null : localStorage;

export const useConsoleSettings = create<ConsoleStore>(() => ({ userId: "", ...EMPTY_CONSOLE }));

/** Settings operations bound to a storage; the app uses localStorage, tests a stand-in. */
export function consoleSettingsActions(storage: () => KeyValueStore | null = browserStorage) {
  const { getState, setState } = useConsoleSettings;
  const save = () => {
    const { userId, ...s } = getState();
    if (userId) storage()?.setItem(storageKey(userId), JSON.stringify(s));
  };
  const patch = (fn: (s: ConsoleSettings) => Partial<ConsoleSettings>) => {
    setState((s) => fn(s));
    save();
  };
  return {
    /** Loads `userId`'s settings, unless they are the ones loaded. */
    useUser(userId: string) {
      if (getState().userId === userId) return;
      setState({
        userId,
        ...parseConsoleSettings(userId ? (storage()?.getItem(storageKey(userId)) ?? null) : null),
      });
    },
    setMix(channelId: string, change: Partial<ChannelMix>) {
      patch((s) => ({ channels: { ...s.channels, [channelId]: { ...mixOf(s, channelId), ...change } } }));
    },
    setDuckDb(db: number) {
      patch(() => ({ duckDb: clampDuck(db) }));
    },
    setUserGain(userId: string, db: number) {
      patch((s) => ({ userGains: { ...s.userGains, [userId]: clampDb(db, 0) } }));
    },
    markSeen(channelId: string, seq: number) {
      if ((getState().lastSeen[channelId] ?? -1) >= seq) return;
      patch((s) => ({ lastSeen: { ...s.lastSeen, [channelId]: seq } }));
    },
  };
}

export const consoleSettings = consoleSettingsActions();
