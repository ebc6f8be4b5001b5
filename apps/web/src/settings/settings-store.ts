/** Per-device preferences, persisted in localStorage. */
import { create } from "zustand";
import { persist } from "zustand/middleware";

export type Theme = "system" | "light" | "dark";
export type PttMode = "hold" | "toggle";

export interface Settings {
  /** MediaDeviceInfo.deviceId of the chosen microphone; "" = system default. */
  micDeviceId: string;
  pttMode: PttMode;
  /** KeyboardEvent.code of the talk key. */
  pttKey: string;
  tones: boolean;
  autoPlayMissed: boolean;
  theme: Theme;
  /** Channels listened to in the background while another channel is open. */
  monitored: string[];
  /** A chirp and a buzz when someone starts talking on a channel I listen to. */
  incomingCue: boolean;
  /** Channels whose incoming chirp is muted (their voice still plays). */
  cueMuted: string[];
  /** A short beep sent at the end of my own transmission, so listeners hear I am done. */
  rogerBeep: boolean;
  /** While the app is hidden, a notification names who talks on which channel. */
  hiddenNotify: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  micDeviceId: "",
  pttMode: "hold",
  pttKey: "Space",
  tones: true,
  autoPlayMissed: false,
  theme: "system",
  monitored: [],
  incomingCue: true,
  cueMuted: [],
  rogerBeep: false,
  hiddenNotify: true,
};

interface SettingsStore extends Settings {
  update: (patch: Partial<Settings>) => void;
  toggleMonitored: (channelId: string) => void;
}

export const useSettings = create<SettingsStore>()(
  persist(
    (set, get) => ({
      ...DEFAULT_SETTINGS,
      update: (patch) => set(patch),
      toggleMonitored: (id) => {
        const cur = get().monitored;
        set({ monitored: cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id] });
      },
    }),
    { name: "won.settings.v1" },
  ),
);

export const getSettings = () => useSettings.getState();

/**
 * Drops what belonged to the user who signs out, keeping the device's own preferences
 * (microphone, talk key and mode, tones, theme): on a phone handed over at shift change the
 * next user must not inherit the last one's monitored channels.
 */
export function forgetUserSettings(): void {
  useSettings.getState().update({ monitored: [], cueMuted: [] });
}

/** A readable name for a KeyboardEvent.code ("Space", "KeyT" → "T", "F8"). */
export function keyLabel(code: string): string {
  if (code.startsWith("Key")) return code.slice(3);
  if (code.startsWith("Digit")) return code.slice(5);
  if (code.startsWith("AudioVolume")) return `Volume ${code.slice(11)}`;
  if (code.startsWith("Media")) return code.slice(5).replace(/([a-z])([A-Z])/g, "$1 $2");
  return code.replace(/(Left|Right)$/, " $1").trim();
}
