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
  build: { outDir: "dist", sourcemap: true },
  server: { proxy: { "/api": { target: "http://127.0.0.1:8000", ws: true } } },
});
