import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      "@won/protocol": fileURLToPath(new URL("../../packages/protocol/src/index.ts", import.meta.url)),
    },
  },
  // One ~170 kB (gzip) bundle: react-dom, react-router, TanStack Query and zod (the shared protocol
  // validates every message). The WASM Opus fallbacks (decoder, encoder) are separate lazy chunks.
  build: { outDir: "dist", sourcemap: true, chunkSizeWarningLimit: 700 },
  server: { proxy: { "/api": { target: "http://127.0.0.1:8000", ws: true } } },
});
