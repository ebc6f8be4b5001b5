/**
 * "Press your button": shows, live, what a headset, Bluetooth PTT button or keyboard sends when
 * pressed — its key, down or up, and what the app will do with it — and offers to learn it as the
 * talk key. Buttons that pretend to be a keyboard send Enter, a volume key or a media key.
 */
import { useEffect, useState } from "react";
import { isMediaToggle, keyId, matchesKey } from "../../pocket/headset-keys";
import { keyLabel, useSettings } from "../../settings/settings-store";

interface Seen {
  key: string;
  down: boolean;
  media: boolean;
}

const isField = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

function useLastKey(): Seen | null {
  const pttKey = useSettings((s) => s.pttKey);
  const [seen, setSeen] = useState<Seen | null>(null);
  useEffect(() => {
    const on = (down: boolean) => (e: KeyboardEvent) => {
      if (isField(e.target) || e.code === "Tab" || e.repeat) return;
      setSeen({ key: keyId(e), down, media: isMediaToggle(e, pttKey) });
    };
    const kd = on(true);
    const ku = on(false);
    window.addEventListener("keydown", kd);
    window.addEventListener("keyup", ku);
    return () => {
      window.removeEventListener("keydown", kd);
      window.removeEventListener("keyup", ku);
    };
  }, [pttKey]);
  return seen;
}

function verdict(seen: Seen, pttKey: string): string {
  if (matchesKey({ code: seen.key, key: seen.key }, pttKey)) return "your talk key";
  if (seen.media) return "a media key: starts and stops talking";
  return "not used yet";
}

export function ButtonTester() {
  const pttKey = useSettings((s) => s.pttKey);
  const update = useSettings((s) => s.update);
  const seen = useLastKey();
  const learnable = seen && seen.key !== pttKey && !seen.media && seen.key !== "Escape";
  return (
    <div className="field">
      <span className="strong" id="tester-label">
        Press your button
      </span>
      <span className="hint">
        Headset, Bluetooth PTT button or keyboard: press it here to see what it sends. Media keys and headset
        buttons always start and stop talking.
      </span>
      <div className="row">
        <output
          className="button-tester"
          aria-labelledby="tester-label"
          data-testid="button-tester"
          data-down={seen?.down ? "true" : "false"}
        >
          {seen ? (
            <>
              <span className="kbd">{keyLabel(seen.key)}</span> {seen.down ? "pressed" : "released"} ·{" "}
              {verdict(seen, pttKey)}
            </>
          ) : (
            "Waiting for a press…"
          )}
        </output>
        {learnable && (
          <button type="button" className="btn small" onClick={() => update({ pttKey: seen.key })}>
            Use {keyLabel(seen.key)} to talk
          </button>
        )}
      </div>
    </div>
  );
}
