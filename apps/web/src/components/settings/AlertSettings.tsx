/**
 * "Alerts when the app is closed": Web Push for this device. Each state says what it means and,
 * when something blocks it, what to do about it.
 */
import { useEffect, useState } from "react";
import { disablePush, enablePush, type PushState, pushState } from "../../push/web-push";
import { Switch } from "./controls";

const HINT: Record<PushState, string> = {
  unsupported:
    "This browser cannot receive notifications while closed. On an iPhone, add Operation Won to the Home Screen first.",
  "off-on-server": "This server does not send notifications.",
  denied: "Notifications are blocked for this site: allow them in the browser's site settings.",
  disabled: "An SOS or an unanswered alert notifies this device when Operation Won is closed or hidden",
  enabled: "An SOS or an unanswered alert notifies this device when Operation Won is closed or hidden",
};

export function AlertSettings() {
  const [state, setState] = useState<PushState | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void pushState().then(setState);
  }, []);

  const change = async (on: boolean) => {
    setBusy(true);
    setError(null);
    try {
      setState(await (on ? enablePush() : disablePush()));
    } catch (e) {
      setError(e instanceof Error ? e.message : "Could not change notifications");
    } finally {
      setBusy(false);
    }
  };

  if (!state) return null;
  const usable = state === "enabled" || state === "disabled";
  return (
    <section className="card" aria-labelledby="alerts-title" aria-busy={busy}>
      <h2 id="alerts-title">Alerts</h2>
      {usable ? (
        <Switch
          label="Notify me when the app is closed"
          hint={HINT[state]}
          checked={state === "enabled"}
          onChange={(on) => void change(on)}
        />
      ) : (
        <p className="muted">{HINT[state]}</p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
