/**
 * Display names are shown to other people (timeline, talk banner, member and presence lists), so
 * they must not be able to hide text, reorder it or pass for something they are not.
 *
 * A name is normalised to NFKC (full-width and other compatibility forms become the plain letters
 * they look like; composed and decomposed accents become one form), its whitespace runs collapse
 * to one space and its ends are trimmed. It is refused if, after NFKC, it contains:
 * - control characters (general category Cc: NUL, tab, newline, DEL, C1 controls);
 * - format characters (Cf: zero-width space and joiners, soft hyphen, bidi marks, embeddings,
 *   overrides and isolates, BOM, tag characters, …);
 * - other default-ignorable code points, which render as nothing (Hangul fillers, the combining
 *   grapheme joiner, …), and the braille blank, which renders as a space but is not whitespace;
 * - a variation selector that does not follow an emoji (after a letter it is invisible);
 * - a lone surrogate (not a character at all; UTF-8 cannot even store it).
 *
 * What stays visible can still be a look-alike (Cyrillic "о" for Latin "o", or simply someone
 * else's name): clients show the username, which is unique plain ASCII, beside it.
 */

const ALWAYS_HIDDEN =
  /^(?:[\p{Cc}\p{Cf}\p{Cs}\u2800]|(?![\uFE00-\uFE0F\u{E0100}-\u{E01EF}])\p{Default_Ignorable_Code_Point})$/u;
const VARIATION_SELECTOR = /^[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]$/u;
const EMOJI = /^\p{Emoji}$/u;

export const HIDDEN_NAME_MESSAGE = "must not contain control, formatting or invisible characters";

/** Whether the code point `ch`, after `previous` (undefined at the start), is one a name may not hold. */
export function isHiddenNameCharacter(ch: string, previous: string | undefined): boolean {
  if (VARIATION_SELECTOR.test(ch)) return previous === undefined || !EMOJI.test(previous);
  return ALWAYS_HIDDEN.test(ch);
}

const collapse = (name: string) => name.replace(/\s+/gu, " ").trim();

/**
 * The display name as stored: NFKC, whitespace runs collapsed, trimmed; null when it holds a
 * character {@link isHiddenNameCharacter} refuses. Length limits apply to the result.
 */
export function normaliseDisplayName(raw: string): string | null {
  const name = raw.normalize("NFKC");
  let previous: string | undefined;
  for (const ch of name) {
    if (isHiddenNameCharacter(ch, previous)) return null;
    previous = ch;
  }
  return collapse(name);
}

/**
 * A display name made safe to show whatever was stored (names from before these rules may hold
 * bidi overrides or zero-width characters): the refused characters are dropped instead, and the
 * rest is normalised as {@link normaliseDisplayName} does. May be empty.
 */
export function visibleDisplayName(raw: string): string {
  let out = "";
  let previous: string | undefined;
  for (const ch of raw.normalize("NFKC")) {
    if (isHiddenNameCharacter(ch, previous)) continue;
    out += ch;
    previous = ch;
  }
  return collapse(out);
}
