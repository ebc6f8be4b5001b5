/** Device settings: microphone, PTT mode and key, tones, auto-play of missed transmissions, theme; sign out. */
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { listMicrophones } from "../audio/mic-capture";
import { useSessionStore } from "../auth/session";
import { keyLabel, type PttMode, type Theme, useSettings } from "../settings/settings-store";
import { useSignOut } from "../state/queries/me";

function Segmented<T extends string>({
  name,
  value,
  options,
  onChange,
  label,
}: {
  name: string;
  value: T;
  options: [T, string][];
  onChange: (v: T) => void;
  label: string;
}) {
  return (
    <fieldset className="plain-fieldset">
      <legend>{label}</legend>
      <div className="segmented">
        {options.map(([v, text]) => (
          <label key={v}>
            <input type="radio" name={name} value={v} checked={value === v} onChange={() => onChange(v)} />
            {text}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

function Switch({
  label,
  hint,
  checked,
  onChange,
}: {
  label: string;
  hint?: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <label className="switch">
      <span>
        <span className="strong">{label}</span>
        {hint && <span className="muted small block">{hint}</span>}
      </span>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
    </label>
  );
}

export function SettingsScreen() {
  const s = useSettings();
  const user = useSessionStore((x) => x.session?.user);
  const [mics, setMics] = useState<MediaDeviceInfo[]>([]);
  const [capturing, setCapturing] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const signOut = useSignOut();
  const navigate = useNavigate();

  useEffect(() => {
    void listMicrophones().then(setMics);
  }, []);

  useEffect(() => {
    if (!capturing) return;
    const onKey = (e: KeyboardEvent) => {
      e.preventDefault();
      if (e.code !== "Escape" && e.code !== "Tab") s.update({ pttKey: e.code });
      setCapturing(false);
    };
    window.addEventListener("keydown", onKey, { once: true, capture: true });
    return () => window.removeEventListener("keydown", onKey, { capture: true });
  }, [capturing, s]);

  async function doSignOut() {
    setSigningOut(true);
    await signOut();
    navigate("/signin", { replace: true });
  }

  return (
    <main id="main" className="main narrow">
      <h1>Settings</h1>
      <section className="card" aria-labelledby="audio-title">
        <h2 id="audio-title">Talking</h2>
        <div className="field">
          <label htmlFor="mic">Microphone</label>
          <select id="mic" value={s.micDeviceId} onChange={(e) => s.update({ micDeviceId: e.target.value })}>
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
        <Segmented<PttMode>
          name="pttMode"
          label="Talk button"
          value={s.pttMode}
          options={[
            ["hold", "Hold to talk"],
            ["toggle", "Tap on / tap off"],
          ]}
          onChange={(v) => s.update({ pttMode: v })}
        />
        <div className="field">
          <span className="strong" id="pttkey-label">
            Talk key
          </span>
          <div className="row">
            <span className="kbd">{keyLabel(s.pttKey)}</span>
            <button
              type="button"
              className="btn small"
              onClick={() => setCapturing(true)}
              aria-describedby="pttkey-label"
            >
              {capturing ? "Press a key… (Esc cancels)" : "Change"}
            </button>
            {s.pttKey !== "Space" && (
              <button type="button" className="btn small ghost" onClick={() => s.update({ pttKey: "Space" })}>
                Reset to Space
              </button>
            )}
          </div>
        </div>
        <Switch
          label="Talk-permit and end tones"
          hint="A chirp when you may speak, a blip when you stop"
          checked={s.tones}
          onChange={(v) => s.update({ tones: v })}
        />
        <Switch
          label="Auto-play missed transmissions"
          hint="After a reconnect, play what you missed, oldest first"
          checked={s.autoPlayMissed}
          onChange={(v) => s.update({ autoPlayMissed: v })}
        />
      </section>
      <section className="card" aria-labelledby="look-title">
        <h2 id="look-title">Appearance</h2>
        <Segmented<Theme>
          name="theme"
          label="Theme"
          value={s.theme}
          options={[
            ["system", "System"],
            ["light", "Light"],
            ["dark", "Dark"],
          ]}
          onChange={(v) => s.update({ theme: v })}
        />
      </section>
      {user && (
        <section className="card" aria-labelledby="account-title">
          <h2 id="account-title">Account</h2>
          <p>
            Signed in as <strong>{user.displayName}</strong> <span className="muted">@{user.username}</span>
          </p>
          <button
            type="button"
            className="btn danger block"
            onClick={doSignOut}
            disabled={signingOut}
            data-testid="sign-out"
          >
            {signingOut ? "Signing out…" : "Sign out"}
          </button>
        </section>
      )}
    </main>
  );
}
