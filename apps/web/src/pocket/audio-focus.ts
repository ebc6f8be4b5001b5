/**
 * Holding the phone's audio focus so headset and Bluetooth buttons reach the app.
 *
 * A page receives Media Session actions (play, pause, togglemicrophone, hangup…) only while it is
 * the active media session, and browsers make a page that only when it plays media through a
 * media element: Web Audio output alone does not count. So a silent clip loops in an `<audio>`
 * element for as long as a channel is open. Autoplay rules let it start only from a user gesture,
 * hence `start` is called from the first tap or key press on a channel screen. The clip holds
 * digital silence at full volume rather than being muted: a muted element is not treated as
 * playing media and would not get the session.
 */

let element: HTMLAudioElement | null = null;
let url: string | null = null;

/** One second of 8 kHz 16-bit mono silence as a WAV file (header + zeros). */
function silentWav(): Blob {
  const rate = 8_000;
  const dataBytes = rate * 2;
  const buf = new ArrayBuffer(44 + dataBytes);
  const v = new DataView(buf);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i));
  };
  ascii(0, "RIFF");
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  ascii(36, "data");
  v.setUint32(40, dataBytes, true);
  return new Blob([buf], { type: "audio/wav" });
}

export const audioFocus = {
  /** Starts (or keeps) the silent loop. Call from a user gesture. */
  start(): void {
    if (!element) {
      url = URL.createObjectURL(silentWav());
      element = new Audio(url);
      element.loop = true;
      element.dataset.audioFocus = "true";
    }
    if (element.paused) void element.play().catch(() => {});
  },
  /** Stops the loop and gives the focus back (the channel screen closed). */
  stop(): void {
    element?.pause();
  },
};
