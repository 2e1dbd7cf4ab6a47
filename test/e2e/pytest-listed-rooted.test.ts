// A listed pytest id resolved below pytest's rootdir (canary-listed-python.ts, atkA20 #1), through the real
// pipeline (`fixbench eval --sandbox bwrap`) on test/fixtures/hostile/_pytest-rooted: with `cd pkg && pytest`
// (and with a package's own pytest.ini, and with a root decoy the patch writes), the listed host is
// pkg/tests/test_util.py, not the repository root's tests/test_util.py; a flipper of the test files equal to
// their base_commit blob then finds that host changed (it holds canaries) and the wrong patch's failures
// show: `unresolved` (it was `resolved`); gold stays `resolved` with no note, the blanket flipper `tampered`.
// `known`: the rootdir unreadable (`python3 -B`) and test.patch touching the root's tests/test_util.py, the
// id's path: every file ending in that path and defining the test is a host (atkD21 E: the known file took them).
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

const MAKE = fileURLToPath(new URL('../fixtures/hostile/_pytest-rooted/make-task.sh', import.meta.url));
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-pytest-rooted-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.runIf(bwrapUsable && pytest)('a listed pytest id rooted in a package folder (bwrap)', () => {
  it.each(['cd', 'ini', 'patch', 'known'])('variant %s: the flipper of base-identical test files is unresolved, gold resolved with no note', async (variant) => {
    const out = path.join(tmp, variant);
    execFileSync('bash', [MAKE, out], { stdio: 'ignore', env: { ...process.env, VARIANT: variant === 'cd' ? '' : variant } });
    const r = await runCli(['eval', '--sandbox', 'bwrap', '--tasks', path.join(out, 'tasks'), '--predictions', path.join(out, 'preds.jsonl'), '--results', path.join(out, 'results'), '--reports', path.join(out, 'reports'), '--run-id', 'r1', '--json'], { timeoutMs: 240_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = (await readFile(path.join(out, 'results', 'r1', 'attempts.jsonl'), 'utf8')).trim().split('\n');
    const by = Object.fromEntries(lines.map((l) => AttemptRecord.parse(JSON.parse(l))).map((a) => [a.contender, a]));
    expect(Object.fromEntries(Object.entries(by).map(([c, a]) => [c, a.outcome]))).toEqual({ right: 'resolved', wrong: 'unresolved', flip: 'unresolved', blanket: 'tampered' });
    expect(by['right']!.canaries?.unhooked).toBeUndefined();
  }, 300_000);
});
