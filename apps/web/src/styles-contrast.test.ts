/**
 * Colour contrast of the talk button's filled states, computed from the stylesheet's custom
 * properties in the light and the dark theme: text on the colour and on its lighter highlight
 * must reach 4.5:1 (WCAG 2.x, success criterion 1.4.3).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const css = readFileSync(new URL("./styles.css", import.meta.url), "utf8");

/** The custom properties declared in the first block that opens with `selector {`. */
function block(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no ${selector} block`);
  const body = css.slice(start, css.indexOf("}", start));
  return Object.fromEntries([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

/** The rule for `selector`, as written. */
function rule(selector: string): string {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no ${selector} rule`);
  return css.slice(start, css.indexOf("}", start));
}

function luminance(hex: string): number {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = Number.parseInt(m[1]!.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

const light = block(":root");
const themes: Record<string, Record<string, string>> = {
  light,
  dark: { ...light, ...block(':root[data-theme="dark"]') },
  "system dark": { ...light, ...block(':root[data-theme="system"]') },
};

const PAIRS = [
  ["--busy-text", "--busy"],
  ["--busy-text", "--busy-hi"],
  ["--on-air-text", "--on-air"],
  ["--on-air-text", "--on-air-hi"],
  ["--text", "--surface"],
  ["--accent-text", "--accent"],
] as const;

describe("talk button colours", () => {
  for (const [name, vars] of Object.entries(themes))
    it(`${name}: text on every filled state reaches 4.5:1`, () => {
      for (const [fg, bg] of PAIRS) {
        const ratio = contrast(vars[fg]!, vars[bg]!);
        expect(ratio, `${fg} on ${bg} in ${name}: ${ratio.toFixed(2)}`).toBeGreaterThanOrEqual(4.5);
      }
    });

  it("the Busy and On air states draw those colours, not a lightened theme colour", () => {
    const busy = rule('.talk-button[data-state="denied"]');
    expect(busy).toContain("var(--busy-hi), var(--busy)");
    expect(busy).toContain("color: var(--busy-text)");
    const onAir = rule('.talk-button[data-state="talking"]');
    expect(onAir).toContain("var(--on-air-hi), var(--on-air)");
    expect(onAir).toContain("color: var(--on-air-text)");
  });
});
