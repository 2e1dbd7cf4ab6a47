// The one id rule (DESIGN.md §2): how a test title a runner reports becomes text fit for a test id.
// Every report parser (src/evaluation/parse, src/evaluation/runners), the task.yaml schema, lint,
// validate and grading use `normalizeTitle` / `normalizeTestId`, so a title holding a tab, NUL or
// another odd character gives the same printable id everywhere.

/** Short escapes of the commonest control characters. */
const SHORT: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0', '\v': '\\v', '\f': '\\f', '\b': '\\b' };

/**
 * Characters an id never holds raw: every C0 control (U+0000–U+001F), DEL (U+007F) and C1 control
 * (U+0080–U+009F); the invisible or direction-changing format characters that make two ids look
 * alike or reorder their text (zero-width space U+200B, LRM/RLM U+200E–U+200F, bidi embeddings
 * and isolates U+202A–U+202E, U+2066–U+2069, word joiner U+2060, BOM U+FEFF); the line and
 * paragraph separators (U+2028, U+2029); and lone UTF-16 surrogates. Zero-width joiners (U+200D,
 * part of emoji) and every other printable character are kept.
 */
// eslint-disable-next-line no-control-regex
const ODD_RE = /[\u0000-\u001f\u007f-\u009f\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/gu;

/** `ODD_RE` without the global flag, for tests (no `lastIndex` state). */
const ODD_ONE = new RegExp(ODD_RE.source, 'u');

/**
 * One title (or any part of a test id) in its printable form: each odd character (see `ODD_RE`)
 * replaced by a visible escape: `\t`, `\n`, `\r`, `\0`, `\v`, `\f`, `\b` for those controls,
 * `\xHH` for the other C0/DEL/C1 controls (two upper-case hex digits: ESC → `\x1B`), `\u{HHHH}`
 * for the others (U+200B → `\u{200B}`). The identity on a title without such characters, so the
 * ids of existing tasks do not change. Idempotent: the escapes are themselves printable. Not
 * injective by design: a title spelling a literal `\t` reads like one holding a tab (both are
 * one printable id; give such tests distinct titles).
 */
export function normalizeTitle(s: string): string {
  if (!ODD_ONE.test(s)) return s;
  return s.replace(ODD_RE, (c) => {
    const short = SHORT[c];
    if (short) return short;
    const code = c.charCodeAt(0);
    if (code <= 0x9f) return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    return `\\u{${code.toString(16).toUpperCase()}}`;
  });
}

/** A whole test id (`file > describe > … > title`) in its printable form: `normalizeTitle` of the text. */
export const normalizeTestId = normalizeTitle;

/** True when `id` is already in its printable form (holds no character `normalizeTitle` rewrites). */
export function isPrintableId(id: string): boolean {
  return !ODD_ONE.test(id);
}
