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
 * Compares the two channels on the tests that decide the grade (`ids`: the listed tests and the
 * canaries, full ids of the first channel): each must have the same status in both, or be absent
 * from both. Returns a sentence naming the first disagreements, or null when they agree.
 */
export function compareChannels(first: TestResults, second: TestResults, ids: readonly string[], secondLabel: string): string | null {
  const diffs: string[] = [];
  for (const id of ids) {
    const a = first.get(id) ?? 'MISSING';
    const b = second.get(id) ?? 'MISSING';
    if (a !== b) diffs.push(`${JSON.stringify(id)}: report ${a}, ${secondLabel} ${b}`);
  }
  if (!diffs.length) return null;
  return `the two result channels disagree on ${diffs.length} test(s): ${diffs.slice(0, 3).join('; ')}${diffs.length > 3 ? '; …' : ''}`;
}
