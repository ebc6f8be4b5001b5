/**
 * Strings must be well-formed UTF-16. JSON can carry a lone surrogate (`"\ud800"`), which has no
 * UTF-8 form: stored, it silently becomes U+FFFD, so the server refuses it at the door instead.
 */

/** In a `u` regex surrogate pairs are one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The dotted path (`"name"`, `"items.0.body"`, `"(root)"`) of the first string or object key in
 * `value` that holds a lone surrogate, or null when every string is well-formed. Iterative, so
 * a deeply nested body cannot exhaust the stack.
 */
export function findLoneSurrogate(value: unknown): string | null {
  const pending: [unknown, string][] = [[value, ""]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, path] = next;
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item)) return path || "(root)";
    } else if (item !== null && typeof item === "object") {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const at = path ? `${path}.${key}` : key;
        if (LONE_SURROGATE.test(key)) return at;
        pending.push([child, at]);
      }
    }
  }
  return null;
}
