/**
 * Browsers keep audio output off until the user touches the page. A steward who opens the app and
 * pockets the phone would hear nothing, so say so, and offer the tap that turns sound on.
 */
import { useEffect, useState } from "react";
import { audioContext, unlockAudio } from "../audio/audio-context";

export function AudioUnlockBanner() {
  const [state, setState] = useState<AudioContextState>(() => audioContext().state);
  useEffect(() => {
    const ctx = audioContext();
    const update = () => setState(ctx.state);
    ctx.addEventListener("statechange", update);
    update();
    return () => ctx.removeEventListener("statechange", update);
  }, []);
  if (state !== "suspended") return null;
  return (
    <div className="banner warn" role="status">
      <span>Sound is off until you tap the page.</span>
      <button type="button" className="btn small" onClick={() => unlockAudio()}>
        Turn sound on
      </button>
    </div>
  );
}
