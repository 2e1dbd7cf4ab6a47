// Value-preserving respellings of literals, for the copies a canary plan makes of a host's tests
// that must run as their originals do: the must-pass copy (canary-mutate.ts, canary-python.ts) and
// the tests of a hook canary's describe (canary-hook.ts). Each such copy is written with one literal
// of its test spelled otherwise, so no test's text is written twice in a host: a patch that, at run
// time, empties every test whose function text (`String(fn)`) another registered test repeats
// found a listed test and its verbatim copy, and passed the listed test whatever the code did
// (atkD22 #1). A copy's text now differs from its original's by one literal, as a must-fail copy's
// does; telling the two apart takes reading the literals' values (README "Still open").
import { randomInt } from 'node:crypto';
import { pick } from './canary-random.ts';
import { cleanName } from './parse/names.ts';

/** A literal of a test's source a copy may write otherwise: its span (UTF-16 offsets into the file). */
export interface Spelling {
  start: number;
  end: number;
  /** Inside a function the test defines (whose source text the test or the code under test may read), not an assertion's thunk. */
  nested?: true;
}

/**
 * `src` (a JavaScript string literal with its quotes) written with the other quote (`'…'` ⇄ `"…"`),
 * the new quote escaped where it occurs unescaped, every escape kept as written: the same value
 * (ECMA-262 §12.9.4: `\'` and `\"` are the quote characters in either kind of string). Null for
 * anything else (a template literal, unbalanced text).
 */
export function otherQuotes(src: string): string | null {
  const q = src[0];
  if ((q !== "'" && q !== '"') || src.length < 2 || src[src.length - 1] !== q) return null;
  const other = q === "'" ? '"' : "'";
  let out = '';
  const body = src.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      if (i + 1 >= body.length) return null;
      out += c + body[++i]!;
    } else if (c === q) return null;
    else out += c === other ? `\\${c}` : c;
  }
  return other + out + other;
}

/**
 * A JavaScript numeric literal `src` written otherwise with the same value: a decimal integer gains
 * `.0` (`5` → `5.0`), a decimal fraction a trailing `0` (`1.5` → `1.50`, `.5` → `0.5`, `5.` → `5.0`).
 * Null for other forms (hex, octal, binary, exponents, separators, a legacy `0`-led integer).
 * Whatever follows the literal still parses: the result always has digits after its point.
 */
export function otherNumber(src: string): string | null {
  if (/^(?:0|[1-9]\d*)$/.test(src)) return `${src}.0`;
  if (/^(?:0|[1-9]\d*)\.\d+$/.test(src)) return `${src}0`;
  if (/^\.\d+$/.test(src)) return `0${src}`;
  if (/^(?:0|[1-9]\d*)\.$/.test(src)) return `${src}0`;
  return null;
}

/** A JavaScript string or numeric literal's other spelling ({@link otherQuotes}, {@link otherNumber}); null when it has none. */
export function respellJs(src: string): string | null {
  return src[0] === "'" || src[0] === '"' ? otherQuotes(src) : otherNumber(src);
}

/**
 * A Python literal `src` (as canary-python-parse.ts reads them: a plain one-line string with no
 * prefix, an int or a float) written otherwise with the same value and type: a string with the
 * other quote (as {@link otherQuotes}; Python's `\'` and `\"` are the quotes in either kind), a
 * decimal int in hex (`120` → `0x78`), a decimal fraction with a trailing `0`. Null for other forms.
 * The compiled constant is the same, so a copy differs from its original in its source text only.
 */
export function respellPython(src: string): string | null {
  if (src[0] === "'" || src[0] === '"') return src.startsWith(src[0].repeat(3)) ? null : otherQuotes(src);
  if (/^(?:0|[1-9]\d*)$/.test(src)) return `0x${BigInt(src).toString(16)}`;
  if (/^\d+\.\d+$/.test(src)) return `${src}0`;
  return null;
}

/** An edit of a file's text: the span (UTF-16 offsets) and the code written there. */
export interface Respelt {
  start: number;
  end: number;
  code: string;
}

/**
 * One of `spellings` (offsets into `text`), picked at random among those `respell` writes
 * otherwise and `keep` accepts (absent: all), as an edit. Null when there is none.
 */
export function respellOne(text: string, spellings: readonly Spelling[], respell: (src: string) => string | null, keep: (e: Respelt) => boolean = () => true): Respelt | null {
  const edits = spellings.flatMap((s) => {
    const code = respell(text.slice(s.start, s.end));
    return code === null || !keep({ start: s.start, end: s.end, code }) ? [] : [{ start: s.start, end: s.end, code }];
  });
  return edits.length ? edits[randomInt(edits.length)]! : null;
}

/**
 * The must-pass copy's source: from the first of `tiers` that holds a test `respellable` says can
 * be copied with a literal written otherwise, one of those at random; else one of `unlisted`, copied
 * verbatim; else none. The planners give tests no listed id can be (see {@link namesNoListedId})
 * in both: a pair of tests equal by value with no mutant beside them is one a patch can empty at no
 * risk (atkD22 #1 verbatim; atkA23 #3 by value, with a tokenizer), which passes nothing graded.
 */
export function passSource<T>(tiers: readonly (readonly T[])[], respellable: (t: T) => boolean, unlisted: readonly T[]): T | null {
  for (const tier of tiers) {
    const ok = tier.filter(respellable);
    if (ok.length) return pick(ok);
  }
  return unlisted.length ? pick(unlisted) : null;
}

/**
 * Whether no id of `ids` (FAIL_TO_PASS and PASS_TO_PASS) holds `title` anywhere — as written,
 * trimmed, keyed as ids are (`cleanName`), or with `"` as node 20's JUnit writes it (`&quot;`): a
 * test surely of neither list, whatever form its id takes (atkD23 #2: a title `cleanName` rewrites).
 */
export function namesNoListedId(ids: readonly string[], title: string): boolean {
  if (cleanName(title) === '') return false;
  const forms = [...new Set([title, title.trim(), cleanName(title), cleanName(title).replace(/"/g, '&quot;')])];
  return !forms.some((f) => ids.some((id) => id.includes(f)));
}

/**
 * The respelling (a {@link respellOne} edit, JavaScript) of a copy of test `t` of `text` whose
 * function text (from the end of its title to its end) no test of `tests` has ({@link bodiesOf}): an
 * expected literal of its assertions first (`t.literals`: compared by value, where a mutant changes
 * one too), else another literal of the test's own body (an assertion's thunk included), else, with
 * `nested`, one inside a function it defines (only for a copy that fails whatever it does). The code
 * under test may read the test's text — a function it prints (atkA23 #4, atkB23 #2), a line a code
 * frame quotes (atkC23 #3) — so the first places are the ones it is least likely to; null when
 * there is none. `avoid`: a span no respelled literal may overlap (the literal a group's mutant
 * changes: canary-group.ts).
 */
export function respellCopy(text: string, t: { titleEnd: number; end: number; spellings: readonly Spelling[]; literals: readonly { start: number; end: number }[] }, tests: readonly { titleEnd: number; end: number }[], nested = false, avoid?: { start: number; end: number }): Respelt | null {
  const bodies = bodiesOf(text, tests);
  const keep = (e: Respelt): boolean => !bodies.has(text.slice(t.titleEnd, e.start) + e.code + text.slice(e.end, t.end));
  const expected = (s: Spelling): boolean => t.literals.some((l) => l.start === s.start && l.end === s.end);
  const free = avoid ? t.spellings.filter((s) => s.end <= avoid.start || s.start >= avoid.end) : t.spellings;
  const tiers = [free.filter(expected), free.filter((s) => !s.nested && !expected(s)), nested ? free.filter((s) => s.nested) : []];
  for (const tier of tiers) {
    const e = respellOne(text, tier, respellJs, keep);
    if (e) return e;
  }
  return null;
}

const bodiesSeen = new WeakMap<object, { text: string; bodies: Set<string> }>();

/** The function texts (from the end of the title to the end) of `tests` of `text`, remembered per `tests` array (a host's copies are planned against one). */
export function bodiesOf(text: string, tests: readonly { titleEnd: number; end: number }[]): Set<string> {
  const seen = bodiesSeen.get(tests);
  if (seen?.text === text) return seen.bodies;
  const bodies = new Set(tests.map((o) => text.slice(o.titleEnd, o.end)));
  bodiesSeen.set(tests, { text, bodies });
  return bodies;
}
