import "./zod-config";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { installAudioUnlock } from "./audio/audio-context";
import { registerServiceWorker } from "./pwa/register-sw";
import { startRealtime } from "./realtime/realtime";
import "./styles.css";

startRealtime();
installAudioUnlock();
registerServiceWorker();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
