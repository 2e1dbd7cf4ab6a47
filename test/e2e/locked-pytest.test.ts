// A pytest task's grading run cannot be steered past the test-file lock (atkG10 #3 and #4), through
// the real pipeline (`fixbench eval --sandbox bwrap`) on tiny pytest tasks built by the attacker's
// scripts (test/fixtures/hostile/_locked-pytest: pytest copied into the task's repository):
// - #4: code under test plants pytest's cached rewritten pyc for a locked test file (its asserts
//   removed, the source's mtime and size in its header): the planted pyc is never read;
// - #3: with 300 base test files (past the 256-mount cap) code under test rewrites a late test file
//   and restores its bytes at exit: the file's folder is bound read-only, so the rewrite fails.
// Both wrong patches stay unresolved, like their controls (the same wrong code without the trick).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';
import { pytestInstalled as pytest } from '../helpers/pytest.ts';

const DIR = fileURLToPath(new URL('../fixtures/hostile/_locked-pytest/', import.meta.url));
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-locked-pytest-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Builds attack `n`'s task, grades its predictions on bwrap; contender → outcome. */
async function grade(n: 3 | 4): Promise<Record<string, string>> {
  const tasks = path.join(tmp, `tasks-${n}`);
  execFileSync('bash', [path.join(DIR, 'make-task.sh'), tasks, String(n)], { stdio: 'ignore' });
  const r = await runCli(['eval', '--sandbox', 'bwrap', '--tasks', tasks, '--predictions', path.join(DIR, `predictions-${n}.jsonl`), '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', `a${n}`, '--json'], { timeoutMs: 240_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  const lines = (await readFile(path.join(tmp, 'results', `a${n}`, 'attempts.jsonl'), 'utf8')).trim().split('\n');
  return Object.fromEntries(lines.map((l) => AttemptRecord.parse(JSON.parse(l))).map((a) => [a.contender, a.outcome]));
}

describe.runIf(bwrapUsable && pytest)('pytest grading runs under the lock (bwrap)', () => {
  it('#4: a planted assertion-rewrite pyc beside a locked test file is not run', async () => {
    expect(await grade(4)).toMatchObject({ 'wrong-fix': 'unresolved', 'plain-wrong': 'unresolved' });
  }, 300_000);
  it('#3: a test file past the mount cap cannot be rewritten and restored', async () => {
    expect(await grade(3)).toMatchObject({ 'wrong-fix': 'unresolved', 'plain-wrong': 'unresolved' });
  }, 300_000);
});
