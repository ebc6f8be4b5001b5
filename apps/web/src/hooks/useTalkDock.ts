/**
 * On a phone the talk panel is a dock fixed to the bottom of the screen (styles.css). Its height
 * changes with what it shows (a priority toggle, a notice, the slim bar while writing), so it is
 * published as the `--talk-dock` CSS variable that the page's bottom padding and the composer's
 * sticky offset use. Where the panel is not fixed (a desktop's column) the variable is removed.
 */
import { type RefObject, useEffect } from "react";

const VAR = "--talk-dock";

export function useTalkDock(panel: RefObject<HTMLElement | null>) {
  useEffect(() => {
    const el = panel.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const root = document.documentElement.style;
    const publish = () => {
      if (getComputedStyle(el).position === "fixed") root.setProperty(VAR, `${Math.ceil(el.offsetHeight)}px`);
      else root.removeProperty(VAR);
    };
    const ro = new ResizeObserver(publish);
    ro.observe(el);
    window.addEventListener("resize", publish);
    publish();
    return () => {
      ro.disconnect();
      window.removeEventListener("resize", publish);
      root.removeProperty(VAR);
    };
  }, [panel]);
}
