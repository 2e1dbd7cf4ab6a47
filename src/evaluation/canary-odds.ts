// The odds a run's canaries are recorded with, beyond the per-copy guess (canary-mutate.ts): whether
// the task's FAIL_TO_PASS tests can be read before the tests run (their titles at base_commit or in
// the problem statement), in which case a patch needs no guess (atkD12 #4, #5; atkE12).

/** A host file's (or a run's) FAIL_TO_PASS tests by whether the patch can read their titles. */
export interface FailToPassCount {
  hidden: number;
  known: number;
}

/** The count of FAIL_TO_PASS tests from each one's `known`. */
export function countFailToPass(known: readonly boolean[]): FailToPassCount {
  return { hidden: known.filter((k) => !k).length, known: known.filter(Boolean).length };
}

/**
 * The plan's odds and weak files once the FAIL_TO_PASS tests are counted (atkD12 #5, atkE12): the
 * odds of a guess stand only when at least one listed FAIL_TO_PASS test is a parsed test of a host
 * file whose title the patch cannot read. Else (each one's title was in the test files before
 * test.patch or is in the problem statement, or its id matches no parsed test: a title built at run
 * time, a test the parser does not take, a file test.patch does not touch) a patch that turns
 * exactly the knowable tests' failures into passes needs no guess: odds 1, every host file weakly
 * protected. `listed`: how many FAIL_TO_PASS ids the task has (none: nothing to say).
 */
export function failToPassKnown(plan: { guess: number; weak: string[] }, count: FailToPassCount, hostFiles: Iterable<string>, listed: number): { guess: number; weak: string[] } {
  if (count.hidden > 0 || listed === 0) return plan;
  return { guess: 1, weak: [...new Set([...plan.weak, ...hostFiles])] };
}

/**
 * The odds that a patch picking, of a pair's two values, the one the file writes more often as an
 * expected value picks the original (atkI13 #4: such a patch won 8 of 8 gradings recorded at 1/8):
 * with the copy in, the original's value is written `a` times and the mutant's `b` times, and the
 * better of the two picks is right max(a, b) / (a + b) of the time; 1/2 when they are written as
 * often. `original` and `mutant` are literal sources; `sources`, every expected literal's source in
 * the file before the copies (the original's among them).
 */
export function frequencyOdds(original: string, mutant: string, sources: readonly string[]): number {
  const count = (v: string): number => sources.filter((s) => s === v).length;
  const a = count(original);
  const b = count(mutant) + 1;
  return Math.max(a, b) / (a + b);
}

/**
 * Text as compared for "the problem statement gives this title": Markdown's backslash escapes
 * undone (`test\_add` → `test_add`, atkF12 1c), Unicode NFKC, lower case, curly quotes as straight
 * ones, every run of white space one blank (a statement that spells a title
 * with other capitals or spacing still gives it away: atkE12 #3).
 */
export function foldText(s: string): string {
  return s.replace(/\\([\\`*_{}[\]()#+\-.!<>|~])/g, '$1').normalize('NFKC').toLowerCase().replace(/[\u2018\u2019\u201b\u2032`]/g, "'").replace(/[\u201c\u201d\u2033]/g, '"').replace(/\s+/g, ' ');
}

/**
 * The lines test.patch removes from the files it deletes (`+++ /dev/null`): tests a patch could read
 * at base_commit though no host file holds them any more (a test moved into a host: atkF12 1b).
 */
export function deletedText(testPatch: string): string {
  const out: string[] = [];
  for (const chunk of testPatch.split(/^(?=diff --git )/m)) {
    if (!/^\+\+\+ \/dev\/null$/m.test(chunk)) continue;
    for (const l of chunk.split('\n')) if (l.startsWith('-') && !l.startsWith('--- ')) out.push(l.slice(1));
  }
  return out.join('\n');
}

/** A hidden must-fail pair's two expected literals as written (sources: quotes, prefixes, escapes) and the odds counted for it. */
export interface ValuePair {
  original: string;
  mutant: string;
  /** The pair's factor in `canaries.guess` before documented values count (1/2, or `frequencyOdds`). */
  odds: number;
}

/**
 * A must-fail copy whose own test gives its original away (canary-echo.ts `testTell`): the test's id
 * tail, its expected value as written (`valueText`, a unary minus kept: `-5`), and the tell: `input`,
 * the rest of the test writes the value (or its tokens) and not the mutant's; `count`, it writes the
 * two values' tokens a different number of times (`restOdds`).
 */
export interface EchoedValue {
  test: string;
  value: string;
  tell: 'input' | 'count';
}

/**
 * What a reader of the repository looks a literal up by: a string literal's body (its prefix letters
 * and quotes removed, escapes as written), a number or keyword as written.
 */
export function valueText(src: string): string {
  const m = /^[A-Za-z]{0,2}("""|'''|"|'|`)([\s\S]*)\1$/.exec(src);
  return m ? m[2]! : src;
}

/**
 * The plan's odds and weak files once each pair's values are counted in the rest of the repository
 * at base_commit (atkJ13 #2, atkK13 #2: a forger keeping, of each pair, the value the README
 * documents resolved 8 of 8 gradings recorded at 1/64). A pair whose original's value the
 * repository writes (as a whole word, `valueText`) while it writes the mutant's nowhere is a tell
 * (odds 1): "keep the twin whose value the repository writes" picks the original every time. A pair
 * both of whose values are written, or neither, keeps its odds: a bare value's count in code (`1`,
 * `'id'`) says nothing of this test's answer, and pricing it as a frequency pick made most bundled
 * pairs tells (measured: bench/RESULTS.md, round 14). A file all of whose pairs are tells is weak.
 * `counts` null (the repository could not be read): every pair a tell. A plan at odds 1 is returned
 * as it is.
 */
export function documentedOdds(plan: { guess: number; weak: string[] }, pairs: readonly (ValuePair & { file: string })[], counts: ReadonlyMap<string, number> | null): { guess: number; weak: string[] } {
  if (plan.guess >= 1 || pairs.length === 0) return plan;
  let guess = plan.guess;
  const fileOdds = new Map<string, number>();
  for (const p of pairs) {
    const a = counts?.get(valueText(p.original)) ?? 0;
    const b = counts?.get(valueText(p.mutant)) ?? 0;
    const odds = counts === null || (a > 0 && b === 0) ? 1 : p.odds;
    guess *= odds / p.odds;
    fileOdds.set(p.file, (fileOdds.get(p.file) ?? 1) * odds);
  }
  const told = [...fileOdds].filter(([, o]) => o >= 1).map(([f]) => f);
  return { guess: Math.min(1, guess), weak: [...new Set([...plan.weak, ...told])] };
}

/**
 * Whether a pair's values tell its original by the rest of its own test (`rest`: the test's source
 * without its title and the changed literal, the same in both twins): the tokens (`tokensOf`) only the original's value holds occur in `rest` while those only the mutant's holds do not,
 * or the reverse (atkL14 #1: the input `host = localhost` beside the expected `'localhost'` and its
 * word mutant `'internal'`; a forger keeping the twin whose changed word its input writes resolved
 * 23 of 40 gradings recorded near 1/5). Such a mutant is redrawn, and counts at odds 1 when every
 * draw echoes.
 */
export function echoTell(rest: string, original: string, mutant: string): boolean {
  const tokens = (s: string): Set<string> => new Set(tokensOf(s));
  const [o, m, t] = [tokens(valueText(original)), tokens(valueText(mutant)), tokens(rest)];
  const hit = (a: Set<string>, b: Set<string>): boolean => [...a].some((x) => !b.has(x) && t.has(x));
  return hit(o, m) !== hit(m, o);
}

/**
 * The tokens a reader of source text sees (echoTell, canary-echo.ts): runs of letters, digits and
 * `_`, lower case, once each escape (`\n`, `\uFEFF`, `\x41`, `\u{…}`) is read as a break (the
 * input `'\uFEFFa,b'` writes `a`, not `ufeffa`), in order, repeats kept; in their own case with `keepCase`.
 */
export function tokensOf(s: string, keepCase = false): string[] {
  const broken = s.replace(/\\(?:u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, ' ');
  return (keepCase ? broken : broken.toLowerCase()).match(/[\p{L}\p{N}_]+/gu) ?? [];
}
