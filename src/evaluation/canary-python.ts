// pytest's canaries (DESIGN.md §11 rule 3), as canary.ts writes them for the JS runners: in each
// Python test file test.patch touches, must-fail copies of the file's own tests (FAIL_TO_PASS
// first) with one expected literal of an `assert … == …` changed, and a must-pass copy of another
// test with one literal respelled (canary-respell.ts), each beside its original (module level, or in its `class Test…`, decorators kept)
// under a name made of the file's own words; a file with no copyable test gets the synthetic pair
// (`kind: 'synthetic'`). pytest's JUnit report names a test by its node id
// (`tests/test_a.py > test_x`, `… > test_x[a-b]` when parametrized), so each canary is matched as a
// family (`CanaryTest.family`): its name, or its name with any parameter ids.
import { randomBytes, randomInt } from 'node:crypto';
import { basename, extname } from 'node:path/posix';
import { testPatchFiles } from './protected-files.ts';
import { ID_SEPARATOR } from './parse/index.ts';
import { MAX_FAIL_COPIES, thirdTitleOf, variantTitleOf, visibleWords } from './canary-mutate.ts';
import { addedLines, removedText } from './canary-diff-lines.ts';
import { pick, shuffle } from './canary-random.ts';
import { namesNoListedId, passSource, respellOne, respellPython } from './canary-respell.ts';
import { arrange, spanWith, twinOfMutant, type SpanEdit } from './canary-group.ts';
import { drawMutant, echoedValue } from './canary-echo.ts';
import { countFailToPass, deletedText, failToPassKnown, foldText, type EchoedValue, type FailToPassCount, type ValuePair } from './canary-odds.ts';
import { mutateNumber, type LiteralMutation } from './canary-literal.ts';
import { letterRuns, mutateText, vocabOf, type BaseWords, type Vocabulary, type WordSource } from './canary-words.ts';
import { findPythonTests, isPlainPythonString, isPythonNumber, type PyTest } from './canary-python-parse.ts';
import type { ExpectedLiteral } from './canary-parse.ts';
import type { CanaryKind, CanaryPlan, CanaryTask, CanaryTest } from './canary.ts';
import { pythonModuleName } from './canary-elsewhere.ts';
import { hidingLiterals, type CanarySwap, type ReadableBefore } from './canary-swap.ts';

/** A listed id's own test name: its last ` > ` part, after a pytest node id's last `::`, without `[params]` (`a.py::C::test_x[p]` → `test_x`). */
export function listedTestName(id: string): string {
  return id.split(ID_SEPARATOR).at(-1)!.split('::').at(-1)!.replace(/\[.*\]$/s, '');
}

/** Whether the task's tests run under pytest (`pytest` / `py.test` in test_cmd, or test_report `pytest`). */
export function isPytestTask(task: { test_cmd: string; test_report: string }): boolean {
  return task.test_report === 'pytest' || /(?:^|[\s/;&|(])(?:pytest|py\.test)(?=\s|$|;|&|\|)/.test(task.test_cmd);
}

/**
 * Why canaries cannot run under `test_cmd` (it selects tests by node id or `-k`/`-m`, or stops at
 * a first failure: `-x`, `--maxfail`, `--sw`, `--lf`), or null.
 */
export function pytestSelectionProblem(testCmd: string): string | null {
  const at = /(?:^|[\s/;&|(])(?:pytest|py\.test)(?=\s|$)/.exec(testCmd);
  const args = at ? testCmd.slice(at.index + at[0].length).split(/\s+/).filter(Boolean) : [];
  // Options whose value may hold `::` (`-W ignore::DeprecationWarning`).
  const takesValue = /^(?:-[WopcrR]|--(?:pythonwarnings|override-ini|config-file|rootdir|junitxml|junit-xml|basetemp))$/;
  for (const [i, a] of args.entries()) {
    if (/^-[a-zA-Z]*[km]/.test(a) || /^--(?:keyword|markers?|deselect)(?:=|$)/.test(a)) return 'test_cmd selects pytest tests by -k, -m or --deselect: canary tests would not run';
    if (!a.startsWith('-') && a.includes('::') && !takesValue.test(args[i - 1] ?? '')) return 'test_cmd selects pytest tests by node id: canary tests would not run';
    if (/^(?:-(?!r)[a-zA-Z]*x[a-zA-Z]*|--exitfirst|--maxfail(?:=.*)?|--sw|--stepwise|--lf|--last-failed|--ff|--failed-first)$/.test(a)) return 'test_cmd stops pytest at a first failure or reruns failures first: canary tests would not all run';
  }
  return null;
}

/**
 * Whether pytest's JUnit results (`parsed`) hold a collection error of `file` (repository-relative):
 * an ERROR whose id's last part is the file's module path as pytest names it there
 * (`tests/test_a.py` → `tests.test_a`; a rootdir above or below the repository's root allowed).
 */
export function collectionErrored(file: string, parsed: ReadonlyMap<string, string>): boolean {
  const dotted = file.replace(/\.py$/, '').replace(/\//g, '.');
  for (const [id, status] of parsed) {
    if (status !== 'ERROR') continue;
    const last = id.split(ID_SEPARATOR).at(-1)!;
    if (last === dotted || dotted.endsWith(`.${last}`) || last.endsWith(`.${dotted}`)) return true;
  }
  return false;
}

/** Python files test.patch leaves in the tree that pytest collects by default (`test_*.py`, `*_test.py`), sorted. */
export function pythonCanaryHosts(testPatch: string): string[] {
  return testPatchFiles(testPatch).filter((f) => extname(f) === '.py' && /^test_.*\.py$|_test\.py$/.test(basename(f))).sort();
}

const IDENT = /[\p{L}_][\p{L}\p{N}_]*/gu;
/** `name` is listed in `ids` (fixbench ids `… > name`, `… > name[params]`, or SWE-bench `path::Class::name[params]`). */
const listed = (ids: readonly string[], name: string): boolean =>
  ids.some((id) => id.split(ID_SEPARATOR).at(-1)!.split('::').at(-1)!.replace(/\[.*\]$/s, '') === name);
/** A test name's words after `test_` joined by spaces (`test_adds_two` → `adds two`), or null for another shape. */
const wordsOf = (name: string): string | null => (/^test(?:_[\p{L}\p{N}]+)+$/u.test(name) ? name.slice(5).replace(/_/g, ' ') : null);
const nameOf = (words: string): string => `test_${words.replace(/ /g, '_')}`;

/** What mutatePythonHost reads of the run (see canary-mutate.ts `HostContext`). */
export interface PyHostContext {
  failToPass: readonly string[];
  passToPass: readonly string[];
  added: ReadonlySet<number>;
  known?: (name: string) => boolean;
  visible?: string;
  /** Every identifier of every host file, and the names given so far: a new name is none of them. */
  taken: Set<string>;
  /** Whether a name occurs once, as a whole identifier, in all the host files (its pair may then be swapped: canary-swap.ts); absent: none is. */
  unique?: (name: string) => boolean;
  /** What a patch could read before the run (canary-swap.ts `valueIsNew`); absent: every value on a line test.patch adds counts as new. */
  before?: ReadableBefore;
  /** The words a patch can read (canary-words.ts `Vocabulary`); absent: every word. */
  vocab?: Vocabulary;
  /** Most must-fail copies in this file (1 for a host test.patch adds no line to: canary-listed-hosts.ts); absent: MAX_FAIL_COPIES. */
  maxFail?: number;
  /** A conftest.py above the file reads its tests' names (canary-conftest.ts): no test is copied. */
  namedFromOutside?: boolean;
}

/**
 * The file's text with up to {@link MAX_FAIL_COPIES} (`ctx.maxFail`) must-fail copies and one must-pass copy
 * inserted (chosen as canary-mutate.ts `mutateHost` chooses), or null when the file has no test
 * with a mutable literal (or cannot be scanned). A copy's name replaces one word of its original's
 * (`variantTitleOf` over the words after `test_`), else appends `_N`.
 */
export function mutatePythonHost(text: string, ctx: PyHostContext): { text: string; tests: Omit<CanaryTest, 'file'>[]; swaps: { a: string; b: string }[]; weak: boolean; hidden: number; odds: number; pairs: ValuePair[]; echoed: EchoedValue[]; failToPass: FailToPassCount } | null {
  const parsed = findPythonTests(text, ctx.namedFromOutside === true);
  const found = parsed?.filter((t) => !t.unsafe);
  if (!found?.length) return null;
  const lineOf = (pos: number): number => text.slice(0, pos).split('\n').length;
  const isNew = (t: PyTest): boolean => { for (let l = lineOf(t.start); l <= lineOf(t.end); l++) if (ctx.added.has(l)) return true; return false; };
  const f2p = (t: PyTest): boolean => listed(ctx.failToPass, t.name);
  const isKnown = (t: PyTest): boolean => ctx.known?.(t.name) === true;
  const mutable = found.filter((t) => t.literals.length > 0);
  if (!mutable.length) return null;
  // As canary-mutate.ts `mutateHost`: a known name's pair hides its copy only swapped, with the changed value on a line test.patch adds.
  const canSwap = (t: PyTest): boolean => ctx.unique?.(t.name) === true && (t.cls === null || ctx.unique(t.cls));
  const hiding = (t: PyTest): ExpectedLiteral[] => hidingLiterals(t.literals, text, { known: isKnown(t), swappable: canSwap(t), added: ctx.added, ...(ctx.before ? { before: ctx.before } : {}) });
  const hiddenSrcs = mutable.filter((t) => hiding(t).length > 0);
  const rank = (t: PyTest): number => (f2p(t) ? 0 : isNew(t) ? 1 : 2);
  const failSrcs = shuffle(hiddenSrcs.length ? hiddenSrcs : mutable).sort((a, b) => rank(a) - rank(b)).slice(0, ctx.maxFail ?? MAX_FAIL_COPIES);
  // At least one test stays out of the groups for the passing copy, where the file has two or more and it is of neither list.
  if (failSrcs.length > 1 && failSrcs.length === found.length && namesNoListedId([...ctx.failToPass, ...ctx.passToPass], failSrcs.at(-1)!.name)) failSrcs.pop();
  // As canary-mutate.ts: the passing copy only of a test no listed id can be (a group's third member copies listed ones).
  const unlisted = found.filter((t) => !failSrcs.includes(t) && namesNoListedId([...ctx.failToPass, ...ctx.passToPass], t.name));
  const passSrc = passSource([unlisted], (t) => respellOne(text, t.literals, respellPython) !== null, unlisted);
  const titles = found.flatMap((t) => wordsOf(t.name) ?? []);
  const takenWords = { has: (w: string) => ctx.taken.has(nameOf(w)) } as ReadonlySet<string>;
  const knownWords = (w: string): boolean => ctx.known?.(nameOf(w)) === true;
  const pool = found.flatMap((t) => t.literals.flatMap((l) => (typeof l.value === 'string' ? [...l.value] : [])));
  const wordSrc = { vocab: (): boolean => true, ...ctx.vocab, pool: found.flatMap((t) => t.literals.flatMap((l) => (typeof l.value === 'string' ? letterRuns(l.value) : []))) };
  const sources = found.flatMap((t) => t.literals.map((l) => text.slice(l.start, l.end)));
  const lengths = found.flatMap((t) => t.literals.flatMap((l) => (typeof l.value === 'string' && l.value !== '' ? [[...l.value].length] : [])));
  const edits: { start: number; end: number; code: string }[] = [];
  const tests: Omit<CanaryTest, 'file'>[] = [];
  const swaps: { a: string; b: string }[] = [];
  const told = new Set<PyTest>();
  const pairOdds = new Map<PyTest, number>();
  const pairValues = new Map<PyTest, { original: string; mutant: string }>();
  const echoed: EchoedValue[] = [];
  let twins = 0; // groups with a third member (canary-group.ts)
  // A copy's name, one word of its original's replaced (else `_N` appended); a name that reads otherwise tells its test (unless `swappable`).
  // `alignWith`: the mutant's name, for a group's third member (canary-mutate.ts `thirdTitleOf`: the same word replaced, atkA24 #3)
  const newName = (src: PyTest, swappable: boolean, alignWith?: string): string => {
    const words = wordsOf(src.name);
    let name: string;
    if (words !== null && alignWith !== undefined) {
      const v = thirdTitleOf(words, wordsOf(alignWith) ?? '', titles, takenWords, knownWords, ctx.visible);
      name = nameOf(v.title);
      if (!v.aligned && !swappable) told.add(src);
    } else if (words !== null) {
      const v = variantTitleOf(words, titles, takenWords, knownWords, ctx.visible);
      name = nameOf(v.title);
      if (!v.balanced && !swappable) told.add(src);
    } else {
      let n = 2;
      while (ctx.taken.has(`${src.name}_${n}`)) n++;
      name = `${src.name}_${n}`;
      if (!swappable) told.add(src);
    }
    ctx.taken.add(name);
    return name;
  };
  for (const [src, must] of [...failSrcs.map((t) => [t, 'FAILED'] as const), ...(passSrc ? [[passSrc, 'PASSED'] as const] : [])]) {
    // A swappable pair's names tell nothing (which twin holds the mutant is a coin flip); another's must read alike.
    const swappable = must === 'FAILED' && hiddenSrcs.includes(src) && canSwap(src);
    const name = newName(src, swappable);
    const swap = swappable && randomInt(2) === 1;
    const copyName = { start: src.nameStart, end: src.nameEnd, code: name };
    const parts = swap ? [] : [copyName];
    let strict = false;
    let mutantEdit: SpanEdit | null = null;
    if (must === 'FAILED') {
      const lits = hiddenSrcs.includes(src) ? hiding(src) : src.literals;
      // the literal: the first of `lits` (strings first) with a mutant that is a plain Python literal
      const first = mutatePythonLiteral(lits, text, pool, lengths, wordSrc);
      if (!first) { told.add(src); continue; }
      const { lit } = first;
      const original = text.slice(lit.start, lit.end);
      // the test without its name (the twins' names differ) and without the changed literal
      const around = text.slice(src.start, src.nameStart) + text.slice(src.nameEnd, lit.start) + text.slice(lit.end, src.end);
      // Redrawn while it tells, else drawn from the test's own tokens; a tell counts at odds 1: the JS planner's rule (canary-echo.ts `drawMutant`).
      let next: LiteralMutation | null = first;
      const draw = (): LiteralMutation => { const m = next ?? mutatePythonLiteral([lit], text, pool, lengths, wordSrc) ?? first; next = null; return m; };
      const m = drawMutant(original, draw, { rest: around, sources, fits: isPlainPythonString, ...(ctx.vocab ? { vocab: ctx.vocab } : {}) });
      strict = m.strict === true;
      if (m.tell) told.add(src);
      const echo = m.tell ? echoedValue(src.name, around, text, lit, m.code) : null;
      if (echo) echoed.push(echo);
      pairOdds.set(src, m.odds);
      pairValues.set(src, { original, mutant: m.code });
      parts.push((mutantEdit = { start: lit.start, end: lit.end, code: m.code }));
    } else parts.push(...[respellOne(text, src.literals, respellPython)].flatMap((e) => (e ? [e] : [])));
    // Swapped: the copy (the mutant) keeps the original's name, and the original takes the new one.
    const members = [spanWith(text, src.start, src.end, swap ? [copyName] : []), spanWith(text, src.start, src.end, parts)];
    if (swap) swaps.push({ a: src.cls ? `${src.cls}${ID_SEPARATOR}${src.name}` : src.name, b: src.cls ? `${src.cls}${ID_SEPARATOR}${name}` : name });
    tests.push({ suite: '', title: name, must, original: src.name, family: true, ...(strict ? { strict } : {}) });
    // A must-fail copy's group gets a third member (canary-group.ts): a copy of the original or of the mutant, another literal respelled.
    const edit = mutantEdit;
    const r = edit ? respellOne(text, src.literals.filter((l) => l.end <= edit.start || l.start >= edit.end), respellPython) : null;
    if (edit && r) {
      twins++;
      const ofMutant = twinOfMutant();
      const twin = newName(src, swappable, name);
      members.push(spanWith(text, src.start, src.end, [{ start: src.nameStart, end: src.nameEnd, code: twin }, r, ...(ofMutant ? [edit] : [])]));
      tests.push({ suite: '', title: twin, must: ofMutant ? 'FAILED' : 'PASSED', original: src.name, family: true, ...(ofMutant && strict ? { strict } : {}) });
    }
    edits.push({ start: src.start, end: src.end, code: arrange(members, '\n'.repeat(Math.max(1, src.blankAbove) + 1)) });
  }
  if (!tests.some((t) => t.must === 'FAILED')) return null;
  edits.sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.code + out.slice(e.end);
  const hides = (t: PyTest): boolean => hiddenSrcs.includes(t) && !told.has(t) && tests.some((c) => c.must === 'FAILED' && c.original === t.name);
  const hidden = failSrcs.filter(hides).length;
  const odds = failSrcs.filter(hides).reduce((o, t) => o * (pairOdds.get(t) ?? 0.5), 1);
  // A FAIL_TO_PASS test is hidden when its name is, or when a swappable pair hides it.
  const swapHidden = (t: PyTest): boolean => failSrcs.includes(t) && hides(t) && canSwap(t);
  const pairs = failSrcs.filter(hides).map((t) => ({ ...pairValues.get(t)!, odds: pairOdds.get(t) ?? 0.5 }));
  return { text: out, tests, swaps, weak: found.length < 2 || (passSrc === null && twins === 0) || hidden === 0, hidden, odds, pairs, echoed, failToPass: countFailToPass((parsed ?? []).filter(f2p).map((t) => isKnown(t) && !swapHidden(t))) };
}

/**
 * One of `literals` (strings first, as `mutateHost` picks) changed to a Python literal of another
 * value: `True`/`False` flipped, a number with one digit changed (canary-literal.ts), a plain
 * string with one word or character changed (canary-words.ts `mutateText`, `words` as there); null
 * when no mutant is a plain Python literal.
 */
export function mutatePythonLiteral(literals: readonly ExpectedLiteral[], text: string, pool: readonly string[], lengths: readonly number[], words?: WordSource): { lit: ExpectedLiteral; code: string; tell: boolean; strict: boolean } | null {
  const strings = literals.filter((l) => typeof l.value === 'string' && l.value !== '');
  const rest = literals.filter((l) => typeof l.value !== 'string');
  for (const group of [strings, rest, literals]) {
    for (const lit of shuffle(group)) {
      const src = text.slice(lit.start, lit.end);
      if (typeof lit.value === 'boolean') return { lit, code: lit.value ? 'False' : 'True', tell: false, strict: false };
      for (let k = 0; k < 8; k++) {
        const m = typeof lit.value === 'number' ? mutateNumber(src) : mutateText(src, pool, undefined, lengths, words);
        if (typeof lit.value === 'number' ? isPythonNumber(m.code) : isPlainPythonString(m.code)) return { lit, code: m.code, tell: m.tell, strict: m.strict === true };
      }
    }
  }
  return null;
}

const VERBS = ['keeps', 'reads', 'handles', 'returns', 'accepts', 'rejects', 'parses', 'formats', 'splits', 'joins', 'counts', 'maps', 'trims', 'checks'];
const NOUNS = ['empty_input', 'nested_values', 'trailing_spaces', 'unicode_text', 'large_numbers', 'mixed_case', 'line_breaks', 'default_options', 'repeated_keys', 'short_values', 'long_lines'];

/** The synthetic pair appended to a Python test file: a must-fail and a must-pass module-level test of plain arithmetic. */
function syntheticPair(taken: Set<string>): { code: string; tests: Omit<CanaryTest, 'file'>[] } {
  const name = (): string => {
    let n: string;
    do n = `test_${pick(VERBS)}_${pick(NOUNS)}_${randomBytes(3).toString('hex')}`;
    while (taken.has(n));
    taken.add(n);
    return n;
  };
  const [a, b, off] = [randomInt(2, 9000), randomInt(2, 9000), randomInt(1, 50)];
  const [fail, pass] = [name(), name()];
  const f = `def ${fail}():\n    assert ${a} + ${b} == ${a + b + off}\n`;
  const p = `def ${pass}():\n    assert ${a} * ${b} == ${a * b}\n`;
  return {
    code: randomInt(2) === 0 ? `${f}\n\n${p}` : `${p}\n\n${f}`,
    tests: [{ suite: '', title: fail, must: 'FAILED', family: true }, { suite: '', title: pass, must: 'PASSED', family: true }],
  };
}

/**
 * Plans a pytest run's canaries for `hosts` (each file `pythonCanaryHosts` names → its text as
 * test.patch left it): a mutated set (`mutatePythonHost`) where the file has a copyable test, else
 * the synthetic pair appended. A reason instead when no canary can be placed (no host file, a
 * command that would not run them: `pytestSelectionProblem`). `elsewhere`: the hosts' test and
 * class names also written in another file at base_commit (canary-elsewhere.ts), never swapped.
 * `baseWords`: the words of the hosts' expected strings written at base_commit
 * (canary-elsewhere.ts `wordsAtBase`); with the problem statement's, the vocabulary of word-level
 * mutants (canary-words.ts). Absent: every word counts. `namedByConftest`: hosts a conftest.py above
 * reads the tests' names of (canary-conftest.ts): none of their tests is copied.
 */
export function planPythonCanaries(testCmd: string, hosts: ReadonlyMap<string, string>, task: CanaryTask, elsewhere: ReadonlySet<string> = new Set(), baseWords?: BaseWords, namedByConftest: ReadonlySet<string> = new Set()): CanaryPlan | { unprotected: string } {
  if (hosts.size === 0) return { unprotected: 'test.patch touches no pytest test file (test_*.py, *_test.py) to hold the canaries' };
  const selection = pytestSelectionProblem(testCmd);
  if (selection) return { unprotected: selection };
  const added = addedLines(task.test_patch);
  const removed = removedText(task.test_patch);
  const named = [...hosts.keys()].some((f) => added.has(f));
  const base = named ? [...hosts].map(([f, t]) => [...t.split('\n').filter((_, i) => !added.get(f)?.has(i + 1)), removed.get(f) ?? ''].join('\n')).join('\n') : undefined;
  const baseNames = new Set(base?.match(IDENT) ?? []);
  const baseLines = new Set(base?.split('\n').map((l) => l.trim()) ?? []);
  // a name the problem statement gives (in any case), or a file test.patch deletes held, is known too (atkD12 #4, atkE12 #3, atkF12 1b)
  const statementNames = new Set((foldText(`${task.problem_statement ?? ''}\n${deletedText(task.test_patch)}`).match(IDENT) ?? []));
  const known = base === undefined ? undefined : (name: string): boolean => baseNames.has(name) || statementNames.has(foldText(name));
  const visible = base === undefined ? undefined : visibleWords(`${base}\n${task.problem_statement ?? ''}`);
  // pytest's ids name no file: a new name is none of the hosts' identifiers, nor a listed test's name (of any file).
  const listedNames = [...task.FAIL_TO_PASS, ...task.PASS_TO_PASS].map(listedTestName);
  const taken = new Set<string>([...listedNames, ...[...hosts.values()].flatMap((t) => t.match(IDENT) ?? [])]);
  const texts = new Map<string, string>();
  const tests: CanaryTest[] = [];
  const weak: string[] = [];
  // How often each identifier occurs in all the hosts: a name written once (its `def`) is the test's alone.
  const occurrences = new Map<string, number>();
  for (const t of hosts.values()) for (const w of t.match(IDENT) ?? []) occurrences.set(w, (occurrences.get(w) ?? 0) + 1);
  // …and in no other file at base_commit (`elsewhere`: canary-elsewhere.ts; a class subclassed there runs these methods there too).
  const unique = (name: string): boolean => occurrences.get(name) === 1 && !elsewhere.has(name);
  const swaps: CanarySwap[] = [];
  const pairs: NonNullable<CanaryPlan['pairs']> = [];
  const echoed: NonNullable<CanaryPlan['echoed']> = [];
  const vocab = vocabOf(baseWords, task.problem_statement);
  let kind: CanaryKind = 'mutated';
  let guess = 1;
  const failToPass: FailToPassCount = { hidden: 0, known: 0 };
  for (const [file, text] of hosts) {
    // a module another file imports has its tests collected there too: none of its pairs swaps
    const m = mutatePythonHost(text, { failToPass: task.FAIL_TO_PASS, passToPass: task.PASS_TO_PASS, added: added.get(file) ?? new Set(), known, visible, taken, unique: elsewhere.has(pythonModuleName(file)) ? () => false : unique, before: { lines: baseLines, removed: removed.get(file) ?? '', statement: task.problem_statement ?? '' }, vocab, namedFromOutside: namedByConftest.has(file), ...(task.test_patch && !added.has(file) ? { maxFail: 1 } : {}) });
    if (m) {
      texts.set(file, m.text);
      tests.push(...m.tests.map((t) => ({ file, ...t })));
      swaps.push(...m.swaps.map((x) => ({ file, ...x })));
      pairs.push(...m.pairs.map((x) => ({ file, ...x })));
      echoed.push(...m.echoed.map((x) => ({ file, ...x })));
      if (m.weak) weak.push(file);
      guess *= m.odds;
      failToPass.hidden += m.failToPass.hidden;
      failToPass.known += m.failToPass.known;
      continue;
    }
    kind = 'synthetic';
    const s = syntheticPair(taken);
    texts.set(file, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}\n\n${s.code}`);
    tests.push(...s.tests.map((t) => ({ file, ...t })));
  }
  return { runner: 'pytest', kind, texts, tests, swaps, namedIds: true, pairs, echoed, ...failToPassKnown({ guess, weak }, failToPass, texts.keys(), task.FAIL_TO_PASS.length) };
}
