/** Applies the theme setting to <html data-theme> and the browser's theme-color. */
import { useEffect } from "react";
import { useSettings } from "../settings/settings-store";

export function useTheme() {
  const theme = useSettings((s) => s.theme);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    const dark =
      theme === "dark" || (theme === "system" && matchMedia("(prefers-color-scheme: dark)").matches);
    document.querySelector('meta[name="theme-color"]')?.setAttribute("content", dark ? "#141a2e" : "#1d4ed8");
  }, [theme]);
}
