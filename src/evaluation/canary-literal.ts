// The changed literal of a must-fail canary (canary-mutate.ts). A patch sees the original and its
// mutant side by side, so the change must not say which is which: given the two literals {a, b},
// "a is the original" must be as likely as "b is". Strings: one character inserted, deleted or
// substituted (each 1/3, a uniform place), the new character drawn from the characters the file's
// own string literals use (within the replaced character's class for a substitution), so the
// original's character and the new one come from one distribution; the edit is made in the
// literal's source, in its own quote and escape notation. Numbers: one digit replaced by another at a
// uniform place, in the literal's own notation (`1e6`, `1_000`, `0x1F`, `.5` keep their form; the
// sign, outside the literal, is never touched).
//
// Validity: the edit is made on characters (cooked values), never on source text: a line
// continuation (`\` before LF, CR, CRLF, U+2028, U+2029) is no character, so it is never deleted or
// counted as a place, and every mutant is parsed back (@babel/parser, strict mode when the original
// literal parses in strict mode, else sloppy): it must be one literal whose cooked value is the
// intended one (one character inserted, deleted or substituted). An edit that would glue a digit
// onto an octal escape (`\0` then `1` is `\01`, a SyntaxError in strict code and ES modules, another
// value in sloppy code) is redrawn; such strings are rare, so the redraw leaves the odds as they are.
import { parseExpression } from '@babel/parser';
import { randomInt } from 'node:crypto';

/** A random integer in [0, n): crypto by default; tests pass a seeded one. */
export type Rng = (n: number) => number;
const cryptoRng: Rng = (n) => randomInt(n);

/** The mutant's source, and whether the pair tells the original (`tell`: odds 1 for this copy, not 1/2). */
export interface LiteralMutation {
  code: string;
  tell: boolean;
  /**
   * A string with one character substituted: an honest wrong result equals it by chance only. Not
   * for an inserted or deleted character: an honest off-by-one (a pad one short, a trailing space)
   * equals those.
   */
  strict?: boolean;
}

/** One character of a string literal's source: its source text and the value it stands for ('' for a line continuation). */
export interface Unit {
  src: string;
  ch: string;
}
// Escapes as ECMA-262 reads them: a legacy octal escape is `\[0-3][0-7]{0,2}` or `\[4-7][0-7]?`
// (`\400` is `\40` then `0`); a line continuation is a backslash before LF, CRLF, CR, U+2028 or U+2029.
const UNIT = /\\u\{[0-9a-fA-F]+\}|\\u[0-9a-fA-F]{4}|\\x[0-9a-fA-F]{2}|\\[0-3][0-7]{0,2}|\\[4-7][0-7]?|\\(?:\r\n|[\n\r\u2028\u2029])|\\[\s\S]|[\s\S]/gu;
const CONTINUATION = /^\\(?:\r\n|[\n\r\u2028\u2029])$/u;
const ESC: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v', '\\': '\\\\' };

/** The units of a literal's body; a high-surrogate escape then a low-surrogate escape (`\uD83D\uDE00`) are one unit, so no edit splits the pair. */
export function units(body: string): Unit[] {
  const out: Unit[] = [];
  for (const [src] of body.matchAll(UNIT)) {
    const ch = CONTINUATION.test(src) ? '' : decode(src);
    const prev = out.at(-1);
    if (prev && HIGH.test(prev.ch) && LOW.test(ch)) out[out.length - 1] = { src: prev.src + src, ch: prev.ch + ch };
    else out.push({ src, ch });
  }
  return out;
}
const HIGH = /^[\uD800-\uDBFF]$/;
const LOW = /^[\uDC00-\uDFFF]$/;
/** Whether `s` holds a surrogate that is not half of a pair (a value that is not well-formed). */
const loneSurrogate = (s: string): boolean => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

function decode(src: string): string {
  if (!src.startsWith('\\')) return src;
  const c = src[1]!;
  if (c === 'u') return String.fromCodePoint(parseInt(src.startsWith('\\u{') ? src.slice(3, -1) : src.slice(2), 16));
  if (c === 'x') return String.fromCharCode(parseInt(src.slice(2), 16));
  if (/[0-7]/.test(c)) return String.fromCharCode(parseInt(src.slice(1), 8));
  const table: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v' };
  return table[c] ?? c;
}

/**
 * How a new character is written inside the literal whose units are `us`, quoted with `q`, so its
 * spelling does not mark the mutant (attackC F5): as the literal spells that very character where it
 * holds it (`\/` beside `\/`, `\u00e9` beside `\u00e9`); else a non-ASCII character escaped when
 * the literal escapes more of its non-ASCII characters than it writes raw (`\uXXXX`, or `\u{…}`
 * when the literal uses braces; hex in the literal's case); else the usual escapes of controls,
 * backslash and the quote, and raw otherwise (a template's `$` and `{` too: `fixTemplate` escapes
 * only a `${` that would start an interpolation).
 */
export function encoder(us: readonly Unit[], q: string): (ch: string) => string {
  const seen = new Map<string, string>();
  // A template's `$` and `{` are written raw and escaped only where they would meet (`fixTemplate`).
  for (const u of us) if (u.ch && !seen.has(u.ch) && !(q === '`' && (u.ch === '$' || u.ch === '{'))) seen.set(u.ch, u.src);
  const wide = us.filter((u) => u.ch && u.ch.codePointAt(0)! > 0x7f);
  const escaped = wide.filter((u) => /^\\u/.test(u.src));
  const escapeWide = escaped.length > 0 && escaped.length >= wide.length - escaped.length;
  const braces = escaped.some((u) => u.src.startsWith('\\u{'));
  const upper = escaped.some((u) => /[A-F]/.test(u.src.slice(2))) && !escaped.some((u) => /[a-f]/.test(u.src.slice(2)));
  const hex = (n: number, w: number): string => (upper ? n.toString(16).toUpperCase() : n.toString(16)).padStart(w, '0');
  return (ch) => {
    const known = seen.get(ch);
    if (known !== undefined) return known;
    if (ESC[ch]) return ESC[ch]!;
    if (ch === q) return `\\${ch}`;
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f || cp === 0x2028 || cp === 0x2029) return `\\u${cp.toString(16).padStart(4, '0')}`;
    if (cp > 0x7f && escapeWide) return braces ? `\\u{${hex(cp, 1)}}` : [...ch].length === 1 && ch.length === 2 ? [0, 1].map((i) => `\\u${hex(ch.charCodeAt(i), 4)}`).join('') : `\\u${hex(cp, 4)}`;
    return ch;
  };
}

/**
 * A template's units with every raw `$` directly before a raw `{` escaped, so the template gains no
 * interpolation: as the literal does it where it does (`$\{` when it holds one, else `\${`).
 */
function fixTemplate(us: Unit[], style: string): Unit[] {
  const out = [...us];
  for (let i = 0; i + 1 < out.length; i++) {
    if (out[i]!.src !== '$' || out[i + 1]!.src !== '{') continue;
    if (style === '$\\{') out[i + 1] = { src: '\\{', ch: '{' };
    else out[i] = { src: '\\$', ch: '$' };
  }
  return out;
}

/** The class a substitution stays in: lower-case letter, upper-case letter, digit, white space, other. */
const classOf = (ch: string): string => (/\p{Ll}/u.test(ch) ? 'l' : /\p{Lu}/u.test(ch) ? 'u' : /\p{N}/u.test(ch) ? 'n' : /\s/u.test(ch) ? 's' : 'o');

/** A draw from `pool` (a multiset of characters) other than `not`, or null when it holds none. */
function draw(pool: readonly string[], rng: Rng, not?: string): string | null {
  const xs = not === undefined ? pool : pool.filter((c) => c !== not);
  return xs.length ? xs[rng(xs.length)]! : null;
}

/**
 * A string literal's source (`src`, quotes included) with one character inserted, deleted or
 * substituted. `pool`: the characters (with repeats) of the file's string literals, the
 * distribution new characters are drawn from (for a substitution, those of the replaced one's class).
 * `lengths`: the lengths in characters of the file's non-empty string literals, the distribution
 * originals come from: the edit is chosen so that "the shorter one is the mutant" is a coin toss
 * (`editOdds`). `tell` when the pair cannot be balanced: an empty string can only grow, and a substitution for
 * which the pool has no other character falls back to a fixed set.
 * The mutant always parses in the original's mode (strict when `src` is valid strict code) as one
 * literal whose cooked value differs from the original's by exactly that edit; a draw that does not
 * (an octal escape extended by a digit, a template gaining `${`), or whose value has a lone surrogate
 * the original has not, is redrawn, and after 50 such
 * draws `a` is appended (`tell`). Throws when `src` is not a string literal or template without
 * interpolation.
 */
export function mutateString(src: string, pool: readonly string[], rng: Rng = cryptoRng, lengths: readonly number[] = []): LiteralMutation {
  const strict = cookedOf(src, true) !== null;
  const original = cookedOf(src, strict);
  if (original === null) throw new Error(`mutateString: not a string literal: ${src.slice(0, 80)}`);
  const odds = editOdds(units(src.slice(1, -1)).filter((u) => u.ch).length, lengths);
  for (let k = 0; k < 50; k++) {
    const { value, ...m } = mutateStringOnce(src, pool, rng, odds);
    // a lone surrogate the original does not have would mark the mutant (its value not well-formed)
    if (value !== original && cookedOf(m.code, strict) === value && (!loneSurrogate(value) || loneSurrogate(original))) return m;
  }
  return { code: `${src.slice(0, -1)}a${src.at(-1)!}`, tell: true };
}

/**
 * The cooked value of `code` when it is exactly one string literal (or a template without
 * interpolation) that @babel/parser accepts, in strict mode or not; null otherwise.
 */
export function cookedOf(code: string, strict: boolean): string | null {
  try {
    const e = parseExpression(code, { strictMode: strict });
    if (e.start !== 0 || e.end !== code.length) return null;
    if (e.type === 'StringLiteral') return e.value;
    if (e.type === 'TemplateLiteral' && e.expressions.length === 0) return e.quasis[0]!.value.cooked ?? null;
  } catch { /* not a literal */ }
  return null;
}

/** A real number in [0, 1) from `rng`. */
const unit01 = (rng: Rng): number => rng(2 ** 30) / 2 ** 30;

/**
 * The odds of inserting and of deleting a character in a string of `n` characters (the rest is a
 * substitution), given `lengths` (see {@link mutateString}): a Metropolis step on the length, whose
 * target f(m) is the file's length distribution smoothed (each length L spread as
 * exp(-|m - L| / h) over m ≥ 1, h = 1 + L/8, each normalised to 1; f = 1 for m ≥ 1 without
 * lengths) and f(0) = 0 (an empty string is never an original that is balanced, so a one-character
 * string is never emptied). Each of insert and delete is proposed with odds 1/3 and taken with odds
 * min(1, f(n ± 1) / f(n)), so f(m)·insert(m) = f(m + 1)·delete(m + 1): for originals drawn from f, a
 * pair of lengths m and m + 1 is as likely an insertion as a deletion.
 */
export function editOdds(n: number, lengths: readonly number[]): { insert: number; delete: number } {
  const counts = new Map<number, number>();
  for (const len of lengths) counts.set(len, (counts.get(len) ?? 0) + 1);
  const f = (m: number): number => {
    if (m < 1) return 0;
    if (!counts.size) return 1;
    let sum = 0;
    for (const [len, c] of counts) {
      const r = Math.exp(-1 / (1 + len / 8));
      // Σ_{k ≥ 1} r^|k - len|: the kernel's mass over lengths 1, 2, … (closed form).
      const z = (1 - r ** len) / (1 - r) + r / (1 - r);
      sum += (c * r ** Math.abs(m - len)) / z;
    }
    return sum;
  };
  const here = f(n);
  if (here === 0) return { insert: 1 / 3, delete: 0 };
  return { insert: Math.min(1, f(n + 1) / here) / 3, delete: Math.min(1, f(n - 1) / here) / 3 };
}

/** One draw of {@link mutateString}, with the cooked value it means to give (`value`). */
function mutateStringOnce(src: string, pool: readonly string[], rng: Rng, odds: { insert: number; delete: number }): LiteralMutation & { value: string } {
  const q = src[0]!;
  const us = units(src.slice(1, -1));
  const places = us.map((u, i) => (u.ch ? i : -1)).filter((i) => i >= 0);
  const full = pool.length ? pool : [...'abcdefghijklmnopqrstuvwxyz'];
  const style = q === '`' && /(^|[^\\])(\\\\)*\$\\\{/.test(src) ? '$\\{' : '\\${';
  const join = (ys: Unit[]): LiteralMutation & { value: string } => {
    const xs = q === '`' ? fixTemplate(ys, style) : ys;
    return { code: `${q}${xs.map((u) => u.src).join('')}${q}`, value: xs.map((u) => u.ch).join(''), tell: false };
  };
  const encode = encoder(us, q);
  const unit = (ch: string): Unit => ({ src: encode(ch), ch });
  if (!places.length) return { ...join([...us, unit(draw(full, rng)!)]), tell: true };
  const x = unit01(rng);
  const op = x < odds.insert ? 0 : x < odds.insert + odds.delete ? 1 : 2;
  if (op === 0) {
    // Insert before place k (0..n, n = after the last character), so every gap is as likely.
    const k = rng(places.length + 1);
    const at = k === places.length ? us.length : places[k]!;
    const out = [...us];
    out.splice(at, 0, unit(draw(full, rng)!));
    return join(out);
  }
  const i = places[rng(places.length)]!;
  if (op === 1) return join(us.filter((_, j) => j !== i));
  const old = us[i]!.ch;
  const cls = classOf(old);
  // The class's characters where the file has another; else any of the file's (both ways alike).
  let ch = draw(full.filter((c) => classOf(c) === cls), rng, old) ?? draw(full, rng, old);
  let tell = false;
  if (ch === null) {
    const fixed = { l: 'abcdefghijklmnopqrstuvwxyz', u: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', n: '0123456789', s: ' ', o: '-_.,:;/' }[cls]!;
    ch = draw([...fixed], rng, old) ?? draw([...'-_.,:;/'], rng, old)!;
    tell = true;
  }
  return { ...join(us.map((u, j) => (j === i ? unit(ch!) : u))), tell, strict: true };
}

/**
 * A numeric literal's source (`src`, as written, no sign) with one digit replaced at a uniform
 * place by another of its base (zero for zero, non-zero for non-zero when the number allows it), its notation kept: separators, exponent, prefix, case of hex digits.
 * A leading digit followed by another digit is never made 0, nor a fraction's last digit made or unmade 0. The value always changes; `tell` when
 * no digit can change it (then `src` doubled as a plain number, a visible tell).
 */
export function mutateNumber(src: string, rng: Rng = cryptoRng): LiteralMutation {
  const prefix = /^0[xXoObB]/.test(src) ? 2 : 0;
  const base = prefix ? { x: 16, o: 8, b: 2 }[src[1]!.toLowerCase() as 'x' | 'o' | 'b'] : 10;
  const upper = /[A-F]/.test(src.slice(prefix)) && !/[a-f]/.test(src.slice(prefix));
  const digits = (base === 16 ? (upper ? '0123456789ABCDEF' : '0123456789abcdef') : '0123456789'.slice(0, base)).split('');
  const isDigit = (c: string): boolean => (base === 16 ? /^[0-9a-fA-F]$/.test(c) : c.length === 1 && '0123456789'.slice(0, base).includes(c));
  const value = (s: string): number => Number(s.replace(/_/g, ''));
  const v = value(src);
  const options: string[] = [];
  const zeroing: string[] = [];
  for (let i = prefix; i < src.length; i++) {
    const c = src[i]!;
    if (base === 10 && /[eE]/.test(c)) continue;
    if (!isDigit(c)) continue;
    // `07` would be another notation (legacy octal): a decimal's first digit before another stays non-zero.
    const leading = base === 10 && i === 0 && /[0-9_]/.test(src[1] ?? '');
    // `1.50` would be non-canonical where `1.51` is not: a fraction's last digit keeps being (non-)zero.
    const last = base === 10 && src.lastIndexOf('.', i) >= 0 && !/[eE]/.test(src.slice(0, i)) && !/[0-9]/.test(src[i + 1] ?? '');
    for (const d of digits) {
      if (d === c || (leading && d === '0') || (last && (d === '0') !== (c === '0'))) continue;
      const t = src.slice(0, i) + d + src.slice(i + 1);
      if (value(t) !== v) (((d === '0') === (c === '0')) ? options : zeroing).push(t);
    }
  }
  // Uniform over (place, digit), among changes that keep every digit's zero-ness (test values are
  // round: a mutant with fewer zeros than its twin would name the original); a number with no such
  // change (0, 0.0) takes one of the others.
  const pool = options.length ? options : zeroing;
  if (!pool.length) return { code: String(v * 2 + (v === 0 ? 1 : 0)), tell: true };
  return { code: pool[rng(pool.length)]!, tell: false };
}
