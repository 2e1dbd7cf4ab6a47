// Word-level mutants of expected strings (canary-mutate.ts, canary-python.ts). A patch that keeps,
// of each twin pair of expected strings, the one whose words all read as words (every letter run in
// the repository's vocabulary) told a one-character edit from its original ('invalid duraton',
// '1.5xs': atkH13 #2 won 9 of 10 gradings recorded at 1/8). So a string holding a vocabulary word
// is mutated by replacing one vocabulary word with another vocabulary word of the same shape drawn
// from the file's expected strings: both twins then read as words alike. A string with no
// vocabulary word keeps the character edit (canary-literal.ts); a string with vocabulary words and
// no substitute gets the character edit marked `tell` (its pair counts at odds 1).
import { randomInt } from 'node:crypto';
import { cookedOf, encoder, mutateNumber, mutateString, units, type LiteralMutation, type Rng, type Unit } from './canary-literal.ts';
import type { ExpectedLiteral } from './canary-parse.ts';

/**
 * Which words a patch can read (lower case). `vocab`: written as a whole word in the repository at
 * base_commit or in the problem statement; a substitute must be. `known`: also written inside a
 * longer one ('note' in `noteOf`), which a reader splitting at other boundaries counts as a word; a
 * string holding such a word is mutated at word level. Absent `known`: `vocab`.
 */
export interface Vocabulary {
  vocab: (lower: string) => boolean;
  known?: (lower: string) => boolean;
}

/**
 * What a word-level mutant is made from: a Vocabulary, and `pool`, the letter runs of the file's
 * expected strings, as written, repeats kept (a new word is drawn in proportion to how often the
 * file writes it, as the original's word was).
 */
export interface WordSource extends Vocabulary {
  pool: readonly string[];
}

/** The letter runs (Unicode letters) of `s`, in order: the words a reader of the value sees. */
export const letterRuns = (s: string): string[] => s.match(/\p{L}+/gu) ?? [];

/** A word's case pattern: `l` lower (or caseless), `u` upper (two letters or more), `t` capitalised (one capital too), `m` mixed. */
function caseOf(w: string): string {
  const [first = '', ...rest] = [...w];
  if (w === w.toLowerCase()) return 'l';
  if (w === w.toUpperCase()) return rest.length ? 'u' : 't';
  return first === first.toUpperCase() && rest.join('') === rest.join('').toLowerCase() ? 't' : 'm';
}

/**
 * Whether `b` may replace `a` (a symmetric relation, so the pair is as likely drawn either way):
 * the same case pattern, lengths (code points) within 1 + ⌊shorter / 4⌋, and, when both have four
 * letters or more, both or neither ending like a plural (`-s`, not `-ss`/`-is`/`-us`: "2 hours" stays
 * "2 days", never "2 day").
 */
export function sameShape(a: string, b: string): boolean {
  const [m, n] = [[...a].length, [...b].length];
  if (caseOf(a) !== caseOf(b) || Math.abs(m - n) > 1 + Math.floor(Math.min(m, n) / 4)) return false;
  const plural = (w: string): boolean => /[^siu]s$/i.test(w);
  return Math.min(m, n) < 4 || plural(a) === plural(b);
}

/** A letter run of a literal's units: units [from, to) (a line continuation inside it belongs to it), and its word. */
interface Run {
  from: number;
  to: number;
  word: string;
}

function runsOf(us: readonly Unit[]): Run[] {
  const runs: Run[] = [];
  let cur: Run | null = null;
  us.forEach((u, i) => {
    if (u.ch === '' && cur) return;
    if (!/^\p{L}$/u.test(u.ch)) cur = null;
    else if (cur) { cur.to = i + 1; cur.word += u.ch; }
    else runs.push((cur = { from: i, to: i + 1, word: u.ch }));
  });
  return runs;
}

/** optionsOf's answers per word source and literal source (a mutant is drawn up to 40 times per literal: canary-echo.ts drawMutant). */
const optionsMemo = new WeakMap<WordSource, Map<string, { r: Run; ws: string[] }[] | null>>();

/**
 * The runs of `runs` (of literal `src`) that are vocabulary words, each with its substitutes in
 * `words.pool` (vocabulary, same shape, none of the run's word and its neighbours': "invalid
 * invalid" reads as a slip; duplicates kept, so a frequent word is drawn more), those without any
 * left out; null when no run is a vocabulary word. Remembered per `words` object and `src`
 * (`words`' functions answer alike for one plan). Pure.
 */
function optionsOf(src: string, runs: readonly Run[], words: WordSource): { r: Run; ws: string[] }[] | null {
  let memo = optionsMemo.get(words);
  if (!memo) optionsMemo.set(words, (memo = new Map()));
  const hit = memo.get(src);
  if (hit !== undefined) return hit;
  const known = words.known ?? words.vocab;
  const vocabRuns = runs.filter((r) => known(r.word.toLowerCase()));
  let out: { r: Run; ws: string[] }[] | null = null;
  if (vocabRuns.length) {
    const others = (r: Run): string[] => { const i = runs.indexOf(r); return [runs[i - 1], r, runs[i + 1]].flatMap((x) => (x ? [x.word.toLowerCase()] : [])); };
    const fits = new Map<string, boolean>(); // vocabulary answers per lower-cased pool word
    const inVocab = (w: string): boolean => { let v = fits.get(w); if (v === undefined) fits.set(w, (v = words.vocab(w))); return v; };
    out = vocabRuns
      .map((r) => { const not = others(r); return { r, ws: words.pool.filter((w) => { const lw = w.toLowerCase(); return !not.includes(lw) && inVocab(lw) && sameShape(r.word, w); }) }; })
      .filter((o) => o.ws.length > 0);
  }
  memo.set(src, out);
  return out;
}

/**
 * A string literal's source (`src`, quotes included) with one vocabulary word replaced (see the
 * module comment), `tell: false`, no `strict` (an honest wrong result may well be another word of
 * the file: '1.5m' for '1.5s'); null when its value holds no vocabulary word (the caller's character
 * edit reads alike to a word reader); `tell: true` when it holds one but no run has a substitute
 * in `words.pool` (vocabulary, same shape, none of the run's word and its neighbours') that gives a valid mutant. The word is a
 * uniform run among those with a substitute, the substitute a draw from the pool's matches. The
 * mutant parses in the original's mode (strict when `src` is valid strict code) as one literal whose
 * value is the original's with that run replaced; new letters are spelled as the literal spells
 * them (canary-literal.ts `encoder`). Throws when `src` is not a string literal.
 */
export function mutateWords(src: string, words: WordSource, rng: Rng = (n) => randomInt(n)): LiteralMutation | null {
  const strict = cookedOf(src, true) !== null;
  const original = cookedOf(src, strict);
  if (original === null) throw new Error(`mutateWords: not a string literal: ${src.slice(0, 80)}`);
  const q = src[0]!;
  const us = units(src.slice(1, -1));
  const runs = runsOf(us);
  const options = optionsOf(src, runs, words);
  if (options === null) return null;
  const encode = encoder(us, q);
  for (let k = 0; options.length && k < 20; k++) {
    const { r, ws } = options[rng(options.length)]!;
    const w = ws[rng(ws.length)]!;
    const out = [...us.slice(0, r.from), ...[...w].map((ch) => ({ src: encode(ch), ch })), ...us.slice(r.to)];
    const code = `${q}${out.map((u) => u.src).join('')}${q}`;
    const value = out.map((u) => u.ch).join('');
    if (value !== original && cookedOf(code, strict) === value) return { code, tell: false };
  }
  return { code: '', tell: true };
}

/**
 * A string literal's mutant (see canary-literal.ts `mutateString` for `pool`, `lengths`): word-level
 * (`mutateWords`) when `words` is given and the value holds a vocabulary word; the character edit
 * when it holds none (or `words` is absent), new characters then no letters when the value has
 * none; the character edit marked `tell` when it holds one but no word-level mutant exists.
 */
export function mutateText(src: string, pool: readonly string[], rng?: Rng, lengths?: readonly number[], words?: WordSource): LiteralMutation {
  const m = words ? mutateWords(src, words, rng) : null;
  if (m && !m.tell) return m;
  // a value with no letter gains none (a reader would see a word, or a non-word, appear in one twin only)
  const value = cookedOf(src, true) ?? cookedOf(src, false);
  const plain = words && value !== null && value !== '' && !letterRuns(value).length ? pool.filter((c) => !/\p{L}/u.test(c)) : [];
  const c = mutateString(src, plain.length ? plain : pool, rng, lengths);
  return m ? { ...c, tell: true } : c;
}

/**
 * The literal's source (`text` is the file) changed so no value equal to the original (strictly or
 * loosely) matches, with no rule telling the mutant from the original: a string as `mutateText`
 * changes it (`pool`, `lengths`, `words`: see there), a number with one digit changed in its own
 * notation (canary-literal.ts), a boolean flipped. `tell`: the pair gives the original away.
 */
export function mutateLiteral(lit: ExpectedLiteral, text: string, pool: readonly string[], rng?: Rng, lengths?: readonly number[], words?: WordSource): LiteralMutation {
  const v = lit.value;
  if (typeof v === 'boolean') return { code: String(!v), tell: false };
  const src = text.slice(lit.start, lit.end);
  return typeof v === 'number' ? mutateNumber(src, rng) : mutateText(src, pool, rng, lengths, words);
}

/** The words of the hosts' expected strings found at base_commit (canary-elsewhere.ts `wordsAtBase`): as whole words, and anywhere (`part` ⊇ `whole`). Lower case. */
export interface BaseWords {
  whole: ReadonlySet<string>;
  part: ReadonlySet<string>;
}

/** The Vocabulary of word-level mutants: `baseWords` and the words of `statement`; undefined (every word counts) without `baseWords`. */
export function vocabOf(baseWords: BaseWords | undefined, statement: string | undefined): Vocabulary | undefined {
  if (!baseWords) return undefined;
  const said = new Set(letterRuns((statement ?? '').toLowerCase()));
  return { vocab: (w) => baseWords.whole.has(w) || said.has(w), known: (w) => baseWords.part.has(w) || said.has(w) };
}

/**
 * What a file's mutants are drawn from, read off its tests' expected literals (`found`, offsets into
 * `text`): `pool`, every character of its strings; `words`, their letter runs with `vocab` (absent:
 * every word counts; see WordSource); `lengths`, the non-empty strings' lengths (code points);
 * `sources`, every literal as written (canary-echo.ts `DrawContext.sources`).
 */
export function mutantMaterial(found: readonly { literals: readonly ExpectedLiteral[] }[], text: string, vocab?: Vocabulary): { pool: string[]; words: WordSource; lengths: number[]; sources: string[] } {
  const lits = found.flatMap((t) => t.literals);
  const strings = lits.flatMap((l) => (typeof l.value === 'string' ? [l.value] : []));
  return {
    pool: strings.flatMap((v) => [...v]),
    words: { vocab: (): boolean => true, ...vocab, pool: strings.flatMap(letterRuns) },
    lengths: strings.flatMap((v) => (v !== '' ? [[...v].length] : [])),
    sources: lits.map((l) => text.slice(l.start, l.end)),
  };
}
