// `tasks create` without --test-cmd or with --test-report auto: the runner and the plain command
// from the repository's package.json at the base commit (read with git, never run).
import { UserInputError } from '../core/errors.ts';
import { detectRunner } from '../evaluation/runners/index.ts';
import { gitAt, gitTry } from '../workspace/git.ts';

/** What create records: the plain command and the runner that reads its results. */
export interface InferredRun {
  test_cmd: string;
  test_report: string;
}

/**
 * `testCmd` (or, when empty, `npm test` when package.json at `base` has a `test` script a runner
 * adapter recognises; for node:test the script's own command, as node takes its reporter flags only
 * before the test files) and `testReport` (`auto` resolved to the adapter's name from that command and
 * package.json; any other kind kept). Throws `UserInputError` naming what to pass when neither can
 * be inferred.
 */
export async function inferRun(mirror: string, base: string, testCmd: string | undefined, testReport: string): Promise<InferredRun> {
  const needs = !testCmd || testReport === 'auto';
  if (!needs) return { test_cmd: testCmd, test_report: testReport };
  const shown = await gitTry(gitAt(mirror), ['show', `${base}:package.json`]);
  let pkg: unknown = null;
  try {
    pkg = shown.ok ? (JSON.parse(shown.output) as unknown) : null;
  } catch {
    pkg = null;
  }
  const cmd = testCmd || 'npm test';
  if (!testCmd) {
    const script = (pkg as { scripts?: Record<string, unknown> } | null)?.scripts?.test;
    if (typeof script !== 'string') throw new UserInputError(`no --test-cmd given and package.json at ${base.slice(0, 12)} has no "test" script; pass --test-cmd "<the command you run the tests with>"`);
  }
  if (testReport !== 'auto') return { test_cmd: cmd, test_report: testReport };
  const found = detectRunner(cmd, pkg);
  if (!found) {
    const pytest = /\b(?:pytest|py\.test)\b/.test(cmd) ? ' (pytest: add --junitxml=report.xml to --test-cmd and pass --test-report junit:report.xml; README "Test runners")' : '';
    throw new UserInputError(`no test runner fixbench knows found in ${JSON.stringify(cmd)}${testCmd ? '' : ' (package.json\'s "test" script)'}; pass --test-report vitest|jest|mocha|tape|node-test|uvu|ava|node-tap|jasmine|karma, or a report file kind (junit:<path>, …)${pytest}`);
  }
  // node takes its reporter flags only before the test files, which `npm test -- …` cannot do: run the script's own command.
  const script = (pkg as { scripts?: Record<string, string> } | null)?.scripts?.[found.script ?? ''];
  if (!testCmd && found.adapter.name === 'node-test' && script) return { test_cmd: script, test_report: found.adapter.name };
  return { test_cmd: cmd, test_report: found.adapter.name };
}
