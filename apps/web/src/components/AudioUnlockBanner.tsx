/**
 * Browsers keep audio output off until the user touches the page. A steward who opens the app and
 * pockets the phone would hear nothing, so say so, and offer the tap that turns sound on.
 */
import { useEffect, useState } from "react";
import { audioContext, onAudioMissed, unlockAudio } from "../audio/audio-context";

export function AudioUnlockBanner() {
  const [state, setState] = useState<AudioContextState>(() => audioContext().state);
  // Someone's voice arrived and could not play: say so more urgently.
  const [missed, setMissed] = useState(false);
  useEffect(() => {
    const ctx = audioContext();
    const update = () => {
      setState(ctx.state);
      if (ctx.state === "running") setMissed(false);
    };
    ctx.addEventListener("statechange", update);
    const off = onAudioMissed(() => {
      setState(ctx.state);
      setMissed(true);
    });
    update();
    return () => {
      ctx.removeEventListener("statechange", update);
      off();
    };
  }, []);
  if (state === "running" || state === "closed") return null;
  return (
    <div className="banner warn" role="status" data-testid="audio-unlock">
      <span>
        {missed
          ? "Someone is talking but sound is off — tap to enable sound."
          : "Sound is off until you tap the page."}
      </span>
      <button type="button" className="btn small" onClick={() => unlockAudio()}>
        Turn sound on
      </button>
    </div>
  );
}
