// Mutated canaries (canary.ts): copies of a test file's own tests, placed beside their originals,
// under titles made from the file's own words. A failing one has one expected literal changed
// so it cannot pass; a passing one has one literal respelled (a failing one's twin: canary-group.ts). Nothing in them (names, values,
// shape, place) tells them from the file's tests by a rule that does not also hit the tests themselves.
import { countFailToPass, type EchoedValue, type FailToPassCount, type ValuePair } from './canary-odds.ts';
import { drawMutant, echoedValue } from './canary-echo.ts';
import { randomInt } from 'node:crypto';
import { cleanName, ID_SEPARATOR } from './parse/index.ts';
import { findTests, idKey, idSafeTitle, type ExpectedLiteral, type FoundTest } from './canary-parse.ts';
import { mutantMaterial, mutateLiteral, type Vocabulary } from './canary-words.ts';
export { mutateLiteral } from './canary-words.ts';
import { articleFits, slotOf } from './canary-title-slot.ts';
import { hidingLiterals, swappableTitle, type ReadableBefore } from './canary-swap.ts';
import { pick, shuffle } from './canary-random.ts';
import { namesNoListedId, passSource, respellCopy } from './canary-respell.ts';
import { arrange, spanWith, twinOfMutant, type SpanEdit } from './canary-group.ts';

/** A copy placed in a file: its id tail, what it must come out as, and its original's id tail. */
export interface MutatedTest {
  suite: string;
  title: string;
  must: 'FAILED' | 'PASSED';
  original: string;
  /**
   * A must-fail copy whose changed literal is a string with one character substituted: it may not
   * pass while its original fails (an honest wrong result equals it by chance only; a forger that
   * took the copy for the original does that). Absent for a character inserted or deleted (an honest
   * off-by-one equals it), a word replaced (canary-words.ts: another word of the file), numbers and
   * booleans, which an honest wrong patch can return.
   */
  strict?: boolean;
}

/** Which tests of the task a file's tests are (ids of FAIL_TO_PASS / PASS_TO_PASS), and the lines test.patch adds to it. */
export interface HostContext {
  failToPass: readonly string[];
  passToPass: readonly string[];
  /** 1-based line numbers test.patch adds to the file (its hidden tests). */
  added: ReadonlySet<number>;
  /**
   * Whether a title (as parsed, or as written between its quotes) occurs in the test files as they
   * were before test.patch (`baseTexts`) or in the problem statement: a patch can read those, so a
   * copy of a test whose title it knows is given away by its new title. Absent: no title is known
   * (no test.patch to tell).
   */
  known?: (title: string) => boolean;
  /**
   * What a patch can read (the host files before test.patch, the problem statement), as
   * `visibleWords` gives it: a copy's new title is balanced so that it and its original have as many
   * neighbouring-word pairs found there. Absent: balanced against the file's other titles.
   */
  visible?: string;
  /** Titles of tests and of suites already used in any host file (new titles are kept unique across them). */
  taken: Set<string>;
  /** How the runner joins nested suite titles in an id: ` > `, or one space for mocha (its `fullTitle`). */
  join: string;
  /**
   * Whether a test's title (as parsed, and its source text with quotes, as written) is its alone in
   * the hosts and the repository: only such a test's pair may be swapped (canary-swap.ts), since its
   * result ids are then its own. Absent: no pair is swapped.
   */
  unique?: (title: string, source: string) => boolean;
  /** What a patch could read before the run (canary-swap.ts `valueIsNew`); absent: every value on a line test.patch adds counts as new. */
  before?: ReadableBefore;
  /** The words a patch can read (canary-words.ts `Vocabulary`); absent: every word. */
  vocab?: Vocabulary;
  /** Whether the repository writes a value outside the hosts (canary-echo.ts `DrawContext`); absent: priced after planning only. */
  documented?: (value: string) => boolean;
  /** Most must-fail copies in this file (1 for a host test.patch does not touch: canary-listed-hosts.ts); absent: MAX_FAIL_COPIES. */
  maxFail?: number;
}

const listed = (ids: readonly string[], tail: string): boolean => ids.some((id) => id === tail || id.endsWith(`${ID_SEPARATOR}${tail}`));

/** Most must-fail copies per file, each from a different test: a patch guessing which of an original and its mutant is the canary beats them all with odds 1/2 per copy (1/8 at 3). */
export const MAX_FAIL_COPIES = 3;

/**
 * The file's text with failing copies and a passing copy inserted, the copies, the pairs written
 * swapped (`swaps`, id tails: canary-swap.ts; a swappable failing copy's pair is swapped at random,
 * half the time), `hidden` (how many failing copies' pairs hide which twin is the copy: a title the
 * patch cannot know, `ctx.known`, or a swappable pair with a value test.patch wrote) and `weak` (a
 * file of one test — one group is a 1/2 guess —, no must-pass copy at all — no passing copy and no
 * group's third member —, or no failing copy hidden), or null when the file has no test with a mutable
 * expected literal (or does not parse). Up to {@link MAX_FAIL_COPIES} failing copies, each of a
 * different test a pair hides (only when none is, of others: odds 1), picked in this order:
 * FAIL_TO_PASS tests, tests test.patch adds, any (random within each); each with a third member when
 * another literal of the test can be respelled: a copy of the original (must pass) or of the mutant
 * (must fail), at even odds (canary-group.ts). The passing one copies a test of no group that no
 * listed id can be ({@link passSource}), with one literal written otherwise where it has one
 * (canary-respell.ts).
 * A test and its copies stand side by side in a random order, at its indentation. `failToPass`: the
 * file's FAIL_TO_PASS tests whose titles the patch cannot and can know (canary-odds.ts `countFailToPass`).
 */
export function mutateHost(file: string, text: string, ctx: HostContext): { text: string; tests: MutatedTest[]; swaps: { a: string; b: string }[]; weak: boolean; hidden: number; odds: number; pairs: ValuePair[]; echoed: EchoedValue[]; failToPass: FailToPassCount } | null {
  const all = findTests(file, text);
  // Suite titles too: a copy named like a sibling `describe` would share its id with the suite's (reporters differ on suites).
  for (const t of all ?? []) for (const s of [t.title, ...t.suites]) ctx.taken.add(s);
  const found = all?.filter((t) => !t.unsafe);
  if (!found?.length) return null;
  const lineOf = (pos: number): number => text.slice(0, pos).split('\n').length;
  const isNew = (t: FoundTest): boolean => { for (let l = lineOf(t.start); l <= lineOf(t.end); l++) if (ctx.added.has(l)) return true; return false; };
  const tail = (t: FoundTest, title = t.title): string => (t.suites.length ? `${t.suites.join(ctx.join)}${ID_SEPARATOR}${title}` : title);
  // as ids are keyed (parse/names.ts `cleanName`: a title's trailing space or duration dropped), else a listed test reads as unlisted (atkA23 #2)
  // (mocha: its suites joined by a space as one part, cleaned apart from the title, as parse/mocha-json.ts keys them: atkB24)
  const key = (t: FoundTest): string => (ctx.join === ID_SEPARATOR ? [...t.suites, t.title] : [t.suites.join(ctx.join), t.title].filter((p) => p !== '')).map(cleanName).join(ID_SEPARATOR);
  // …and with `"` as node 20's JUnit writes it in an id, `&quot;`, the spelling a task lists (atkA24 #4)
  const quot = (s: string): string => s.replace(/"/g, '&quot;');
  const f2pIds = ctx.failToPass.map(quot);
  const f2p = (t: FoundTest): boolean => listed(f2pIds, quot(key(t)));
  const isKnown = (t: FoundTest): boolean => ctx.known !== undefined && (ctx.known(t.title) || ctx.known(text.slice(t.titleStart + 1, t.titleEnd - 1)));
  const mutable = found.filter((t) => t.literals.length > 0);
  if (!mutable.length) return null;
  // A pair may be swapped (the mutant under the original's title) when the grader can find both
  // titles' results by plain search and they are the test's alone: plain titles, written once in
  // the hosts, no test nested in it (its children's ids would move with it).
  const canSwap = (t: FoundTest): boolean =>
    ctx.unique !== undefined && [t.title, ...t.suites].every(swappableTitle) && ctx.unique(t.title, text.slice(t.titleStart, t.titleEnd)) && !(all ?? []).some((o) => o !== t && o.start >= t.start && o.end <= t.end);
  // Mutants only of tests a pair can hide (canary-swap.ts `hidingLiterals`), where the file has any.
  const hiding = (t: FoundTest): ExpectedLiteral[] => hidingLiterals(t.literals, text, { known: isKnown(t), swappable: canSwap(t), added: ctx.added, ...(ctx.before ? { before: ctx.before } : {}) });
  const hiddenSrcs = mutable.filter((t) => hiding(t).length > 0);
  const rank = (t: FoundTest): number => (f2p(t) ? 0 : isNew(t) ? 1 : 2);
  const failSrcs = shuffle(hiddenSrcs.length ? hiddenSrcs : mutable).sort((a, b) => rank(a) - rank(b)).slice(0, ctx.maxFail ?? MAX_FAIL_COPIES);
  // At least one test not FAIL_TO_PASS stays out of the groups, for the hook canary or the passing copy, where the file has two or more.
  if (failSrcs.length > 1 && failSrcs.length === found.length && !f2p(failSrcs.at(-1)!)) failSrcs.pop();
  // The passing copy is of a test no listed id can be (canary-respell.ts `namesNoListedId`): a pair of tests equal by value
  // and no mutant beside them is one a patch can empty at no risk, passing a listed original (atkA23 #3); a group's third member is the must-pass copy of a listed test.
  const unlisted = found.filter((t) => !failSrcs.includes(t) && namesNoListedId([...ctx.failToPass, ...ctx.passToPass], t.title));
  const passSrc = passSource([unlisted], (t) => respellCopy(text, t, all ?? []) !== null, unlisted);
  const edits: { start: number; end: number; code: string }[] = [];
  const tests: MutatedTest[] = [];
  const swaps: { a: string; b: string }[] = [];
  // Copies whose change gives the original away (the odds of guessing them are 1, not 1/2).
  const told = new Set<FoundTest>();
  // Each hidden pair's odds of a pick by value frequency (1/2 when its values are written as often).
  const pairOdds = new Map<FoundTest, number>();
  const pairValues = new Map<FoundTest, { original: string; mutant: string }>();
  // Must-fail copies the rest of their own test gives away (its input holds the expected value): named in the record.
  const echoed: EchoedValue[] = [];
  let twins = 0; // groups with a third member
  const { pool, words, sources, lengths } = mutantMaterial(found, text, ctx.vocab);
  for (const [src, must] of [...failSrcs.map((t) => [t, 'FAILED'] as const), ...(passSrc ? [[passSrc, 'PASSED'] as const] : [])]) {
    const { title, balanced } = variantTitleOf(src.title, found.map((t) => t.title), ctx.taken, ctx.known, ctx.visible);
    // A swappable pair's titles tell nothing (which twin holds the mutant is a coin flip); another's must read alike.
    const swappable = must === 'FAILED' && hiddenSrcs.includes(src) && canSwap(src);
    ctx.taken.add(title);
    if (!balanced && !swappable) told.add(src);
    const swap = swappable && randomInt(2) === 1;
    const copyTitle = { start: src.titleStart, end: src.titleEnd, code: quoteAs(title, src.quote) };
    const parts = swap ? [] : [copyTitle];
    let strict = false;
    let mutantEdit: SpanEdit | null = null;
    if (must === 'FAILED') {
      // A string where the test has one (a substituted character: its copy passing while the original fails is then a forger's wrong guess).
      // An empty string only as a last resort: it can only grow, so its mutant is the longer one.
      const lits = hiddenSrcs.includes(src) ? hiding(src) : src.literals;
      const strings = lits.filter((l) => typeof l.value === 'string' && l.value !== '');
      const rest = lits.filter((l) => typeof l.value !== 'string');
      const lit = pick(strings.length ? strings : rest.length ? rest : lits);
      // the test without its title (the twins' titles differ: canary-title-slot.ts balances them) and without the changed literal
      const around = text.slice(src.start, src.titleStart) + text.slice(src.titleEnd, lit.start) + text.slice(lit.end, src.end);
      // Redrawn while it tells (canary-echo.ts: the file's or the test's value frequency, the rest of its test, the repository), else drawn from the test's own tokens; a tell counts at odds 1.
      const m = drawMutant(text.slice(lit.start, lit.end), () => mutateLiteral(lit, text, pool, undefined, lengths, words), { rest: around, sources, ...(ctx.vocab ? { vocab: ctx.vocab } : {}), ...(ctx.documented ? { documented: ctx.documented } : {}) });
      strict = m.strict === true;
      if (m.tell) told.add(src);
      const echo = m.tell ? echoedValue(tail(src), around, text, lit, m.code) : null;
      if (echo) echoed.push(echo);
      pairOdds.set(src, m.odds);
      pairValues.set(src, { original: text.slice(lit.start, lit.end), mutant: m.code });
      parts.push((mutantEdit = { start: lit.start, end: lit.end, code: m.code }));
    } else parts.push(...[respellCopy(text, src, all ?? [])].flatMap((e) => (e ? [e] : [])));
    // Swapped: the copy (the mutant) keeps the original's title, and the original takes the new one.
    const members = [spanWith(text, src.start, src.end, swap ? [copyTitle] : []), spanWith(text, src.start, src.end, parts)];
    if (swap) swaps.push({ a: tail(src), b: tail(src, title) });
    tests.push({ suite: src.suites.join(ctx.join), title, must, original: tail(src), ...(strict ? { strict } : {}) });
    // A must-fail copy's group gets a third member (canary-group.ts): a copy of the original or of the mutant, another literal respelled.
    const r = mutantEdit ? respellCopy(text, src, all ?? [], false, mutantEdit) : null;
    if (r) {
      twins++;
      const ofMutant = twinOfMutant();
      // its title may read as a copy's (which of the test and its mutant it equals by value is the coin's), but not be the odd one of three (atkA24 #3)
      const twin = thirdTitleOf(src.title, title, found.map((t) => t.title), ctx.taken, ctx.known, ctx.visible);
      ctx.taken.add(twin.title);
      if (!twin.aligned && !swappable) told.add(src);
      members.push(spanWith(text, src.start, src.end, [{ start: src.titleStart, end: src.titleEnd, code: quoteAs(twin.title, src.quote) }, r, ...(ofMutant ? [mutantEdit!] : [])]));
      tests.push({ suite: src.suites.join(ctx.join), title: twin.title, must: ofMutant ? 'FAILED' : 'PASSED', original: tail(src), ...(ofMutant && strict ? { strict } : {}) });
    }
    const indent = /[ \t]*$/.exec(text.slice(text.lastIndexOf('\n', src.start - 1) + 1, src.start))![0];
    edits.push({ start: src.start, end: src.end, code: arrange(members, `\n${indent}`) });
  }
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.code + out.slice(e.end);
  const hides = (t: FoundTest): boolean => hiddenSrcs.includes(t) && !told.has(t);
  const hidden = failSrcs.filter(hides).length;
  const odds = failSrcs.filter(hides).reduce((o, t) => o * (pairOdds.get(t) ?? 0.5), 1);
  // A FAIL_TO_PASS test is hidden when its title is, or when a swappable pair hides it.
  const swapHidden = (t: FoundTest): boolean => failSrcs.includes(t) && hides(t) && canSwap(t);
  const pairs = failSrcs.filter(hides).map((t) => ({ ...pairValues.get(t)!, odds: pairOdds.get(t) ?? 0.5 }));
  return { text: out, tests, swaps, weak: found.length < 2 || (passSrc === null && twins === 0) || hidden === 0, hidden, odds, pairs, echoed, failToPass: countFailToPass((all ?? []).filter(f2p).map((t) => isKnown(t) && !swapHidden(t))) };
}

/** `text` lower-cased, every run of characters other than letters, digits, `'` and `-` made one space, with a space at each end: what `variantTitleOf` looks word pairs up in. */
export function visibleWords(text: string): string {
  return ` ${text.toLowerCase().replace(/[^\p{L}\p{N}'-]+/gu, ' ').trim()} `;
}

/**
 * The title of a group's third member (canary-group.ts): a variant of `title` as {@link
 * variantTitleOf} draws it, replacing the word `first` (the mutant's title) replaced, so the three
 * titles are each one word from the others — with another word replaced, `title` would be the one
 * title one word from both others, which stay two apart (atkA24 #3). `aligned` false: no such
 * variant, the title is variantTitleOf's.
 */
export function thirdTitleOf(title: string, first: string, titles: readonly string[], taken: ReadonlySet<string>, known: (t: string) => boolean = () => false, visible?: string): { title: string; aligned: boolean } {
  const words = title.split(' ');
  const slot = (t: string): number => { const ws = t.split(' '); return ws.length !== words.length ? -1 : ws.findIndex((w, i) => w !== words[i]); };
  const at = slot(first);
  const c = variantCandidates(title, titles, taken, known, visible);
  // `any()` checks every candidate against `known` (most of the cost): asked only when the others have no fit
  for (const tier of at < 0 ? [] : [() => c.balanced, () => c.sameSlot, c.any]) {
    const fits = tier().filter((t) => slot(t) === at);
    if (fits.length) return { title: pick(fits), aligned: true };
  }
  return { title: variantTitleOf(title, titles, taken, known, visible).title, aligned: false };
}

/** {@link variantTitleOf}'s title alone. */
export function variantTitle(title: string, titles: readonly string[], taken: ReadonlySet<string>, known: (t: string) => boolean = () => false, visible?: string): string {
  return variantTitleOf(title, titles, taken, known, visible).title;
}

/**
 * A title unique among `taken`: the original with one word replaced by a word of the file's titles
 * (`titles`, the original among them), never a word added (the longer title of a pair would be
 * the copy), and that `known` (the text a patch can read) does not hold. The new word fills the
 * replaced one's slot in some other title (`slotOf`: same closed class, or an open-class word
 * between the same kinds of neighbours, plural kept; a/an kept right), so the copy is no less
 * grammatical than the original (attackG: "does of use weeks"); a balanced pair needs the original's
 * word to fill that slot in another title too (atkA: else "the word attested in that slot elsewhere
 * is the copy's" tells them apart). The word is chosen so the
 * pair reads alike both ways: the two titles have as many neighbouring-word pairs attested in what
 * a patch can read (`visible`, from `visibleWords`; without it, the file's other titles) around
 * the replaced word, the most such first (a copy whose new pairs all occur there while its
 * original's do not would be the "less typical" one of the pair, and the reverse). `balanced`:
 * false when no such word exists (the title is then a same-slot replacement, else any, or `title N`
 * when none is left): the pair's titles may tell the copy, whose odds then count as 1.
 */
export function variantTitleOf(title: string, titles: readonly string[], taken: ReadonlySet<string>, known: (t: string) => boolean = () => false, visible?: string): { title: string; balanced: boolean } {
  const c = variantCandidates(title, titles, taken, known, visible);
  if (c.balanced.length) return { title: pick(c.balanced), balanced: true };
  if (c.sameSlot.length) return { title: pick(c.sameSlot), balanced: false };
  const any = c.any();
  if (any.length) return { title: pick(any), balanced: false };
  for (let n = 2; ; n++) if (!taken.has(`${title} ${n}`)) return { title: `${title} ${n}`, balanced: false };
}

/**
 * The titles {@link variantTitleOf} draws from, in its order (each list as it picks from it, a title
 * repeated as often as it is drawn): `balanced` (the best level's), `sameSlot` (distinct), and
 * `any()` (every acceptable one-word replacement; computed on demand, since it is needed only when
 * both others are empty, and checking each candidate against `known` is most of the cost).
 */
export function variantCandidates(title: string, titles: readonly string[], taken: ReadonlySet<string>, known: (t: string) => boolean = () => false, visible?: string): { balanced: string[]; sameSlot: string[]; any: () => string[] } {
  const words = title.split(' ');
  const self = titles.indexOf(title);
  const others = titles.filter((_, i) => i !== self);
  const vocab = new Set(titles.flatMap((t) => t.split(/\s+/)).filter((w) => /^[\p{L}][\p{L}\p{N}'-]*$/u.test(w)));
  const otherWords = others.map((t) => t.split(/\s+/).filter(Boolean));
  const pairs = new Set(otherWords.flatMap((ws) => ['', ...ws, ''].slice(1).map((w, i) => `${i === 0 ? '' : ws[i - 1]}\u0000${w}`)));
  const fitsMemo = new Map<string, number>();
  const fits = visible === undefined
    ? (a: string, b: string): number => (pairs.has(`${a}\u0000${b}`) ? 1 : 0)
    : (a: string, b: string): number => {
      const k = `${a}\u0000${b}`;
      let v = fitsMemo.get(k);
      if (v === undefined) {
        const pair = visibleWords(`${a} ${b}`);
        v = a && b && pair.trim().includes(' ') && visible.includes(pair) ? 1 : 0;
        fitsMemo.set(k, v);
      }
      return v;
    };
  // A candidate is acceptable when new (as ids key it too: `a` is the id of `a `, `&quot;` of `"` in node's JUnit), unknown to the patch, and with no word twice in a row; the cheap half first.
  const keyed = new Set(Symbol.iterator in taken ? [...taken].map(idKey) : []);
  const fresh = (t: string): boolean => t !== title && !taken.has(t) && idSafeTitle(t) && !keyed.has(idKey(t));
  const unknown = (t: string): boolean => !known(t) && !/(?:^| )(\S+) \1(?: |$)/.test(t);
  // The slots each word fills in the other titles: a replacement fills the replaced word's slot (canary-title-slot.ts).
  const slots = new Map<string, Set<string>>();
  for (const ws of otherWords) ws.forEach((w, i) => slots.set(w, (slots.get(w) ?? new Set()).add(slotOf(ws, i))));
  const sameSlot = new Set<string>();
  // Words as often as the other titles use them: the original's word is such a draw, so the new one is too.
  const counts = new Map<string, number>();
  for (const w of others.flatMap((t) => t.split(/\s+/))) if (vocab.has(w)) counts.set(w, (counts.get(w) ?? 0) + 1);
  const byLevel = new Map<number, string[]>();
  // Every fresh candidate in order; `checked` when it is known acceptable, else `unknown` decides later.
  const candidates: { t: string; checked: boolean }[] = [];
  // Only a word the other titles also use is replaced (else the one word found nowhere else marks the original).
  const shared = new Set(words.map((w, i) => (counts.has(w) ? i : -1)).filter((i) => i >= 0));
  words.forEach((orig, i) => {
    if (shared.size && !shared.has(i)) return;
    const prev = i === 0 ? '' : words[i - 1]!;
    const next = words[i + 1] ?? '';
    const own = fits(prev, orig) + fits(orig, next);
    const slot = slotOf(words, i);
    // Both ways (atkA): the original's word fills this slot in another title too, else "the word found in that slot elsewhere is the copy's".
    const both = slots.get(orig)?.has(slot) === true;
    // The title with word i replaced is `head + w + tail` (as joining the words with w in place).
    const head = i === 0 ? '' : `${words.slice(0, i).join(' ')} `;
    const tail = i === words.length - 1 ? '' : ` ${words.slice(i + 1).join(' ')}`;
    for (const [w, n] of counts) {
      if (w === orig) continue;
      const t = head + w + tail;
      if (!fresh(t)) continue;
      // Only a word of the same slot (and a/an kept right): else the copy reads ungrammatically and the original is the sensible one.
      if (!slots.get(w)?.has(slot) || !articleFits(words[i - 1], w)) {
        candidates.push({ t, checked: false });
        continue;
      }
      if (!unknown(t)) continue;
      candidates.push({ t, checked: true });
      sameSlot.add(t);
      if (both && fits(prev, w) + fits(w, next) === own) byLevel.set(own, [...(byLevel.get(own) ?? []), ...Array<string>(n).fill(t)]);
    }
  });
  const best = Math.max(-1, ...byLevel.keys());
  return {
    balanced: best >= 0 ? byLevel.get(best)! : [],
    sameSlot: [...sameSlot],
    any: () => candidates.filter((c) => c.checked || unknown(c.t)).map((c) => c.t),
  };
}

/** A JS string literal for `s` in the quote `q` (`'`, `"` or a backtick). */
export function quoteAs(s: string, q: string): string {
  if (q === '"') return JSON.stringify(s);
  const body = JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"');
  if (q === '`') return `\`${body.replace(/`/g, '\\`').replace(/\$\{/g, '\\${')}\``;
  return `'${body.replace(/'/g, "\\'")}'`;
}
