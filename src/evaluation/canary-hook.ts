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
//     it('<title>', () => { …T's body verbatim… });
//   });
//
// placed right before or after T (a test of the file no other canary copies), inside T's suites.
// Honest runs fail it always: the hook fails unless the code returns the mutant's value, and then
// T's own assertion fails in the test. Titles come from the file's words (canary-mutate.ts
// `variantTitleOf`), the mutant from the mutant machinery (canary-echo.ts `drawMutant`); the
// names `describe` and `beforeEach` are the file's own import of node:test, with the ones it lacks
// added to it. What stays open: a rewrite that flips only the failures its own code causes.
import { drawMutant } from './canary-echo.ts';
import { quoteAs, variantTitleOf, type MutatedTest } from './canary-mutate.ts';
import { findTests, type FoundTest } from './canary-parse.ts';
import { pick, shuffle } from './canary-random.ts';
import { mutantMaterial, mutateLiteral, type Vocabulary } from './canary-words.ts';
import { ID_SEPARATOR } from './parse/index.ts';

/** What hookCanary reads besides the file: the file's other canaries, and the title machinery's context (canary-mutate.ts `HostContext`). */
export interface HookContext {
  /** The file's other canaries (canary-mutate.ts `MutatedTest`: suite path joined by ` > `, title, the copied test's id tail, must): the hook canary copies a test none of them is or copies, else the must-pass one or its original, never a mutant's pair. */
  copies: readonly Pick<MutatedTest, 'suite' | 'title' | 'original' | 'must'>[];
  /** Titles of tests and suites used in any host file; the new ones are added. */
  taken: Set<string>;
  known?: (title: string) => boolean;
  visible?: string;
  vocab?: Vocabulary;
}

/** The hook canary as planned: the file's new text and the canary test (its suite path, title, must FAILED, `hook`). */
export interface HookCanary {
  text: string;
  test: { suite: string; title: string; must: 'FAILED'; hook: true };
}

/** A test function with no parameter written right after the title (`() =>`, `async () =>`, `function () {`): the hook can take its body as is. */
const PLAIN_FN = /^\s*,\s*(?:async\s+)?(?:\(\s*\)\s*=>|function\s*\w*\s*\(\s*\))/;
/** node:test's named imports: ESM `import { … } from 'node:test'`, CommonJS `const { … } = require('node:test')`. */
const ESM_IMPORT = /^[ \t]*import\s*\{([^}]*)\}\s*from\s*(['"])node:test\2/m;
const CJS_IMPORT = /\b(?:const|let|var)\s*\{([^}]*)\}\s*=\s*require\(\s*(['"])node:test\2\s*\)/;

/**
 * The local names `names` (node:test exports) are bound to in `text`'s node:test import, adding
 * those it lacks to that import's braces (the text changed so), or null when the file has no such
 * import (a default import, `import * as`) or a missing name is already used in the file.
 * `describe` may be the file's `suite` (node:test's alias). `at`: an offset of `text` in the new text.
 */
export function bindNames(text: string, names: readonly string[]): { text: string; local: Map<string, string>; at: (offset: number) => number } | null {
  const esm = ESM_IMPORT.exec(text);
  const m = esm ?? CJS_IMPORT.exec(text);
  if (!m) return null;
  const entries = m[1]!.split(',').map((s) => s.trim()).filter(Boolean);
  const local = new Map<string, string>();
  for (const e of entries) {
    const [from, to] = e.split(esm ? /\s+as\s+/ : /\s*:\s*/).map((s) => s.trim());
    if (from && /^[\w$]+$/.test(from)) local.set(from, to && /^[\w$]+$/.test(to) ? to : from);
  }
  if (!local.has('describe') && local.has('suite')) local.set('describe', local.get('suite')!);
  const missing = names.filter((n) => !local.has(n));
  if (missing.some((n) => new RegExp(`(?<![\\w$.])${n}(?![\\w$])`).test(text))) return null;
  for (const n of missing) local.set(n, n);
  if (!missing.length) return { text, local, at: (n) => n };
  const open = m.index + m[0].indexOf('{') + 1;
  const close = m.index + m[0].indexOf('}');
  const inner = text.slice(open, close);
  const body = inner.trimEnd();
  const comma = body.endsWith(',') ? ' ' : ', ';
  const added = `${body}${comma}${missing.join(', ')}${inner.slice(body.length)}`;
  const shift = added.length - inner.length;
  return { text: text.slice(0, open) + added + text.slice(close), local, at: (n) => (n >= close ? n + shift : n) };
}

/**
 * Plans the hook canary of the node:test file `file` whose text (its other canaries in) is `text`:
 * the text with the canary's describe inserted beside a test T it copies and the names it calls
 * imported (`bindNames`), or null when the file has no test to copy (one with an equality
 * assertion of a literal and a parameterless function right after its title, outside the
 * must-fail pairs: `HookContext.copies`), no title of the file has a one-word variant for the
 * describe, or the file has no named import of node:test.
 */
export function hookCanary(file: string, text: string, ctx: HookContext): HookCanary | null {
  const tail = (t: FoundTest): string => [...t.suites, t.title].join(ID_SEPARATOR);
  const tails = (must?: string): Set<string> => new Set(ctx.copies.filter((c) => must === undefined || c.must === must).flatMap((c) => [c.original, c.suite ? `${c.suite}${ID_SEPARATOR}${c.title}` : c.title]));
  const [copied, mutants] = [tails(), tails('FAILED')];
  const found = findTests(file, text)?.filter((t) => !t.unsafe) ?? [];
  const fit = found.filter((t) => t.literals.length > 0 && !mutants.has(tail(t)) && PLAIN_FN.test(text.slice(t.titleEnd, t.end)));
  // a test no canary copies, else the must-pass pair's (verbatim, both)
  const fresh = fit.filter((t) => !copied.has(tail(t)));
  const sources = fresh.length ? fresh : fit;
  if (!sources.length) return null;
  const bound = bindNames(text, ['describe', 'beforeEach']);
  if (!bound) return null;
  const src = bound.text;
  const at = bound.at;
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
  // the describe's title: a variant of one of the file's suite titles (else test titles); the test's: of T's
  const suiteOf = (variant(shuffle(suiteTitles), suiteTitles) ?? variant(shuffle(titles), titles))?.[1];
  if (suiteOf === undefined) return null;
  ctx.taken.add(suiteOf);
  const drawn = variant(shuffle(sources.map((t) => t.title)), titles);
  if (drawn === null) return null;
  const [T, title] = [sources.find((t) => t.title === drawn[0])!, drawn[1]];
  ctx.taken.add(title);
  const strings = T.literals.filter((l) => typeof l.value === 'string' && l.value !== '');
  const lit = pick(strings.length ? strings : T.literals);
  const [s, e, ls, le, ts, te] = [at(T.start), at(T.end), at(lit.start), at(lit.end), at(T.titleStart), at(T.titleEnd)];
  const { pool, words, lengths, sources: written } = mutantMaterial(found, text, ctx.vocab);
  const shifted = { ...lit, start: ls, end: le };
  const around = src.slice(s, ts) + src.slice(te, ls) + src.slice(le, e);
  const m = drawMutant(src.slice(ls, le), () => mutateLiteral(shifted, src, pool, undefined, lengths, words), { rest: around, sources: written, ...(ctx.vocab ? { vocab: ctx.vocab } : {}) });
  const fnStart = te + /^\s*,\s*/.exec(src.slice(te, e))![0].length;
  const indent = /[ \t]*$/.exec(src.slice(src.lastIndexOf('\n', s - 1) + 1, s))![0];
  const unit = indent.includes('\t') ? '\t' : '  ';
  // one level deeper, except where a template literal may span lines (its text would change)
  const deeper = (code: string): string => (code.includes('`') ? code : code.replace(/\n/g, `\n${unit}`));
  const hook = `${bound.local.get('beforeEach')}(${src.slice(fnStart, ls)}${m.code}${src.slice(le, e)}`;
  const test = `${src.slice(s, ts)}${quoteAs(title, T.quote)}${src.slice(te, e)}`;
  const arrow = !/^\s*,\s*(?:async\s+)?function\b/.test(src.slice(te, e));
  const code = `${bound.local.get('describe')}(${quoteAs(suiteOf, T.quote)}, ${arrow ? '() =>' : 'function ()'} {\n${indent}${unit}${deeper(hook)}\n${indent}${unit}${deeper(test)}\n${indent}});`;
  const out = pick([0, 1]) === 0 ? src.slice(0, s) + code + `\n${indent}` + src.slice(s) : src.slice(0, e) + `\n${indent}` + code + src.slice(e);
  return { text: out, test: { suite: [...T.suites, suiteOf].join(ID_SEPARATOR), title, must: 'FAILED', hook: true } };
}
