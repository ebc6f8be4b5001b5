/** Screenshots of a screen at phone and desktop size, saved under e2e/screenshots/. */
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { DESKTOP, PHONE } from "./browser";

/** A tablet in landscape, for screens made for desks that must still work on a tablet. */
export const TABLET = { width: 1024, height: 768 };

type Size = { width: number; height: number };

export const SHOTS_DIR = fileURLToPath(new URL("../screenshots/", import.meta.url));

export async function shoot(
  page: Page,
  name: string,
  opts: { fullPage?: boolean; sizes?: readonly (readonly [string, Size])[] } = {},
) {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const original = page.viewportSize();
  const sizes =
    opts.sizes ??
    ([
      ["phone", PHONE],
      ["desktop", DESKTOP],
    ] as const);
  for (const [label, size] of sizes) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: `${SHOTS_DIR}${name}-${label}.png`, fullPage: opts.fullPage ?? false });
    // Layout check on every screen we photograph: nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (overflow > 1) throw new Error(`${name} overflows the ${label} viewport by ${overflow}px`);
  }
  if (original) await page.setViewportSize(original);
}
