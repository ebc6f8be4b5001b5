/** "In your pocket": the incoming chirp, the roger beep, and notifications while the app is hidden. */
import { useState } from "react";
import { useSettings } from "../../settings/settings-store";
import { Switch } from "./controls";

function NotifyPermission() {
  const [permission, setPermission] = useState(() =>
    typeof Notification === "undefined" ? "unsupported" : Notification.permission,
  );
  if (permission === "granted") return null;
  if (permission === "unsupported")
    return (
      <p className="hint">This browser shows no notifications (on iPhone: add the app to the Home Screen).</p>
    );
  if (permission === "denied")
    return (
      <p className="hint">
        Notifications are blocked for this site; allow them in the browser's site settings.
      </p>
    );
  return (
    <button
      type="button"
      className="btn small"
      onClick={() => void Notification.requestPermission().then(setPermission)}
    >
      Allow notifications
    </button>
  );
}

export function PocketSettings() {
  const incomingCue = useSettings((s) => s.incomingCue);
  const rogerBeep = useSettings((s) => s.rogerBeep);
  const hiddenNotify = useSettings((s) => s.hiddenNotify);
  const update = useSettings((s) => s.update);
  return (
    <section className="card" aria-labelledby="pocket-title">
      <h2 id="pocket-title">In your pocket</h2>
      <Switch
        label="Chirp when someone starts talking"
        hint="A short chirp and buzz on every channel you listen to; mute it per channel on the channel screen"
        checked={incomingCue}
        onChange={(v) => update({ incomingCue: v })}
      />
      <Switch
        label="Roger beep"
        hint="A short beep sent at the end of your transmission, so others hear you are done"
        checked={rogerBeep}
        onChange={(v) => update({ rogerBeep: v })}
      />
      <Switch
        label="Notify me while the app is in the background"
        hint="Who is talking on which channel, one notice per channel; tap it to open the channel"
        checked={hiddenNotify}
        onChange={(v) => update({ hiddenNotify: v })}
      />
      {hiddenNotify && <NotifyPermission />}
    </section>
  );
}
