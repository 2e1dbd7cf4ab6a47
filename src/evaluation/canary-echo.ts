// The draw of a must-fail copy's mutant value (canary-mutate.ts) against the tells that price a pair
// at odds 1: a changed token only one twin shares with the rest of its own test (`echoTell`,
// atkL14 #1) and a value the repository writes for the original only (`documentedOdds`, atkJ13 #2).
// Random draws (the caller's `mutateLiteral`) rarely hit a token a parser test's input writes, so
// where they all tell, a string's mutant is drawn from the tokens the test itself writes: both twins'
// changed tokens are then echoed, and both values documented alike (the js-csv tasks recorded odds 1).
import { cookedOf, encoder, units, type LiteralMutation, type Unit } from './canary-literal.ts';
import { echoTell, frequencyOdds, tokensOf, valueText, type EchoedValue } from './canary-odds.ts';
import type { ExpectedLiteral } from './canary-parse.ts';
import { sameShape, type Vocabulary } from './canary-words.ts';
import { pick } from './canary-random.ts';

const isTokenChar = (ch: string): boolean => /^[\p{L}\p{N}_]$/u.test(ch);

/** What a mutant is checked against: the test's source without its title and the changed literal, the file's expected literal sources, and what the repository says. */
export interface DrawContext {
  /** The test's source without its title and without the changed literal (the same in both twins). */
  rest: string;
  /** Every expected literal's source in the file before the copies (`frequencyOdds`). */
  sources: readonly string[];
  /** Which words a patch can read (a token mutant keeps the replaced word's standing); absent: every word. */
  vocab?: Vocabulary;
  /** Whether the repository at base_commit writes a value (`valueText`) outside the hosts; absent: unknown (priced after planning, `documentedOdds`). */
  documented?: (value: string) => boolean;
  /** Whether a token mutant's source is a literal the host's language reads as written (pytest: a plain Python string); absent: every one. */
  fits?: (code: string) => boolean;
}

/** A drawn mutant and its pair's odds (the factor in `canaries.guess`; `tell`: odds 1). */
export type DrawnMutant = LiteralMutation & { odds: number };

/**
 * The odds of a frequency pick over the rest of the test (`rest`): with the tokens only the
 * original's value holds written `a` times there and those only the mutant's `b` times, 1 when
 * a ≠ b, else 1/2. Not max(a, b)/(a + b): a token drawn from a parser test's input is written
 * there once more than the original's (the input `a,b` beside `[['a', 'b']]`: the copy's `'b'`
 * makes the test write `b` twice, `a` once), and "the rarer is the original" was right on 628 of
 * 628 such pairs (js-csv-2, scripts/canary-readers.mts); every other unequal count measured was as
 * one-sided, one way or the other.
 */
export function restOdds(rest: string, original: string, mutant: string): number {
  const [o, m, t] = [new Set(tokensOf(valueText(original))), new Set(tokensOf(valueText(mutant))), tokensOf(rest)];
  const count = (a: Set<string>, b: Set<string>): number => t.filter((x) => a.has(x) && !b.has(x)).length;
  return count(o, m) === count(m, o) ? 0.5 : 1;
}

/** A value's text as a reader of its source sees it: escapes read as breaks (`tokensOf`), blanks at either end dropped. */
const plainText = (s: string): string => s.replace(/\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, ' ').trim();
/** Adjacent token pairs of `s` (`a b`, lower case), repeats kept. */
const tokenPairs = (s: string): string[] => tokensOf(s).flatMap((t, i, all) => (i ? [`${all[i - 1]} ${t}`] : []));

/**
 * Whether the strings the rest of the test writes (`rest`: its source, title and changed literal
 * left out) tell the original from the mutant by the value taken whole (atkQ15 #1): one value (of
 * two characters or more) is written inside one of those strings, bounded by no letter, digit or
 * `_` on either side, and the other is not (`get('web = /var/www', 'web')` expecting `'/var/www'`,
 * where a token mutant `'/var/root'` is written nowhere); or the two values' adjacent token pairs
 * are written there a different number of times (`var www` once, `var root` never). A getter's or
 * parser's answer is a slice of its input, and a forger keeping the twin its input holds resolved
 * 26 of 30 gradings recorded at 1/8–1/4.
 */
export function inputTell(rest: string, original: string, mutant: string): boolean {
  const literals = stringsOf(rest).match(/'(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*"|`(?:[^`\\]|\\[\s\S])*`/g) ?? [];
  // the strings as a reader may read them: escapes as breaks, or cooked (`\n` a line break); and the rest's source itself
  const strings = [...literals.map((l) => plainText(l.slice(1, -1))), ...literals.map((l) => cookedOf(l, false) ?? ''), rest];
  const [o, m] = [valueText(original), valueText(mutant)].map((v) => cookedOf(`'${v}'`, false) ?? plainText(v)) as [string, string];
  const bounded = (v: string): boolean => strings.some((s) => {
    for (let i = s.indexOf(v); i >= 0; i = s.indexOf(v, i + 1)) if (!isTokenChar(s[i - 1] ?? ' ') && !isTokenChar(s[i + v.length] ?? ' ')) return true;
    return false;
  });
  const anywhere = (v: string): boolean => strings.some((s) => s.includes(v));
  // adjacent tokens with what is written between them (`1-1`), and as a pair of tokens (`var www`)
  const spans = (v: string): string[] => {
    const ts = [...v.matchAll(/[\p{L}\p{N}_]+/gu)];
    return ts.slice(1).map((t, k) => v.slice(ts[k]!.index!, t.index! + t[0].length));
  };
  const pairsWritten = new Set(strings.flatMap(tokenPairs));
  const readers: ((v: string) => number)[] = [
    (v) => (v.length > 1 && bounded(v) ? 1 : 0),
    (v) => (v.length > 1 && anywhere(v) ? 1 : 0),
    (v) => spans(v).filter(anywhere).length,
    (v) => tokenPairs(v).filter((p) => pairsWritten.has(p)).length,
  ];
  return readers.some((read) => read(o) !== read(m));
}

/**
 * How the rest of its own test (`rest`, as in `DrawContext`) tells the original `original` from the
 * mutant `m` (both sources as written), or null: `input` when it writes one twin's tokens and not
 * the other's (`echoTell`) or holds one value (`inputTell`); else `count` when it writes their
 * tokens unequally often (`restOdds`). The record names such a pair (`echoedValue`).
 */
export function testTell(rest: string, original: string, m: string): EchoedValue['tell'] | null {
  if (echoTell(rest, original, m) || inputTell(rest, original, m)) return 'input';
  return restOdds(rest, original, m) >= 1 ? 'count' : null;
}

/** Whether the rest of its own test tells the pair (`testTell` not null). */
export function testTells(rest: string, original: string, m: string): boolean {
  return testTell(rest, original, m) !== null;
}

/**
 * The record's entry (`CanaryResults.echoed`) for test `test` whose expected literal `lit` (in the
 * host's `text`) became `mutant`, when the rest of the test (`rest`) tells the pair (`testTell`), or
 * null: the value as written, with the unary minus its span leaves out (`-5`, not `5`), and the tell.
 */
export function echoedValue(test: string, rest: string, text: string, lit: ExpectedLiteral, mutant: string): EchoedValue | null {
  const original = text.slice(lit.start, lit.end);
  const tell = testTell(rest, original, mutant);
  return tell ? { test, value: `${lit.negative ? '-' : ''}${valueText(original)}`, tell } : null;
}

/** Whether `m` tells the original by the rest of its test (`testTells`) or by what the repository documents (either way): odds 1. */
function hardTell(original: string, m: string, cx: DrawContext): boolean {
  return testTells(cx.rest, original, m) || (cx.documented !== undefined && cx.documented(valueText(original)) !== cx.documented(valueText(m)));
}

/** The string literals (as written, quotes included) of source text `s`: a scan for quoted runs, escapes kept. */
export function stringsOf(s: string): string {
  return (s.match(/'(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*"|`(?:[^`\\]|\\[\s\S])*`/g) ?? []).join(' ');
}

/** A token's kind for a substitute: letters, digits and `_` as runs (`a`, `0`), so `v2` is replaced by `x9`, never by `9`. */
const kindOf = (w: string): string => w.replace(/\p{L}+/gu, 'a').replace(/\p{N}+/gu, '0');

/**
 * The string literal `src` (quotes included) with one token replaced by a token `rest` writes (not
 * the token itself nor a neighbour) of the same kind and shape (`sameShape`: case, length, plural) and the same standing with `vocab` (a word
 * the patch can read for one, so a word reader sees alike: atkH13 #2), each as a source in the
 * literal's quote (new characters spelled as the literal spells them), parsing back to exactly that
 * value in the original's mode; distinct values, none equal (or, both numeric, numerically equal) to
 * the original. [] when `src` is no string literal.
 */
export function tokenMutants(src: string, rest: string, vocab?: Vocabulary): string[] {
  // tokens as a reader sees them (escapes break them: `\nAnna` writes `Anna`), in their own case
  const strict = cookedOf(src, true) !== null;
  const original = cookedOf(src, strict);
  if (original === null || !/^['"`]/.test(src)) return [];
  const q = src[0]!;
  const us = units(src.slice(1, -1));
  const runs: { from: number; to: number; word: string }[] = [];
  let cur: (typeof runs)[number] | null = null;
  us.forEach((u: Unit, i) => {
    if (u.ch === '' && cur) return;
    if (!isTokenChar(u.ch)) cur = null;
    else if (cur) { cur.to = i + 1; cur.word += u.ch; }
    else runs.push((cur = { from: i, to: i + 1, word: u.ch }));
  });
  const standing = (w: string): string => (/\p{L}/u.test(w) && vocab ? `${vocab.vocab(w.toLowerCase())}${(vocab.known ?? vocab.vocab)(w.toLowerCase())}` : '');
  const written = [...new Set(tokensOf(rest, true))];
  const encode = encoder(us, q);
  const out = new Map<string, string>();
  for (const [i, r] of runs.entries()) {
    // no token its neighbours are ("invalid invalid" reads as a slip, as canary-words.ts keeps it)
    const near = [runs[i - 1], r, runs[i + 1]].flatMap((x) => (x ? [x.word.toLowerCase()] : []));
    for (const w of written) {
      if (near.includes(w.toLowerCase()) || kindOf(w) !== kindOf(r.word) || !sameShape(r.word, w) || standing(w) !== standing(r.word)) continue;
      const next = [...us.slice(0, r.from), ...[...w].map((ch) => ({ src: encode(ch), ch })), ...us.slice(r.to)];
      const code = `${q}${next.map((u) => u.src).join('')}${q}`;
      const value = next.map((u) => u.ch).join('');
      const numeric = (s: string): boolean => s.trim() !== '' && Number.isFinite(Number(s));
      if (value === original || (numeric(value) && numeric(original) && Number(value) === Number(original))) continue;
      if (cookedOf(code, strict) === value && !out.has(value)) out.set(value, code);
    }
  }
  return [...out.values()];
}

/**
 * A mutant of the literal `original` (its source) and its pair's odds: `draw()` (a random mutant,
 * canary-words.ts `mutateLiteral`) up to 25 times (41 for a number) while it tells (`hardTell`: the rest of its test
 * echoes one twin or writes the two tokens unequally often, or the repository documents one twin
 * only; or the file writes its value more or less often than the original's, `frequencyOdds`).
 * When every draw still tells hard (or is a word mutant with no substitute, `tell`), a string's
 * mutant is drawn from `tokenMutants`: the tokens of the string literals its test writes (never a
 * name only its code writes: a reader would see that), else those of the values its file expects;
 * of those that tell hard nowhere, the ones at the least `frequencyOdds`, at random. No such token:
 * the last draw, at odds 1. `odds`: the pair's factor (the file's frequency pick).
 */
export function drawMutant(original: string, draw: () => LiteralMutation, cx: DrawContext): DrawnMutant {
  const price = (code: string): number => frequencyOdds(original, code, cx.sources);
  const soft = (code: string): boolean => price(code) > 0.5;
  let m = draw();
  // draws are cheap to check: a number's drawn more (tokenMutants has none for it; a test writing 1, 2 and 3 tells 3 of 8 digits: odds 1 once in
  // 20,000 plans at 9 draws), a string's too (a short value the input writes part of, 'ms' beside '2m', told in 9 draws once in 4,000 plans)
  const tries = /^[-+]?\.?\d/.test(original) ? 40 : 24;
  for (let k = 0; k < tries && (m.tell || hardTell(original, m.code, cx) || soft(m.code)); k++) m = draw();
  if (!m.tell && !hardTell(original, m.code, cx)) return { ...m, odds: price(m.code) };
  // the strings its test writes first (an echoed original), then the values its file expects (one its test does not echo, or documented alike)
  const usable = (c: string): boolean => (cx.fits?.(c) ?? true) && !hardTell(original, c, cx);
  let fits = tokenMutants(original, stringsOf(cx.rest), cx.vocab).filter(usable);
  if (!fits.length) fits = tokenMutants(original, cx.sources.join(' '), cx.vocab).filter(usable);
  if (!fits.length) return { ...m, tell: true, odds: 1 };
  const least = Math.min(...fits.map(price));
  const code = pick(fits.filter((c) => price(c) === least));
  // not strict: an honest wrong result may well be another token of the test (a field read into the wrong column)
  return { code, tell: false, odds: least };
}
