/** The "Talking" settings: microphone, hold or toggle, the talk key, tones, auto-play of missed transmissions. */
import { useEffect, useState } from "react";
import { listMicrophones } from "../../audio/mic-capture";
import { keyId } from "../../pocket/headset-keys";
import { keyLabel, type PttMode, useSettings } from "../../settings/settings-store";
import { ButtonTester } from "./ButtonTester";
import { Segmented, Switch } from "./controls";

export function TalkingSettings() {
  const pttMode = useSettings((s) => s.pttMode);
  const tones = useSettings((s) => s.tones);
  const autoPlayMissed = useSettings((s) => s.autoPlayMissed);
  const update = useSettings((s) => s.update);
  return (
    <section className="card" aria-labelledby="audio-title">
      <h2 id="audio-title">Talking</h2>
      <MicrophoneField />
      <Segmented<PttMode>
        name="pttMode"
        label="Talk button"
        value={pttMode}
        options={[
          ["hold", "Hold to talk"],
          ["toggle", "Tap on / tap off"],
        ]}
        onChange={(v) => update({ pttMode: v })}
      />
      <TalkKeyField />
      <ButtonTester />
      <Switch
        label="Talk-permit and end tones"
        hint="A chirp when you may speak, a blip when you stop"
        checked={tones}
        onChange={(v) => update({ tones: v })}
      />
      <Switch
        label="Auto-play missed transmissions"
        hint="After a reconnect, play what you missed, oldest first"
        checked={autoPlayMissed}
        onChange={(v) => update({ autoPlayMissed: v })}
      />
    </section>
  );
}

/** The microphone to talk with; "" is the system default (the browser's own "default" entry is left out). */
function MicrophoneField() {
  const micDeviceId = useSettings((s) => s.micDeviceId);
  const update = useSettings((s) => s.update);
  const [mics, setMics] = useState<MediaDeviceInfo[]>([]);

  useEffect(() => {
    void listMicrophones().then(setMics);
  }, []);

  return (
    <div className="field">
      <label htmlFor="mic">Microphone</label>
      <select id="mic" value={micDeviceId} onChange={(e) => update({ micDeviceId: e.target.value })}>
        <option value="">System default</option>
        {mics
          .filter((m) => m.deviceId && m.deviceId !== "default")
          .map((m, i) => (
            <option key={m.deviceId} value={m.deviceId}>
              {m.label || `Microphone ${i + 1}`}
            </option>
          ))}
      </select>
      <span className="hint">The microphone is only open while you talk.</span>
    </div>
  );
}

/** The talk key, changed by pressing the new one. */
function TalkKeyField() {
  const pttKey = useSettings((s) => s.pttKey);
  const update = useSettings((s) => s.update);
  const [capturing, setCapturing] = useTalkKeyCapture();
  return (
    <div className="field">
      <span className="strong" id="pttkey-label">
        Talk key
      </span>
      <div className="row">
        <span className="kbd">{keyLabel(pttKey)}</span>
        <button
          type="button"
          className="btn small"
          onClick={() => setCapturing(true)}
          aria-describedby="pttkey-label"
        >
          {capturing ? "Press a key… (Esc cancels)" : "Change"}
        </button>
        {pttKey !== "Space" && (
          <button type="button" className="btn small ghost" onClick={() => update({ pttKey: "Space" })}>
            Reset to Space
          </button>
        )}
      </div>
    </div>
  );
}

/**
 * While capturing, the next key pressed anywhere is taken (before the page sees it) and becomes
 * the talk key. Escape and Tab end capturing without choosing, so neither can become the talk key.
 */
function useTalkKeyCapture() {
  const update = useSettings((s) => s.update);
  const [capturing, setCapturing] = useState(false);
  useEffect(() => {
    if (!capturing) return;
    const take = (e: KeyboardEvent) => {
      e.preventDefault();
      if (e.code !== "Escape" && e.code !== "Tab") update({ pttKey: keyId(e) });
      setCapturing(false);
    };
    window.addEventListener("keydown", take, { once: true, capture: true });
    return () => window.removeEventListener("keydown", take, { capture: true });
  }, [capturing, update]);
  return [capturing, setCapturing] as const;
}
