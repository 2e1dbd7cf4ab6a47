// TAP (version 13/14, with node-style nested subtests) on stdout → per-test results.
import { Parser, type FinalResults, type Result } from 'tap-parser';
import { cleanName, joinId } from './names.ts';
import type { TestStatus } from '../types.ts';
import { failingTodos, record, ReportParseError, setChannelReading, worseStatus, type ChannelReading, type LeafReading, type TestResults } from './types.ts';
import { installTapYamlFastPath } from './tap-yaml-fast.ts';

installTapYamlFastPath(); // the diagnostics blocks of node --test, read without the YAML parser (issue 18)

/**
 * Parses TAP text (Test Anything Protocol 13/14, read by tap-parser) into `id → status`. Ids are
 * the names of the nested subtests (`# Subtest: <name>`), outermost first, then the test point's
 * description, joined with ` > `, TAP's backslash escapes undone (`\#` → `#`, so ids agree with
 * the JUnit report of the same run); every part is cleaned by `cleanName` (ANSI codes and one
 * appended duration removed; a `# time=12ms` directive is never part of the name). Every test
 * point counts, including the one closing a subtest (a suite).
 * Status: `ok` → PASSED, `not ok` → FAILED, `# SKIP` or `# TODO` → SKIPPED.
 * A duplicated id keeps its worst status. Non-TAP lines are ignored.
 *
 * For the second-channel comparison the map carries a `ChannelReading` (`channelReading`): the
 * ids that name a suite (the test point closing a subtest that holds test points: node's JUnit
 * report has no test for it; an empty subtest's test point is a test, as in JUnit) and, for those
 * and for ids with a failing `# TODO`, what their leaf tests alone say, a failing todo FAILED (as
 * node's JUnit report reads it: `<failure>` beside `<skipped type="todo">`). The ids and statuses
 * above are not changed by it.
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
export function parseTap(text: string): TestResults {
  const results: TestResults = new Map();
  const problems: string[] = [];
  const paths = new WeakMap<Parser, string[]>();
  const leaves = new Map<string, LeafReading>();
  const suites = new Set<string>();
  const todoFailed = new Set<string>(), otherFailed = new Set<string>();
  const attach = (p: Parser): void => {
    const path = p.parent ? [...(paths.get(p.parent) ?? []), unescapeTap(p.name)] : [];
    paths.set(p, path);
    // The name of the subtest that just completed holding test points: the test point closing it is a suite's.
    let suite: string | null = null;
    p.on('assert', (r: Result) => {
      const closesSuite = suite !== null && suite === r.name.trim();
      suite = null;
      const id = joinId([...path, r.name].map(cleanName));
      if (!id) return;
      record(results, id, r.skip || r.todo ? 'SKIPPED' : r.ok ? 'PASSED' : 'FAILED');
      if (closesSuite) {
        suites.add(id);
        return;
      }
      const leaf: TestStatus = r.skip || (r.todo && r.ok) ? 'SKIPPED' : r.ok ? 'PASSED' : 'FAILED';
      if (leaf === 'FAILED') (r.todo ? todoFailed : otherFailed).add(id);
      const prev = leaves.get(id);
      leaves.set(id, prev ? { status: worseStatus(prev.status, leaf), count: prev.count + 1 } : { status: leaf, count: 1 });
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
    p.on('child', (c: Parser) => {
      attach(c);
      c.on('complete', (res: FinalResults) => { suite = res.count > 0 ? unescapeTap(c.name) : null; });
    });
  };
  const root = new Parser();
  attach(root);
  const body = text.replace(/\r(?!\n)/g, '\\r').replace(/[\u2028\u2029]/g, (c) => `\\\\u{${c.charCodeAt(0).toString(16).toUpperCase()}}`);
  root.end(body.endsWith('\n') ? body : body + '\n');
  if (problems.length) {
    throw new ReportParseError(`TAP stream is inconsistent (output the code under test printed may be mixed in): ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}`);
  }
  if (suites.size || todoFailed.size) setChannelReading(results, { ...leafReading(results, leaves, suites), failingTodos: failingTodos(todoFailed, otherFailed) });
  return results;
}

/** The `ChannelReading` of `results`: the ids naming a suite, and every id whose leaf tests (`leaves`) read otherwise than it. */
function leafReading(results: TestResults, leaves: ReadonlyMap<string, LeafReading>, suites: ReadonlySet<string>): Omit<ChannelReading, 'failingTodos'> {
  const differ = new Map<string, LeafReading | null>();
  for (const id of suites) differ.set(id, leaves.get(id) ?? null);
  for (const [id, leaf] of leaves) if (!suites.has(id) && leaf.status !== results.get(id)) differ.set(id, leaf);
  return { leaves: differ, suites: new Set(suites) };
}

/** A `# Subtest:` name without its backslash escapes (`\#` → `#`, `\\` → `\`), trimmed, as tap-parser reads test point names. */
const unescapeTap = (s: string): string => s.replace(/\\(.)/g, '$1').trim();
