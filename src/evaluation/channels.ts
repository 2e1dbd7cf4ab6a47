// The second result channel (DESIGN.md §11 rule 3): where the runner can write two reports in one
// run, fixbench adds a second, independent one in another format to a file of a random name, and
// the per-test results of both must agree; disagreement is `tampered`.
//
// Feasible per runner (checked against the bundled tasks):
// - node:test (`node --test …`): yes. node takes several `--test-reporter`s, each with its
//   `--test-reporter-destination`; fixbench adds TAP when the task reads JUnit, JUnit when it reads TAP.
// - mocha: no. mocha runs one reporter per run (`--reporter`); a second would need a reporter module
//   loaded into the very process the code under test runs in.
// - vitest: not added. vitest can run several reporters, but `--outputFile=<path>` (as tasks write
//   it) sends every file reporter to that one path, so a second report would need the task's own
//   flag rewritten.
// - jest: no (one `--json` output).
import { randomBytes } from 'node:crypto';
import type { ReportKind, TestResults } from './parse/index.ts';

/** A second channel: the command that also writes it, where, and in which format. */
export interface SecondChannel {
  /** `test_cmd` with the second reporter added. */
  cmd: string;
  /** Repository-relative path of the second report (random name, at the root). */
  path: string;
  kind: 'junit' | 'tap';
}

const NODE_TEST_RE = /(^|&&|;|\|\||\s)node\s+--test(?=\s|$)/g;

/**
 * The second channel for `testCmd` reading `report`, or null where the runner gives none. Only a
 * command with exactly one `node --test` (that very spelling) whose `--test-reporter`s have each a
 * `--test-reporter-destination` (or is one reporter to stdout) and that reads `junit:` or `tap`:
 * the added reporter (TAP for JUnit, JUnit for TAP) is inserted right after `--test`, first in
 * both lists, so node pairs it with its own destination.
 */
export function planSecondChannel(testCmd: string, report: ReportKind): SecondChannel | null {
  if (report.kind !== 'junit' && report.kind !== 'tap') return null;
  if ((testCmd.match(NODE_TEST_RE) ?? []).length !== 1) return null;
  const reporters = (testCmd.match(/--test-reporter(?=[=\s])/g) ?? []).length;
  const destinations = (testCmd.match(/--test-reporter-destination(?=[=\s])/g) ?? []).length;
  const soleToStdout = reporters === 1 && destinations === 0;
  if (!soleToStdout && (reporters === 0 || reporters !== destinations)) return null;
  const kind = report.kind === 'junit' ? 'tap' : 'junit';
  const path = `.fixbench-${randomBytes(8).toString('hex')}.${kind === 'tap' ? 'tap' : 'xml'}`;
  const added = ` --test-reporter=${kind} --test-reporter-destination=${path}${soleToStdout ? ' --test-reporter-destination=stdout' : ''}`;
  const cmd = testCmd.replace(NODE_TEST_RE, (m) => `${m}${added}`);
  return { cmd, path, kind };
}

/**
 * The key two channels' spellings of one test id are compared under: node --test's reporters write
 * the same name differently (measured on node 20.20: TAP writes a carriage return as `\r` and a line
 * feed as `\n`, escaped; JUnit keeps a CR raw, which XML reads as a line feed, drops a line feed, and
 * writes `"` as `&amp;quot;`, read as `&quot;`; `cleanName` then trims what became an edge line
 * break on one side only; a backslash is doubled by TAP and undone by tap-parser, so a backslash
 * before a CR is `\\r` in TAP and `\\n` in JUnit). The key drops every two characters `\r` and
 * `\n` (left to right), reads `&quot;` as `"`, and drops all white space. Not injective: ids
 * sharing a key are compared only where both channels spell them identically (`compareChannels`).
 */
export function channelKey(id: string): string {
  return id.replace(/&quot;/g, '"').replace(/\\[rn]/g, '').replace(/\s+/g, '');
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
 * from both. A test is found in the second channel under its own id when it is there and its key
 * (`channelKey`) is no other test's; else under its key when exactly one test of each channel has
 * that key (the reporters spell a line break or `"` differently); when several tests share the
 * key, only if both channels hold exactly the same ids under it (then each is compared under its
 * own id); else, when the second channel has at most one test under the key, the first report
 * claims tests the second never saw: a disagreement; else (the second channel itself holds
 * several, spelled otherwise) the test is ambiguous. A forger that edits one report cannot borrow
 * another test's status, nor turn a disagreement into no verdict by adding a twin name to it: a
 * test is matched across the channels only to the one test the other channel has under its key.
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
  const names = (xs: string[]): string => xs.map((x) => JSON.stringify(x)).join(', ') || 'none';
  for (const id of ids) {
    const k = channelKey(id);
    const mine = keys1.get(k) ?? [], theirs = keys2.get(k) ?? [];
    let other: string | undefined;
    if (mine.length <= 1 && theirs.length <= 1 && (mine.length === 0 || mine[0] === id)) other = theirs[0];
    else if (mine.length === theirs.length && mine.every((x) => second.has(x))) other = id;
    else if (theirs.length <= 1) {
      // Only the first report holds several (or another) tests under the key: it claims tests the second never saw.
      diffs.push(`${JSON.stringify(id)}: report has ${names(mine)} under one name, ${secondLabel} ${names(theirs)}`);
      continue;
    } else {
      unsure.push(`${JSON.stringify(id)} (report: ${names(mine)}; ${secondLabel}: ${names(theirs)})`);
      continue;
    }
    const a = first.get(id) ?? 'MISSING';
    const b = (other === undefined ? undefined : second.get(other)) ?? 'MISSING';
    if (a !== b) diffs.push(`${JSON.stringify(id)}: report ${a}, ${secondLabel} ${b}`);
  }
  const list = (xs: string[]): string => `${xs.slice(0, 3).join('; ')}${xs.length > 3 ? '; …' : ''}`;
  return {
    disagree: diffs.length ? `the two result channels disagree on ${diffs.length} test(s): ${list(diffs)}` : null,
    ambiguous: unsure.length ? `${unsure.length} test(s) cannot be matched across the two result channels (their names differ only in line breaks, quotes or white space, which the reporters spell differently): ${list(unsure)}` : null,
  };
}
