import "./zod-config";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { installAudioUnlock } from "./audio/audio-context";
import { installUserGains } from "./console/user-gains";
import { registerServiceWorker } from "./pwa/register-sw";
import { startRealtime } from "./realtime/realtime";
import { startSavedState } from "./state/saved-state";
import "./styles.css";

// Before the first render and the socket: what the app last knew shows at once, online or not.
startSavedState();
startRealtime();
installAudioUnlock();
installUserGains();
registerServiceWorker();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
