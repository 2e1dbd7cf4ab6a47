// TAP (version 13/14, with node-style nested subtests) on stdout → per-test results.
import { Parser, type FinalResults, type Result } from 'tap-parser';
import { cleanName, joinId } from './names.ts';
import { inheritFailure, record, ReportParseError, type TestResults } from './types.ts';
import { installTapYamlFastPath } from './tap-yaml-fast.ts';

installTapYamlFastPath(); // the diagnostics blocks of node --test, read without the YAML parser (issue 18)

/**
 * Parses TAP text (Test Anything Protocol 13/14, read by tap-parser) into `id → status`. Ids are
 * the names of the nested subtests (`# Subtest: <name>`), outermost first, then the test point's
 * description, joined with ` > `, TAP's backslash escapes undone (`\#` → `#`, so ids agree with
 * the JUnit report of the same run); every part is cleaned by `cleanName` (ANSI codes and one
 * appended duration removed; a `# time=12ms` directive is never part of the name). Every test
 * point counts, including the one closing a subtest (a suite), except with `leaves`: then a point
 * that closes a subtest holding test points (node:test's `describe`, or a test with subtests) is
 * left out, so the ids are those of the tests alone, as node's JUnit reporter gives them (it
 * writes such a test as a `<testsuite>`): a suite point never shares an id with a test, which it
 * would when a suite is titled like a test at its level (`describe('parses ms')` beside
 * `test('parses ms')`: the suite's failure, e.g. a must-fail canary inside it, read as the test's).
 * A subtest with a plan and no test points (an empty `describe`) is a test, as in JUnit. A left-out
 * point that is `not ok` for a failure of the parent's own code (node's `failureType` other than
 * `subtestsFailed`: a hook, an assertion in a parent test's own body) fails every test inside that
 * subtest (its own, never another suite's of the same title: atkN14 #1); so does every failed
 * parent that is not a describe (`type: 'suite'`), whatever its label, and a describe labelled
 * `subtestsFailed` while no test inside it failed: a parent test's label is that of the error its
 * body threw, which the code under test can make one of node's own labelled so (atkO15 #1), beside
 * a failing subtest it registers (atkP15 #1). An honest parent test with one failing subtest so
 * fails all its subtests. A top-level point that is `not ok` with `hookFailed` is a
 * file-level hook's failure (`after()` outside any describe; node names the point by the file's
 * path, which says nothing of its tests, and its JUnit by a `<testcase>` of that name): every test
 * of the report that did not skip fails with it, marked inherited (atkO15 #3: the file is the
 * outermost parent; which of the run's files it was is not in the lean TAP, so all of them).
 * (`inheritFailure`), since no id carries that failure otherwise (node's JUnit writes such a parent
 * as a `<testsuite>` without it: atkM14 #1, a wrong patch failing only there resolved).
 * Status: `ok` → PASSED, `not ok` → FAILED, `# SKIP` or `# TODO` → SKIPPED.
 * A duplicated id keeps its worst status. Non-TAP lines are ignored.
 *
 * TAP arrives on stdout, which the code under test shares: lines it prints there (or writes to
 * the runner's stdout) land in the stream. A stream that does not hold together is therefore no
 * verdict: throws `ReportParseError` when tap-parser finds a structural error at any level (a
 * test point id repeated or outside the plan, a count that differs from the plan, no plan after
 * test points), when the run bailed out (`Bail out!`), or when a subtest is closed by a test
 * point of another name (node --test always closes `# Subtest: X` with `ok N - X`). A text with
 * no TAP at all gives no tests.
 *
 * A carriage return not followed by a line feed is content, not a line break: node --test writes
 * assertion values raw into the YAML blocks (`expected: |-` of a string holding `\r`), and
 * tap-parser would otherwise split the block there and lose the plan. It is read as the two
 * characters `\r`, so neither an honest failure nor a must-fail canary's value breaks the stream, and
 * printed output cannot start a test point after a lone `\r`. Likewise a line or paragraph
 * separator (U+2028, U+2029), which tap-parser's line reader never gets past (the rest of the stream
 * was lost: no tests at all): it is read as node's escaped spelling of the text `\u{2028}` / `\u{2029}`,
 * so a test name holding one gets the id the JUnit report's name gets (`normalizeTitle`).
 */
export function parseTap(text: string, opts: { leaves?: boolean } = {}): TestResults {
  const results: TestResults = new Map();
  const problems: string[] = [];
  const paths = new WeakMap<Parser, string[]>();
  // the ids recorded inside each subtest (its own subtree only: two suites of one title, in two files, share an id prefix)
  const inside = new WeakMap<Parser, string[]>();
  // a file-level hook failed (node names its point by the file's path): it fails the tests it ran around (atkO15 #3)
  let fileHookFailed = false;
  const attach = (p: Parser): void => {
    const path = p.parent ? [...(paths.get(p.parent) ?? []), unescapeTap(p.name)] : [];
    paths.set(p, path);
    inside.set(p, []);
    // the subtest that ended last at this level and held test points: the next point closes it (tap-parser completes a child before its parent reads the closing point)
    let parent: Parser | null = null;
    p.on('child', (c: Parser) => {
      parent = null;
      c.on('complete', (res: FinalResults) => { parent = res.count > 0 ? c : null; });
    });
    p.on('assert', (r: Result) => {
      const closed: Parser | null = parent !== null && unescapeTap(parent.name) === r.name.trim() ? parent : null;
      parent = null;
      const id = joinId([...path, r.name].map(cleanName));
      if (opts.leaves && closed && id && !r.ok && !(r.skip || r.todo)) {
        const ids = inside.get(closed) ?? [];
        // the parent failed in its own code (its body, a hook): every test inside it fails with it (atkM14 #1). Only a
        // describe's `subtestsFailed` with a test inside failed is believed: a parent test's label comes from the error its
        // body threw, which code under test can make one of node's own so labelled (atkO15 #1), and can register a failing
        // subtest beside it (atkP15 #1); node sets a suite's label itself (its hooks' errors are always `hookFailed`)
        const believed = r.diag?.failureType === 'subtestsFailed' && r.diag?.type === 'suite' && ids.some((leaf) => results.get(leaf) === 'FAILED');
        if (!believed) for (const leaf of ids) inheritFailure(results, leaf);
      }
      if (opts.leaves && !p.parent && !closed && !r.ok && !(r.skip || r.todo) && r.diag?.failureType === 'hookFailed') fileHookFailed = true;
      if (!id || (opts.leaves && closed)) return;
      record(results, id, r.skip || r.todo ? 'SKIPPED' : r.ok ? 'PASSED' : 'FAILED');
      for (let q: Parser | null = p; q; q = q.parent ?? null) inside.get(q)?.push(id);
    });
    p.on('complete', (res: FinalResults) => {
      const where = p.fullname ? `in subtest ${JSON.stringify(p.fullname)}` : 'at the top level';
      for (const f of res.failures) if (f.tapError) problems.push(`${f.tapError} ${where}`);
      if (res.bailout && !p.parent) problems.push(`the run bailed out${typeof res.bailout === 'string' ? ` (${res.bailout})` : ''}`);
      const closing = p.closingTestPoint;
      if (p.parent && p.name && closing && unescapeTap(p.name) !== closing.name.trim()) {
        problems.push(`subtest ${JSON.stringify(p.name)} is closed by test point ${JSON.stringify(closing.name)}`);
      }
    });
    p.on('child', attach);
  };
  const root = new Parser();
  attach(root);
  const body = text.replace(/\r(?!\n)/g, '\\r').replace(/[\u2028\u2029]/g, (c) => `\\\\u{${c.charCodeAt(0).toString(16).toUpperCase()}}`);
  root.end(body.endsWith('\n') ? body : body + '\n');
  if (fileHookFailed) for (const id of [...results.keys()]) if (results.get(id) !== 'SKIPPED') inheritFailure(results, id);
  if (problems.length) {
    throw new ReportParseError(`TAP stream is inconsistent (output the code under test printed may be mixed in): ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}`);
  }
  return results;
}

/** A `# Subtest:` name without its backslash escapes (`\#` → `#`, `\\` → `\`), trimmed, as tap-parser reads test point names. */
const unescapeTap = (s: string): string => s.replace(/\\(.)/g, '$1').trim();
