// Judging a run's canaries (canary.ts plans them): which results are canaries, whether each came
// out as it must, and what is left of the task's own tests.
import { sweBenchKey } from '../core/swe-ids.ts';
import { cleanName, ID_SEPARATOR, type TestResults } from './parse/index.ts';
import { DUPLICATE_SUFFIX_RE } from './runners/entries.ts';
import type { TestStatus } from './types.ts';
import { collectionErrored } from './canary-python.ts';
import { inHostFile, namedIdsOf } from './canary-swap.ts';
import type { CanaryPlan, CanaryResults, CanaryStatus, CanaryTest } from './canary.ts';

const LOWER: Record<TestStatus, CanaryStatus> = { PASSED: 'passed', FAILED: 'failed', SKIPPED: 'skipped', ERROR: 'error' };
const RANK: Record<CanaryStatus, number> = { passed: 0, failed: 0, skipped: 1, error: 2, missing: 3 };
/**
 * The id tail a canary is reported under (`suite > title`, or the title at top level), each part
 * trimmed as the report parsers trim it (a copy of a title ending in a blank keeps the blank).
 */
export const tailOfTest = (t: CanaryTest): string => sweBenchKey(t.suite ? `${t.suite}${ID_SEPARATOR}${t.title}` : t.title);
/** `id` ends in `tail`, also once a runner adapter's duplicate suffix (` #2`) is taken off: a twin of a canary is still one. */
const hasTail = (id: string, tail: string): boolean => endsIn(id, tail) || (DUPLICATE_SUFFIX_RE.test(id) && endsIn(id.replace(DUPLICATE_SUFFIX_RE, ''), tail));
const endsIn = (id: string, tail: string): boolean => idForms(tail).some((f) => id === f || id.endsWith(`${ID_SEPARATOR}${f}`));
/** `id` is one result of the family `tail` (`tail[params]`: a parametrized pytest test). */
const inFamily = (id: string, tail: string): boolean => id.endsWith(']') && idForms(tail).some((f) => id.startsWith(`${f}[`) || id.includes(`${ID_SEPARATOR}${f}[`));
const forms = new Map<string, string[]>();
/**
 * The ways a result id may write the titles of `tail` (parts joined by ` > `): as written, keyed
 * (parse/names.ts `cleanName`: a blank at an end, a trailing duration dropped), and either with
 * `"` as node 20's JUnit writes it, `&quot;` (atkD23 #1: a copy under such a title was never found,
 * and leaving such tests uncopied told a patch which tests have no canary, atkE23 F1).
 */
function idForms(tail: string): string[] {
  let f = forms.get(tail);
  if (f === undefined) {
    const clean = tail.split(ID_SEPARATOR).map(cleanName).join(ID_SEPARATOR);
    f = [...new Set([tail, clean, tail.replace(/"/g, '&quot;'), clean.replace(/"/g, '&quot;')])];
    if (forms.size > 4096) forms.clear();
    forms.set(tail, f);
  }
  return f;
}
/** `id` is a result of canary `t`: its tail (a duplicate suffix aside), or for a family canary its tail with parameter ids. */
export const isCanaryResult = (id: string, t: CanaryTest): boolean => hasTail(id, tailOfTest(t)) || (t.family === true && inFamily(id, tailOfTest(t)));
/**
 * The one status of a family's results (`must`: what the canary must come out as): an error or a
 * skip when any is, else the first result other than `must`, else `must`.
 */
export const familyStatus = (statuses: readonly TestStatus[], must: TestStatus): TestStatus =>
  statuses.find((s) => s === 'ERROR') ?? statuses.find((s) => s === 'SKIPPED') ?? statuses.find((s) => s !== must) ?? must;
/**
 * Why pytest's results cannot be its own JUnit report's, or null: a result named by a raw node id
 * (`a.py::test_x`, which parse/junit.ts never makes: it splits node ids into ` > ` parts), or a test
 * reported both plain and with parameter ids (pytest gives one function one form; a forger's
 * `test_x[zz]` twins beside `test_x`, atkP11 1, atkR11 2). Parameter ids may hold anything (`[a::b]`).
 * `listed`: the task's FAIL_TO_PASS and PASS_TO_PASS names, whose raw node ids are aliases, not results.
 */
export function pytestShapeProblem(parsed: TestResults, listed: ReadonlySet<string> = new Set()): string | null {
  const head = (id: string): string => id.replace(/\[.*\]$/s, '');
  const plain = new Set<string>();
  for (const id of parsed.keys()) {
    // a listed SWE-bench node id is an alias evaluate.ts adds, holding its id's result (swe-ids.ts `aliasSweBenchNames`)
    if (head(id).includes('::') && !listed.has(id)) return `a test result is named by a raw node id (${JSON.stringify(id.slice(0, 120))}), which pytest's JUnit report never holds: the results are not the run's own`;
    if (head(id) === id) plain.add(id);
  }
  for (const id of parsed.keys()) {
    if (head(id) !== id && plain.has(head(id))) return `${JSON.stringify(head(id).slice(0, 120))} was reported both plain and with parameter ids (${JSON.stringify(id.slice(0, 120))}): pytest gives a test one form, so the results hold tests that are not in the test files`;
  }
  return null;
}

/** `id` is a subtest of the canary `tail` (a copied node:test parent test brings its subtests): never one of the task's tests. */
const under = (id: string, tail: string): boolean => idForms(tail).some((f) => id.startsWith(`${f}${ID_SEPARATOR}`) || id.includes(`${ID_SEPARATOR}${f}${ID_SEPARATOR}`));

/**
 * Finds each canary among `parsed` (an id ending in `suite > title`, whatever file prefix the
 * runner gives), splits the results into the task's own tests (canary ids, and a synthetic
 * canary suite's ids, removed) and the canaries' statuses, and judges them: every reported canary
 * must come out as it must, except a copy whose original's single result failed or errored (a
 * wrong patch breaks a verbatim copy with its original, and may return the value a mutated copy
 * expects); a canary reported under the ids of more than one test (twins registered from outside
 * the test files) is tampering, while one test's id with a runner adapter's ` #n` twins (the same
 * test reported again: a test file another test file loads) must come out as it must in every
 * result; a file's pair is reported whole or not at all (a file
 * the command does not run); at least one pair is reported. `problem` names the first fault (null
 * when none): the caller grades the attempt `tampered`. `silent`: host files with no canary reported
 * (not run, or crashed on load; under fail_only their tests fail, grade.ts `unrunFileStatus`).
 * `suites`: the results name suites as tests (TAP of a runner other than node's, every point
 * kept): a suite that held a canary then takes its own tests' status (`settleSuites`). Without it
 * every id is a test's (JUnit, JSON, node:test's TAP read leaves-only), and an id that is also a
 * suite's title path keeps its own result. `owners`: listed id → the hosts holding it
 * (canary-listed-hosts.ts): one reported while every canary of each of them is missing came from
 * something other than those files (a module run from its base text in memory): a fault. Under
 * node:test (ids naming no file), a host whose canaries are all missing makes every listed id it
 * holds (`holders`: listed id → the hosts node runs holding it; default `owners`) ERROR in `rest` —
 * when it has a file-level failure of its own (it crashed on load) also every id whose last title it
 * writes in quotes: its tests did not run.
 */
export function checkCanaries(plan: CanaryPlan, parsed: TestResults, listed: ReadonlySet<string> = new Set(), suites = false, owners: ReadonlyMap<string, string[]> = new Map(), holders: ReadonlyMap<string, string[]> = owners): { rest: TestResults; canaries: CanaryResults; problem: string | null; silent: string[] } {
  const rest: TestResults = new Map(parsed);
  const synthetic = new Set(plan.tests.filter((t) => t.original === undefined).map((t) => t.suite));
  // An id that names another file (`other.test.js > …`) is not the canary's, whatever else the results hold (canary-swap.ts `inHostFile`).
  const named = namedIdsOf(plan, parsed);
  const inFile = (id: string, file: string): boolean => inHostFile(id, file, named);
  for (const id of parsed.keys()) {
    // a hook canary's describe and every test in it (its unjudged decoys: canary-hook.ts) are the canary's, never the task's
    if (plan.tests.some((t) => inFile(id, t.file) && (isCanaryResult(id, t) || under(id, tailOfTest(t)) || (t.hook && (hasTail(id, sweBenchKey(t.suite)) || under(id, sweBenchKey(t.suite)))))) || id.split(ID_SEPARATOR).some((p) => synthetic.has(p))) rest.delete(id);
  }
  if (suites) settleSuites(parsed, rest);
  const canaries: CanaryResults = { fail: 'failed', pass: 'passed', kind: plan.kind, guess: plan.guess, ...(plan.weak.length ? { weak: plan.weak } : {}), ...(plan.echoed?.length ? { echoed: plan.echoed } : {}), ...(plan.unhooked?.length ? { unhooked: plan.unhooked } : {}) };
  let problem: string | null = plan.runner === 'pytest' ? pytestShapeProblem(parsed, listed) : null;
  let seen = 0;
  const silent: string[] = [];
  const statusesOf = (tail: string, file: string, family = false): TestStatus[] =>
    [...parsed].filter(([id]) => inFile(id, file) && (hasTail(id, tail) || (family && inFamily(id, tail)))).map(([, s]) => s);
  /**
   * The results of the test `tail` in `file` in report order: its id, and the ` #n` twins a runner
   * adapter gives the same id reported again; null when they are under ids of more than one test.
   */
  const twinsOf = (tail: string, file: string): [string, TestStatus][] | null => {
    const rs = [...parsed].filter(([id]) => inFile(id, file) && hasTail(id, tail));
    return new Set(rs.map(([id]) => id.replace(DUPLICATE_SUFFIX_RE, ''))).size > 1 ? null : rs;
  };
  // A canary is one test: its name reported under ids of more than one test (`compat > parse > t`
  // beside `parse > t`) means tests were registered that are not in the test files (e.g. failing
  // twins meant to excuse it), so the results are not evidence. One test's id with a runner
  // adapter's twins (`t`, `t #2`: a test file another test file loads runs in both files'
  // processes, node:test) is that test reported again: every result must come out as the canary must.
  const duplicated: string[] = [];
  const statusOf = (t: CanaryTest): CanaryStatus => {
    if (t.family) {
      const statuses = statusesOf(tailOfTest(t), t.file, true);
      return statuses.length === 0 ? 'missing' : LOWER[familyStatus(statuses, t.must)];
    }
    const rs = twinsOf(tailOfTest(t), t.file);
    if (rs === null) {
      duplicated.push(tailOfTest(t));
      return 'error';
    }
    if (rs.length === 0) return 'missing';
    // the worst result otherwise than the canary must (an error or skip before a pass or fail), else as it must
    const off = rs.map(([, st]) => LOWER[st]).filter((c) => c !== LOWER[t.must]);
    return off.reduce<CanaryStatus>((w, c) => (RANK[c] > RANK[w] ? c : w), off[0] ?? LOWER[t.must]);
  };
  /** A family's results in `file` by their parameter part (`[1-2]`; '' for a plain result). */
  const familyOf = (tail: string, file: string): Map<string, TestStatus> => {
    const out = new Map<string, TestStatus>();
    for (const [id, st] of parsed) {
      if (!inFile(id, file)) continue;
      if (hasTail(id, tail)) out.set('', st);
      else if (inFamily(id, tail)) out.set(id.slice(id.lastIndexOf(`${tail}[`) + tail.length), st);
    }
    return out;
  };
  /**
   * The copied test's result failed: a must-pass copy may then fail too (an honest break of a
   * PASS_TO_PASS test). A test reported again (` #n` twins, `twinsOf`), pairwise in report order:
   * the original has as many results as the copy, and each of the copy's results otherwise than it
   * must has the original's of the same place failed — so the original fails its grade too (grade.ts
   * folds twins into the worst status). For a family, pairwise: every instance of the copy that came out otherwise
   * than it must has the same instance of the original failed (a forger's failing `[…]` twins
   * beside flipped passes excuse nothing, atkR11 2).
   */
  const originalFailed = (t: CanaryTest): boolean => {
    if (t.original === undefined) return false;
    if (t.family) {
      const orig = familyOf(sweBenchKey(t.original), t.file);
      const off = [...familyOf(tailOfTest(t), t.file)].filter(([, st]) => st !== t.must);
      return off.length > 0 && off.every(([k]) => orig.get(k) === 'FAILED' || orig.get(k) === 'ERROR');
    }
    // pairwise over one test's twins in report order (each file's process reports the pair together)
    const copy = twinsOf(tailOfTest(t), t.file), orig = twinsOf(sweBenchKey(t.original), t.file);
    if (copy === null || orig === null || orig.length === 0 || orig.length !== copy.length) return false;
    return copy.every(([, st], k) => st === t.must || orig[k]![1] === 'FAILED' || orig[k]![1] === 'ERROR');
  };
  /** The statuses of the results that name `file` in any spelling (pytest's ids begin with the file: parse/junit.ts `pytestParts`). */
  const resultsOf = (file: string): TestStatus[] => [...parsed].filter(([id]) => id.includes(file)).map(([, st]) => st);
  // One pair per host file; a file with no canary reported at all is one the command does not
  // run (its listed tests, if any, are missing too and count as failed).
  const unrun = new Set<string>(); // hosts whose canaries all went missing
  for (const file of new Set(plan.tests.map((t) => t.file))) {
    const mine = plan.tests.filter((t) => t.file === file).map((t) => ({ t, got: statusOf(t) }));
    // pytest skips a whole module (`pytestmark`, a skipping fixture) with the task's tests in it: a family file whose canaries all skipped is not run either.
    // …only when every result of the file is a skip (a forger's skipped `[…]` twins beside a forged pass do not silence it).
    if (mine.every((m) => m.got === 'missing' || (m.t.family === true && m.got === 'skipped' && resultsOf(file).every((x) => x === 'SKIPPED')))) {
      if (mine.every((m) => m.got === 'missing')) unrun.add(file);
      silent.push(file);
      continue;
    }
    seen++;
    for (const { t, got } of mine) {
      const key = t.must === 'FAILED' ? 'fail' : 'pass';
      const want: CanaryStatus = t.must === 'FAILED' ? 'failed' : 'passed';
      if (got === want) continue;
      // A copy is excused only when its original's one result failed: a wrong patch breaks a
      // verbatim copy with its original, and can return exactly the value the mutated copy expects
      // (a flipped boolean). A generic forgery turns the originals' failures into passes too, so it
      // gets no excuse; twins registered to fake a failed original make it report twice (no excuse).
      // A string-literal mutant that passes is not excused (`strict`): an honest wrong result equals a
      // one-character change by chance only, while a forger that took it for the original passes it.
      const guessedWrong = t.strict === true && got === 'passed';
      // pytest reports a fixture's or module's setup failure as an error of every test using it: a family copy errs with its original.
      // An error is never excused: a forger can add an erring `[…]` result to every test, canaries and originals alike.
      const excusable = got === 'passed' || got === 'failed';
      if (excusable && !guessedWrong && !duplicated.includes(tailOfTest(t)) && originalFailed(t)) continue;
      if (canaries[key] === want || RANK[got] > RANK[canaries[key]]) canaries[key] = got;
      if (duplicated.includes(tailOfTest(t))) problem ??= `the canary test ${JSON.stringify(tailOfTest(t))} in ${file} was reported more than once: the results hold tests that are not in the test files`;
      problem ??= `the ${t.hook ? 'hook' : key === 'fail' ? 'failing' : 'passing'} canary test ${JSON.stringify(tailOfTest(t))} in ${file}${t.hook ? ' (its beforeEach hook fails it: a run that reports a hook failure as a pass)' : ''} (runner ${plan.runner}, ${plan.kind}) came out ${got}, not ${want}${t.original !== undefined && !originalFailed(t) ? ` while the test it copies, ${JSON.stringify(t.original)}, did not fail` : ''}: the run's results cannot be trusted`;
    }
  }
  // …a listed test reported while every host holding it reported no canary came from elsewhere (atkA20 #5, atkB20 #1/#5, atkC20 #2: a patch
  // presetting the test module in sys.modules, or running a file's base text in memory and exiting before its own tests, canaries left out)
  // node:test's ids name no file: a host whose canaries are all missing did not run the listed tests it holds (`holders`), so another
  // file's results under those ids cannot stand for them (atkC20 #4, atkD21 D: a twin made to crash; atkF21 A: to exit 0 at load;
  // atkG21 A: its suites' bodies kept from running, no file-level result at all): they are ERROR; one that crashed (a file-level
  // failure of its own) also for the ids whose title it writes (a twin fixbench does not parse: atkE21 B). No text of the host excuses
  // it: a guard that skips the file (`if (typeof Bun === 'undefined') return;`) reads the same as a patch stopping it (atkH21 A).
  if (plan.runner === 'node:test') {
    const ownResult = (f: string): TestStatus | undefined => [...parsed].find(([k]) => !k.includes(ID_SEPARATOR) && (k === f || k.endsWith(`/${f}`)))?.[1];
    for (const f of unrun) {
      const text = plan.texts.get(f) ?? '';
      const own = ownResult(f);
      const crashed = own === 'FAILED' || own === 'ERROR';
      const writes = (id: string): boolean => { const title = id.split(ID_SEPARATOR).at(-1)!; return ['\'', '"', '`'].some((q) => text.includes(`${q}${title}${q}`)); };
      for (const id of new Set([...listed, ...holders.keys()])) {
        if (!(holders.get(id)?.includes(f) || (crashed && writes(id)))) continue;
        for (const k of [id, sweBenchKey(id)]) if (rest.has(k)) rest.set(k, 'ERROR');
      }
    }
  }
  for (const [id, files] of owners) {
    if (files.length === 0 || !files.every((f) => unrun.has(f)) || !(parsed.has(id) || parsed.has(sweBenchKey(id)))) continue;
    problem ??= `none of the canary tests added to ${files.join(', ')} was reported, yet ${files.length > 1 ? 'their' : 'its'} listed test ${JSON.stringify(id)} was: the results are not the test run's own`;
  }
  if (seen === 0) {
    canaries.fail = 'missing';
    canaries.pass = 'missing';
    // pytest could not import the test files (a patch that breaks an import they use): their tests are missing, not forged.
    // …and a file with any test result of its own was collected (a forged error named like its module does not make it so).
    // A collection error stops pytest before any test runs ("Interrupted: N errors during collection"): when the results
    // are collection errors only, one of a host file excuses the silence of the others (the listed tests count as failed).
    const errored = silent.filter((f) => collectionErrored(f, parsed));
    const interrupted = errored.length > 0 && [...parsed.values()].every((st) => st === 'ERROR');
    const uncollected = plan.runner === 'pytest' && silent.every((f) => resultsOf(f).length === 0) && (interrupted || errored.length === silent.length);
    if (!uncollected) problem = `none of the canary tests added to ${[...plan.texts.keys()].join(', ')} (runner ${plan.runner}) was reported: the results are not the test run's own, test_cmd does not run those files, or they were stopped before reporting (a test that hangs until a timeout kills it)`;
  }
  return { rest, canaries, problem, silent };
}

/**
 * Reports that name suites (TAP with every point kept) fail a suite that holds the must-fail copy: a suite whose
 * subtree held a canary gets the status of its own tests instead (FAILED when any failed or
 * errored, else PASSED). `rest` is `parsed` less the canaries; it is updated in place.
 */
function settleSuites(parsed: TestResults, rest: TestResults): void {
  const sep = ID_SEPARATOR;
  const held = new Set<string>();
  for (const id of parsed.keys()) {
    if (rest.has(id)) continue;
    const parts = id.split(sep);
    for (let i = 1; i < parts.length; i++) held.add(parts.slice(0, i).join(sep));
  }
  for (const suite of held) {
    if (!rest.has(suite)) continue;
    const kids = [...rest].filter(([id]) => id.startsWith(`${suite}${sep}`));
    if (kids.length === 0) continue;
    rest.set(suite, kids.some(([, s]) => s === 'FAILED' || s === 'ERROR') ? 'FAILED' : 'PASSED');
  }
}
