// The hook canary of a node:test file (canary.ts): a must-fail test whose failure comes from a
// `beforeEach` hook, so that a patch rewriting the test child's event stream to turn every hook
// failure into a pass (a blind rewrite: DESIGN.md §11 rule 3) turns this canary into a pass too.
// Under `node --test` each file runs in a child whose event stream the parent's reporters read, so
// code under test can rewrite it; the ordinary canaries are plain test failures, which such a
// rewrite leaves alone. Measured on node 20.20 with node's JUnit and fixbench's lean TAP
// (channel-reporter.ts): a failing `beforeEach` fails the test it runs before with `hookFailed` in
// both reports (its describe: `subtestsFailed`); a failing `before` fails the describe
// (`hookFailed`) and its tests as `cancelledByParent`; a failing `after` shows in the TAP only
// (JUnit keeps the tests passed: the channels then give no verdict). So the canary is:
//
//   describe('<suite title>', () => {
//     beforeEach(() => { …a copy of test T's body, one expected literal changed… });
//     it('<title>', () => { …T's body, one literal respelled… });
//   });
//
// placed right before or after T (a test of the file no other canary copies), inside T's suites,
// the describe holding 1–3 tests (T and copies of other tests of the file), each failed by the hook.
// Honest runs fail it always: the hook fails unless the code returns the mutant's value, and then
// T's own assertion fails in the test. Each copy has one literal respelled (canary-respell.ts), so
// no test's text is written twice (atkD22 #1). Titles come from the file's words (canary-mutate.ts
// `variantTitleOf`), the mutant from the mutant machinery (canary-echo.ts `drawMutant`); `describe`
// and `beforeEach` come from an import of node:test of its own under fresh names
// (canary-hook-import.ts). What stays open: a rewrite that flips only the failures its own code
// causes, and a rewrite written against this design (any fixed shape can be learned).
import { drawMutant } from './canary-echo.ts';
import { importFresh } from './canary-hook-import.ts';
export { isEsmFile } from './canary-hook-import.ts';
import { quoteAs, variantTitleOf, type MutatedTest } from './canary-mutate.ts';
import { findTests, type FoundTest } from './canary-parse.ts';
import { pick, shuffle } from './canary-random.ts';
import { mutantMaterial, mutateLiteral, type Vocabulary } from './canary-words.ts';
import { respellCopy } from './canary-respell.ts';
import { cleanName, ID_SEPARATOR } from './parse/index.ts';

/** What hookCanary reads besides the file: the file's other canaries, and the title machinery's context (canary-mutate.ts `HostContext`). */
export interface HookContext {
  /** The file's other canaries (canary-mutate.ts `MutatedTest`: suite path joined by ` > `, title, the copied test's id tail, must): the hook canary copies a test none of them is or copies, else the must-pass one or its original, never a mutant's pair. */
  copies: readonly Pick<MutatedTest, 'suite' | 'title' | 'original' | 'must'>[];
  /** Titles of tests and suites used in any host file; the new ones are added. */
  taken: Set<string>;
  known?: (title: string) => boolean;
  visible?: string;
  vocab?: Vocabulary;
  /** Whether the file is written as an ES module (canary-hook-import.ts `isEsmFile`). */
  esm: boolean;
  /** The task's FAIL_TO_PASS ids: such a test is copied only where the file has no other, and then alone (a patch emptying both tests of a pair equal by value passes it: atkA23 #3). */
  failToPass?: readonly string[];
}

/** The hook canary as planned: the file's new text and the canary's tests (each: its suite path, title, must FAILED, `hook`). */
export interface HookCanary {
  text: string;
  tests: { suite: string; title: string; must: 'FAILED'; hook: true }[];
}

/** A test function right after the title: no parameter or one (node:test's context, named in group 1–3): `() =>`, `async (t) =>`, `t =>`, `function (t) {`. */
const TEST_FN = /^\s*,\s*(?:async\s+)?(?:\(\s*([\w$]*)\s*\)\s*=>|([\w$]+)\s*=>|function\s*[\w$]*\s*\(\s*([\w$]*)\s*\))/;
/** Members of the test context that behave alike in a `beforeEach` (node 20.20: the hook gets the test's context; measured): not `plan` (it counts the test's assertions), hooks, `skip`/`todo`, subtests. */
const HOOK_SAFE = '(?:assert|mock|diagnostic|name|fullName|signal)\\b';

/**
 * Whether the test function of `code` (a test's text from right after its title to its end) can
 * run as a `beforeEach` hook: no parameter, or one whose every use is `<param>.<member>` of
 * HOOK_SAFE; and no `this` (a `function`'s context too) used other than so. Reads the text (in
 * strings and comments too): fails closed.
 */
export function hookSafe(code: string): boolean {
  const m = TEST_FN.exec(code);
  if (!m) return false;
  const param = m[1] || m[2] || m[3];
  const body = code.slice(m[0].length);
  const bad = (name: string): RegExp => new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])(?!\\s*\\.\\s*${HOOK_SAFE})`);
  return !(param && bad(param).test(body)) && !bad('this').test(body);
}

/** Why a node:test host file got no hook canary (canary.ts `CanaryPlan.unhooked`, the record's `canaries.unhooked`). */
export interface Unhooked {
  file: string;
  why: string;
}

/** The files a plan or a record names as left without a hook canary; absent when none. */
export interface HookNotes {
  /** node:test host files with no hook canary, and why: a rewrite of that file's event stream flipping hook failures goes unseen there. Absent when none (and in older records). */
  unhooked?: Unhooked[];
}

/**
 * Plans the hook canary of the node:test file `file` whose text (its other canaries in) is `text`:
 * the text with the canary's describe inserted beside a test T it copies and node:test's
 * `describe` and `beforeEach` imported under fresh names (canary-hook-import.ts `importFresh`,
 * module system `ctx.esm`). The describe holds 1–3 tests, each failed by the hook: T and up to 2
 * copies of other tests of the file, each with one literal respelled and under its own title (the describe's
 * new title keeps the ids unique), a one-word variant of it where a test at top level or another
 * canary has that title. T and the others are tests with a test function `hookSafe` accepts, of no
 * must-fail canary's group (`HookContext.copies`) and not FAIL_TO_PASS (a test no canary copies
 * first, else the passing copy's pair) — where the file has none such, T alone, a FAIL_TO_PASS
 * test; T asserts the equality of a literal. `{ unhooked }` (why, a sentence) when there is no such
 * test, no title of the file has a one-word variant for the describe, or the file does not parse.
 */
export function hookCanary(file: string, text: string, ctx: HookContext): HookCanary | { unhooked: string } {
  const tail = (t: FoundTest): string => [...t.suites, t.title].join(ID_SEPARATOR);
  // a must-fail copy's group: its original, its mutant and the third member, whichever it copies (canary-group.ts)
  const groups = new Set(ctx.copies.filter((c) => c.must === 'FAILED').map((c) => c.original));
  const tails = (of?: Set<string>): Set<string> => new Set(ctx.copies.filter((c) => of === undefined || of.has(c.original)).flatMap((c) => [c.original, c.suite ? `${c.suite}${ID_SEPARATOR}${c.title}` : c.title]));
  const [copied, grouped] = [tails(), tails(groups)];
  // FAIL_TO_PASS as results key ids (parse/names.ts `cleanName` on each part, `"` as node 20's JUnit writes it: `&quot;`, atkA24 #4)
  const keyOf = (parts: readonly string[]): string => parts.map(cleanName).join(ID_SEPARATOR).replace(/"/g, '&quot;');
  const f2pKeys = (ctx.failToPass ?? []).map((id) => keyOf(id.split(ID_SEPARATOR)));
  const f2p = (t: FoundTest): boolean => { const k = keyOf([...t.suites, t.title]); return f2pKeys.some((id) => id === k || id.endsWith(`${ID_SEPARATOR}${k}`)); };
  const parsed = findTests(file, text);
  if (!parsed) return { unhooked: 'the file does not parse' };
  const found = parsed.filter((t) => !t.unsafe);
  // each copy is written with one literal respelled (canary-respell.ts): no test's text twice in the file (atkD22 #1)
  const spelt = new Map(found.map((t) => [t, respellCopy(text, t, parsed, true)]));
  // never a group's (one more copy of its test would tell the group's kind: canary-group.ts); FAIL_TO_PASS last, alone (atkA23 #3: a copy lets
  // a patch emptying the pairs equal by value pass it — but a file of new tests only, the usual host, would lose its hook canary)
  const candidates = found.filter((t) => !grouped.has(tail(t)) && spelt.get(t) && hookSafe(text.slice(t.titleEnd, t.end)));
  const listedOnly = !candidates.some((t) => !f2p(t) && t.literals.length > 0);
  const usable = listedOnly ? [] : candidates.filter((t) => !f2p(t));
  const fit = listedOnly ? candidates.filter((t) => t.literals.length > 0) : usable.filter((t) => t.literals.length > 0);
  // a test no canary copies, else the must-pass pair's (the original or its copy)
  const fresh = fit.filter((t) => !copied.has(tail(t)));
  const sources = fresh.length ? fresh : fit;
  if (!sources.length) return { unhooked: 'no test to copy into a beforeEach hook: none outside the must-fail groups asserts the equality of a literal, holds a string or number literal to respell, and is a test function with no parameter or one used only as `t.assert`, `t.mock`, `t.diagnostic`, `t.signal` (a test reading its own name is never copied)' };
  const titles = found.map((t) => t.title);
  const suiteTitles = [...new Set(found.flatMap((t) => t.suites))];
  // a variant of the first of `from` that has one with a word replaced (variantTitleOf's last resort, `<title> 2`, would tell)
  const variant = (from: string[], among: string[]): [string, string] | null => {
    for (const t of from) {
      const v = variantTitleOf(t, among, ctx.taken, ctx.known, ctx.visible).title;
      if (!(v.startsWith(`${t} `) && /^\d+$/.test(v.slice(t.length + 1)))) return [t, v];
    }
    return null;
  };
  // the describe's title: a variant of one of the file's suite titles (else test titles)
  const suiteOf = (variant(shuffle(suiteTitles), suiteTitles) ?? variant(shuffle(titles), titles))?.[1];
  if (suiteOf === undefined) return { unhooked: 'no title of the file has a one-word variant to name the canary\'s describe' };
  ctx.taken.add(suiteOf);
  // each test of the describe under its own title, else (a test at top level or another canary has it: ids are matched
  // by their tails) a variant; null when neither can be. (A variant drawn at even odds left a lone test one word from
  // another title, the shape atkA17 #1's flipper spared, in about 1 plan in 6.)
  const canaries = new Set(ctx.copies.map((c) => (c.suite ? `${c.suite}${ID_SEPARATOR}${c.title}` : c.title)));
  const topLevel = new Set(parsed.filter((t) => !t.suites.length).map((t) => t.title));
  const titleOf = (t: FoundTest): string | null => {
    const own = !topLevel.has(t.title) && !canaries.has(t.title);
    if (own) return t.title;
    const v = variant([t.title], titles)?.[1];
    if (v !== undefined) ctx.taken.add(v);
    return v ?? (own ? t.title : null);
  };
  let first: { t: FoundTest; title: string } | undefined;
  for (const t of shuffle(sources)) {
    const title = titleOf(t);
    if (title !== null) { first = { t, title }; break; }
  }
  if (!first) return { unhooked: 'no title of the file has a one-word variant to name the canary\'s tests' };
  const T = first.t;
  const bound = importFresh(file, text, ['describe', 'beforeEach'], ctx.esm, T.start);
  if (!bound) return { unhooked: 'the file does not parse' };
  const [src, at] = [bound.text, bound.at];
  // the describe's tests: T and up to 2 other tests of the file (not canaries) of distinct titles, in a random order
  const others = shuffle(usable.filter((t) => t !== T && t.title !== T.title && !canaries.has(tail(t)))).filter((t, i, all) => all.findIndex((u) => u.title === t.title) === i);
  const extra = others.slice(0, pick([0, 1, 2])).map((t) => ({ t, title: titleOf(t) })).filter((x): x is { t: FoundTest; title: string } => x.title !== null);
  const named = shuffle([first, ...extra]);
  const strings = T.literals.filter((l) => typeof l.value === 'string' && l.value !== '');
  const lit = pick(strings.length ? strings : T.literals);
  const [s, e, ls, le, te] = [at(T.start), at(T.end), at(lit.start), at(lit.end), at(T.titleEnd)];
  const { pool, words, lengths, sources: written } = mutantMaterial(found, text, ctx.vocab);
  const shifted = { ...lit, start: ls, end: le };
  const around = src.slice(s, at(T.titleStart)) + src.slice(te, ls) + src.slice(le, e);
  const m = drawMutant(src.slice(ls, le), () => mutateLiteral(shifted, src, pool, undefined, lengths, words), { rest: around, sources: written, ...(ctx.vocab ? { vocab: ctx.vocab } : {}) });
  const fnStart = te + /^\s*,\s*/.exec(src.slice(te, e))![0].length;
  const indent = /[ \t]*$/.exec(src.slice(src.lastIndexOf('\n', s - 1) + 1, s))![0];
  const unit = indent.includes('\t') ? '\t' : '  ';
  // one level deeper, except where a template literal may span lines (its text would change)
  const deeper = (code: string): string => (code.includes('`') ? code : code.replace(/\n/g, `\n${unit}`));
  const hook = `${bound.local.get('beforeEach')}(${src.slice(fnStart, ls)}${m.code}${src.slice(le, e)}`;
  const copy = ({ t, title }: { t: FoundTest; title: string }): string => {
    const r = spelt.get(t)!;
    return `${src.slice(at(t.start), at(t.titleStart))}${quoteAs(title, t.quote)}${src.slice(at(t.titleEnd), at(r.start))}${r.code}${src.slice(at(r.end), at(t.end))}`;
  };
  const arrow = !/^\s*,\s*(?:async\s+)?function\b/.test(src.slice(te, e));
  const code = `${bound.local.get('describe')}(${quoteAs(suiteOf, T.quote)}, ${arrow ? '() =>' : 'function ()'} {\n${[hook, ...named.map(copy)].map((c) => `${indent}${unit}${deeper(c)}`).join('\n')}\n${indent}});`;
  const out = pick([0, 1]) === 0 ? src.slice(0, s) + code + `\n${indent}` + src.slice(s) : src.slice(0, e) + `\n${indent}` + code + src.slice(e);
  const suite = [...T.suites, suiteOf].join(ID_SEPARATOR);
  // Only T's copy is judged: the hook fails it for an honest run, and when the code returns the mutant's value (the hook
  // passes) T's own assertion does; the other copies then pass, so they are decoys, never judged (atkD17 #4). Their
  // ids are the canary's all the same (under its describe: canary-check.ts), never the task's.
  return { text: out, tests: [{ suite, title: first.title, must: 'FAILED' as const, hook: true as const }] };
}
