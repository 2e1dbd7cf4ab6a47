// The second result channel (DESIGN.md §11 rule 3): where the runner can write two reports in one
// run, fixbench adds a second, independent one in another format to a file of a random name, and
// the per-test results of both must agree; disagreement is `tampered`.
//
// Feasible per runner (checked against the bundled tasks):
// - node:test (`node --test …`): yes. node takes several `--test-reporter`s, each with its
//   `--test-reporter-destination`; fixbench adds TAP when the task reads JUnit (its own lean TAP
//   reporter, channel-reporter.ts: node's `tap` cost twice its CPU), JUnit when it reads TAP.
// - mocha: no. mocha runs one reporter per run (`--reporter`); a second would need a reporter module
//   loaded into the very process the code under test runs in.
// - vitest: not added. vitest can run several reporters, but `--outputFile=<path>` (as tasks write
//   it) sends every file reporter to that one path, so a second report would need the task's own
//   flag rewritten.
// - jest: no (one `--json` output).
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { shellWordAt } from '../core/shell-quote.ts';
import { ACCOUNT_REPORTER, LEAN_TAP_REPORTER } from './channel-reporter.ts';
import { inheritedFailure, testCount, worseStatus, type ReportKind, type TestResults } from './parse/index.ts';
import type { TestStatus } from './types.ts';

/** A second channel: the command that also writes it, where, and in which format. */
export interface SecondChannel {
  /** `test_cmd` with the second reporter added. */
  cmd: string;
  /** Repository-relative path of the second report (random name, at the root), where fixbench reads it. */
  path: string;
  kind: 'junit' | 'tap';
}

/**
 * node's options before `--test`: each one token (`--no-warnings`, `--conditions=dev`) with at most
 * one word after it that does not start with `-`, its value when it takes one (`--import tsx`,
 * `-r ./setup.cjs`, `--unhandled-rejections strict`: atkP15 #2, atkR15 #1; no hand-kept list of
 * the options that take values). A script named there (`node --no-warnings run.js --test`) is read
 * as such a value: its command then gets reporter flags it does not read, and the missing second
 * report fails the grade closed.
 */
const NODE_OPTIONS = String.raw`(?:-\S+\s+(?:[^\s-]\S*\s+)?)*?`;
/** node's runner told to run the test files in its own process (node ≥ 22.8: `--test-isolation=none`, `--experimental-test-isolation=none`). */
const TEST_ISOLATION_NONE = /--(?:experimental-)?test-isolation(?:=|\s+)['"]?none\b/;
/** `node --test` (node's own options allowed before `--test`, atkO15 #2). */
const NODE_TEST_RE = new RegExp(String.raw`(^|&&|;|\|\||\s)node\s+${NODE_OPTIONS}--test(?=\s|$|['"](?:\s|$|[;&|)]))`, 'g');

/**
 * The second channel for `testCmd` reading `report`, or null where the runner gives none. Only a
 * command with exactly one `node --test` (node's options may come before `--test`: `NODE_OPTIONS`)
 * whose `--test-reporter`s have each a `--test-reporter-destination` (or is one reporter to stdout,
 * or none at all read as `tap`: node's default TAP, then named) and that reads `junit:` or `tap`:
 * the added reporter (TAP for JUnit — fixbench's lean TAP reporter, `LEAN_TAP_REPORTER`; node's
 * `junit` for TAP) is inserted right after `--test` with its destination, at
 * the same place in both lists, so node pairs it with its own destination. The destination is
 * absolute, `root` (the workspace as the command sees it: sandbox/roots.ts `workspaceSeenByCommand`)
 * joined with `path`, so it lands at the repository's root whatever folder the command runs node in
 * (`cd packages/x && node --test …`, atkC18 #6). Both words are quoted for where they go
 * (core/shell-quote.ts `shellWordAt`: a `root` with a space, and inside `sh -c '… node --test'`).
 */
export function planSecondChannel(testCmd: string, report: ReportKind, root: string): SecondChannel | null {
  if (report.kind !== 'junit' && report.kind !== 'tap') return null;
  if (TEST_ISOLATION_NONE.test(testCmd)) return null;
  if ((testCmd.match(NODE_TEST_RE) ?? []).length !== 1) return null;
  const reporters = (testCmd.match(/--test-reporter(?=[=\s])/g) ?? []).length;
  const destinations = (testCmd.match(/--test-reporter-destination(?=[=\s])/g) ?? []).length;
  const soleToStdout = reporters === 1 && destinations === 0;
  // no reporter named, read as TAP: node's default off a terminal, named now so the added one does not replace it
  const bareTap = reporters === 0 && destinations === 0 && report.kind === 'tap';
  if (!soleToStdout && !bareTap && (reporters === 0 || reporters !== destinations)) return null;
  const kind = report.kind === 'junit' ? 'tap' : 'junit';
  const path = `.fixbench-${randomBytes(8).toString('hex')}.${kind === 'tap' ? 'tap' : 'xml'}`;
  const hit = [...testCmd.matchAll(NODE_TEST_RE)][0]!;
  const end = hit.index + hit[0].length;
  const words = [kind === 'tap' ? `--test-reporter=${LEAN_TAP_REPORTER}` : '--test-reporter=junit', `--test-reporter-destination=${posix.join(root, path)}`];
  const added = words.map((w) => ` ${shellWordAt(`${testCmd.slice(0, end)} `, w)}`).join('');
  const cmd = `${testCmd.slice(0, end)}${added}${soleToStdout ? ' --test-reporter-destination=stdout' : ''}${bareTap ? ' --test-reporter=tap --test-reporter-destination=stdout' : ''}${testCmd.slice(end)}`;
  return { cmd, path, kind };
}

/**
 * `cmd` (holding exactly one `node --test`, as planSecondChannel's) with node's runner told to run
 * one test file at a time (`--test-concurrency=1` right after `--test`; a concurrency the command
 * gives is taken out) and fixbench's account reporter (channel-reporter.ts ACCOUNT_REPORTER) writing
 * to a file of a random name at the root (`root`, as planSecondChannel's): process-account.ts reads
 * which test file's process reported each test. Null for a command without exactly one `node --test`.
 */
export function withProcessAccount(cmd: string, root: string): { cmd: string; path: string } | null {
  const hits = [...cmd.matchAll(NODE_TEST_RE)];
  if (hits.length !== 1) return null;
  const end = hits[0]!.index + hits[0]![0].length;
  const rest = cmd.slice(end).replace(/\s--test-concurrency(?:=|\s+)(['"]?)\w+\1(?=[\s'"]|$)/g, '');
  const path = `.fixbench-${randomBytes(8).toString('hex')}.jsonl`;
  const words = ['--test-concurrency=1', `--test-reporter=${ACCOUNT_REPORTER}`, `--test-reporter-destination=${posix.join(root, path)}`];
  return { cmd: `${cmd.slice(0, end)}${words.map((w) => ` ${shellWordAt(`${cmd.slice(0, end)} `, w)}`).join('')}${rest}`, path };
}

/**
 * Whether `testCmd` runs node's test runner (`node --test`, or `node --test-reporter…` running
 * test files directly; other node flags may come first, a script's arguments do not count) with
 * node's own reporters only (`tap`, `spec`, `dot`, `junit`, `lcov`; none named is node's default):
 * its TAP is then node's, read with `tapLeaves` (parse/tap.ts `leaves`: a describe or a parent test
 * is no test, as in node's JUnit report), so a suite titled like a test at its level never shares
 * that test's id. A reporter module of the task's own writes whatever it writes, and other runners'
 * TAP (node-tap, whose tests are subtests of assertions) keeps every point.
 */
export function readsNodeTestTap(testCmd: string): boolean {
  if (!new RegExp(String.raw`(?:^|[\s;&|(])node\s+${NODE_OPTIONS}--test(?:-reporter)?(?=[\s=]|$)`).test(testCmd)) return false;
  const reporters = [...testCmd.matchAll(/--test-reporter[=\s]+(['"]?)([^\s'"]*)\1/g)].map((m) => m[2]);
  return reporters.every((r) => ['tap', 'spec', 'dot', 'junit', 'lcov'].includes(r!));
}

/**
 * Whether every node `testCmd` starts is a `node --test` run whose options before `--test` are
 * flags alone (`node --test …`, `node --no-warnings --test-reporter=tap --test …`), without
 * `--test-isolation=none`: node's reporters then run in the runner's own process and each test file
 * in a child, so code under test cannot rewrite the report. node run on test files without `--test`
 * (`node --test-reporter=tap test/a.js`) runs them in the reporter's process: patched code can
 * replace `process.stdout.write` and turn `not ok` into `ok` (atkV15 #1), so its report is evidence
 * only beside a second channel, which such a command cannot get. Fail closed: a flag followed by a
 * value word before `--test` (`--import tsx --test`) is not told from a script named before a
 * script argument `--test` (`node --test-reporter=tap a.js --test`), so it counts as in-process.
 */
export function reporterApartFromTests(testCmd: string): boolean {
  if (TEST_ISOLATION_NONE.test(testCmd)) return false;
  const nodes = (testCmd.match(/(?:^|[\s;&|(])node(?=\s|$)/g) ?? []).length;
  const runs = (testCmd.match(/(?:^|[\s;&|(])node(?:\s+-\S+)*?\s+--test(?=\s|$)/g) ?? []).length;
  return nodes > 0 && runs === nodes;
}

/**
 * The key two channels' spellings of one test id are compared under: the one form both reporters'
 * spellings of a name come to (measured on node 20.20). TAP escapes a CR as `\r`, an LF as `\n`
 * and doubles a backslash (tap-parser undoes the doubling, so a literal backslash-`n` reads like an
 * LF), and parseTap reads a lone raw CR as `\r`; JUnit drops an LF, keeps a CR raw (read by XML as
 * an LF, then `\n` by `normalizeTitle`) and writes `"` as `&amp;quot;` (read as `&quot;`, like a
 * literal `&quot;`); `cleanName` trims what became an edge line break on one side only. So the key
 * reads `&quot;` as `"`, drops every two characters `\r` and `\n` (left to right: a backslash
 * before a CR is `\\r` in TAP and `\\n` in JUnit, both `\`), and trims each ` > ` part; all other
 * white space is kept (`trims " a"` and `trims "a "` keep apart). Not injective (a name with an LF and
 * the same name without share a key, and JUnit itself gives them one id): `compareChannels` decides
 * what a shared key allows.
 */
export function channelKey(id: string): string {
  return id.replace(/&quot;/g, '"').replace(/\\[rn]/g, '').split(' > ').map((p) => p.trim()).filter((p) => p !== '').join(' > ');
}

/** The two channels' comparison on the deciding tests: `disagree` makes the run `tampered`; `ambiguous` (and no disagreement) gives no verdict. */
export interface ChannelComparison {
  /** A sentence naming the first tests whose status differs between the channels, or null. */
  disagree: string | null;
  /**
   * A sentence naming the first tests that cannot be matched across the channels (their key is
   * shared by several tests, spelled differently in the two reports), or null.
   */
  ambiguous: string | null;
}

/**
 * Compares the two channels on the tests that decide the grade (`ids`: the listed tests and the
 * canaries, full ids of the first channel): each must have the same status in both, or be absent
 * from both. Tests are grouped by `channelKey`; a parser's id recorded several times counts as that
 * many tests (`testCount`; its status is their worst). For an id, with `mine` the first channel's
 * ids under its key and `theirs` the second's:
 * - both hold the same ids: each is compared under its own id;
 * - each holds at most one (and the first's is `id`): compared to the second's one (or MISSING);
 * - the first counts more tests under the key than the second: it claims tests the second never
 *   saw (a twin forged into the report): disagreement;
 * - else (the second holds as many or more, spelled otherwise or collapsed into one id): when both
 *   count the same tests and the worst status under the key differs, disagreement; when no test of
 *   the second under the key can have `id`'s status (an id recorded once has its status exactly; one
 *   recorded several times has its worst and may hold any better one, or exactly PASSED when that is
 *   its worst), disagreement; when every test of the second under the key has exactly `id`'s status,
 *   agreement; else ambiguous (no verdict).
 * So a forger that edits one report cannot borrow another test's status, nor turn a disagreement into
 * no verdict by adding a twin name to it, and a test failing in the second channel is never matched
 * to a pass claimed in the first.
 */
export function compareChannels(first: TestResults, second: TestResults, ids: readonly string[], secondLabel: string): ChannelComparison {
  const byKey = (r: TestResults): Map<string, string[]> => {
    const m = new Map<string, string[]>();
    for (const id of r.keys()) {
      const k = channelKey(id);
      const xs = m.get(k);
      if (xs) xs.push(id);
      else m.set(k, [id]);
    }
    return m;
  };
  const keys1 = byKey(first), keys2 = byKey(second);
  const diffs: string[] = [];
  const unsure: string[] = [];
  const inherited: string[] = [];
  const names = (xs: string[], r: TestResults): string => xs.map((x) => `${JSON.stringify(x)}${testCount(r, x) > 1 ? ` (${testCount(r, x)} tests)` : ''}`).join(', ') || 'none';
  const count = (xs: string[], r: TestResults): number => xs.reduce((n, x) => n + testCount(r, x), 0);
  const worst = (xs: string[], r: TestResults): TestStatus | undefined => xs.reduce<TestStatus | undefined>((w, x) => (w === undefined ? r.get(x) : worseStatus(w, r.get(x)!)), undefined);
  for (const id of ids) {
    const k = channelKey(id);
    const mine = keys1.get(k) ?? [], theirs = keys2.get(k) ?? [];
    const a = first.get(id) ?? 'MISSING';
    let other: string | undefined;
    if (mine.length === theirs.length && mine.every((x) => second.has(x))) other = id;
    else if (mine.length <= 1 && theirs.length <= 1 && (mine.length === 0 || mine[0] === id)) other = theirs[0];
    else {
      const n1 = count(mine, first), n2 = count(theirs, second);
      const both = `report has ${names(mine, first)} under one name, ${secondLabel} ${names(theirs, second)}`;
      if (n1 > n2) {
        // The first report counts more tests under the key: it claims tests the second never saw.
        diffs.push(`${JSON.stringify(id)}: ${both}`);
        continue;
      }
      const w1 = worst(mine, first), w2 = worst(theirs, second);
      // An id of the second recorded several times may hold any status as good as its worst; PASSED as worst is exact.
      const exact = (x: string): boolean => testCount(second, x) === 1 || second.get(x) === 'PASSED';
      const possible = theirs.some((x) => second.get(x) === a || (a !== 'MISSING' && !exact(x) && worseStatus(a, second.get(x)!) === second.get(x)));
      const certain = theirs.length > 0 && theirs.every((x) => second.get(x) === a && exact(x));
      if ((n1 === n2 && w1 !== w2) || !possible) diffs.push(`${JSON.stringify(id)}: report ${a}, ${both} (${w2 ?? 'MISSING'} at worst)`);
      else if (!certain) unsure.push(`${JSON.stringify(id)} (${both})`);
      continue;
    }
    const b = (other === undefined ? undefined : second.get(other)) ?? 'MISSING';
    // a failure of a parent's own code that only one report can carry (node's TAP, not its JUnit): no verdict
    if (a !== b && ((a === 'FAILED' && inheritedFailure(first, id)) || (b === 'FAILED' && inheritedFailure(second, other!)))) inherited.push(JSON.stringify(id));
    else if (a !== b) diffs.push(`${JSON.stringify(id)}: report ${a}, ${secondLabel} ${b}`);
  }
  const list = (xs: string[]): string => `${xs.slice(0, 3).join('; ')}${xs.length > 3 ? '; …' : ''}`;
  return {
    disagree: diffs.length ? `the two result channels disagree on ${diffs.length} test(s): ${list(diffs)}` : null,
    ambiguous: [
      unsure.length ? `${unsure.length} test(s) cannot be matched across the two result channels (their names differ only in line breaks or quotes, which the reporters spell differently): ${list(unsure)}` : '',
      inherited.length ? `${inherited.length} test(s) failed with a test or suite around them that failed in its own code (a hook, or a parent test's own body), which only one of the two result channels can report (node's JUnit report cannot): ${list(inherited)}` : '',
    ].filter((s) => s !== '').join('; ') || null,
  };
}
