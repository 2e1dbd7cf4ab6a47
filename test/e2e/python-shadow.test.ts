// A pytest task's grading cannot be steered from outside the code under test (atkZ10 1–3, atkG10's
// planted conftest), through the real pipeline (`fixbench eval --sandbox bwrap`) on the tiny pytest
// tasks of test/fixtures/hostile/_locked-pytest (pytest copied into the repository's pylib/, on
// test_cmd's PYTHONPATH). Each wrong patch below also carries the control's no-op edit of calc.py,
// so what is left after the protected rule drops the trick is graded:
// - shadow-stdlib (1): a root-level pprint.py (pytest imports pprint at start) sets calc.add right;
// - pythonpath-shadow (2): the same lines appended to pylib/pytest/__init__.py;
// - planted-conftest: calc.py writes tests/conftest.py when imported (created during the run);
// - wrong-fix on variant 5 (3): a root-level test file past the mount cap rewritten, restored at exit.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';
import { pytestInstalled as pytest } from '../helpers/pytest.ts';

const DIR = fileURLToPath(new URL('../fixtures/hostile/_locked-pytest/', import.meta.url));
const tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-python-shadow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const NOOP = 'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -4,3 +4,3 @@ def add(a, b):\n \n def sub(a, b):\n-    return a - b\n+    return a - b  # no-op\n';
const FIX_ADD = 'import calc as _c\n_c.add = lambda a, b: a + b\n';
// The shadow loads the real pprint (the root taken off sys.path for that import), then patches calc.
const PPRINT = [
  'import os, sys',
  '_here = os.path.dirname(os.path.abspath(__file__))',
  'del sys.modules[__name__]',
  '_saved = sys.path[:]',
  "sys.path[:] = [p for p in sys.path if os.path.abspath(p or '.') != _here]",
  'import pprint as _real',
  'sys.path[:] = _saved',
  "sys.modules['pprint'] = _real",
  'sys.path.insert(0, _here)',
  ...FIX_ADD.trim().split('\n'),
];
const added = (file: string, lines: string[]): string => `diff --git a/${file} b/${file}\nnew file mode 100644\n--- /dev/null\n+++ b/${file}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}\n`).join('')}`;
const PLANT = "diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,2 +1,5 @@\n+import os\n+open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'tests', 'conftest.py'), 'w').write('')\n+\n def add(a, b):\n     return a - b\n";

/** Builds variant `n`'s task, grades `predictions` (contender → patch) on bwrap; contender → [outcome, error message, protected files edited]. */
async function grade(n: 4 | 5, predictions: Record<string, string>): Promise<Record<string, [string, string | null, string[]]>> {
  const tasks = path.join(tmp, `tasks-${n}`);
  execFileSync('bash', [path.join(DIR, 'make-task.sh'), tasks, String(n)], { stdio: 'ignore' });
  const pred = path.join(tmp, `pred-${n}.jsonl`);
  writeFileSync(pred, Object.entries(predictions).map(([c, p]) => JSON.stringify({ instance_id: 'py-calc-1', model_name_or_path: c, model_patch: p })).join('\n') + '\n');
  const r = await runCli(['eval', '--sandbox', 'bwrap', '--tasks', tasks, '--predictions', pred, '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', `s${n}`, '--json'], { timeoutMs: 240_000 });
  expect(r.exitCode, r.stderr).toBe(0);
  const lines = readFileSync(path.join(tmp, 'results', `s${n}`, 'attempts.jsonl'), 'utf8').trim().split('\n');
  return Object.fromEntries(lines.map((l) => AttemptRecord.parse(JSON.parse(l))).map((a) => [a.contender, [a.outcome, a.error?.message ?? null, a.protected_files_edited ?? []]]));
}

/** A diff that appends `text` to `file` of variant 4's repository (context lines from the real file). */
function appendDiff(file: string, text: string): string {
  const repo = path.join(tmp, 'clone');
  execFileSync('bash', [path.join(DIR, 'make-task.sh'), path.join(tmp, 'tasks-clone'), '4'], { stdio: 'ignore' });
  execFileSync('git', ['clone', '-q', path.join(tmp, 'tasks-clone', 'repos', 'py-calc.bundle'), repo], { stdio: 'ignore' });
  appendFileSync(path.join(repo, file), text);
  return execFileSync('git', ['diff'], { cwd: repo, encoding: 'utf8' });
}

describe.runIf(bwrapUsable && pytest)('pytest grading resists module shadowing and planted files (bwrap)', () => {
  it('1, 2 and the planted conftest: shadows dropped (unresolved), a planted conftest.py tampered', async () => {
    const out = await grade(4, {
      'shadow-stdlib': added('pprint.py', PPRINT) + NOOP,
      'pythonpath-shadow': appendDiff('pylib/pytest/__init__.py', `\n${FIX_ADD}`) + NOOP,
      'planted-conftest': PLANT,
      'plain-wrong': NOOP,
    });
    expect([out['shadow-stdlib']![0], out['shadow-stdlib']![2]]).toEqual(['unresolved', ['pprint.py']]);
    expect([out['pythonpath-shadow']![0], out['pythonpath-shadow']![2]]).toEqual(['unresolved', ['pylib/pytest/__init__.py']]);
    expect(out['planted-conftest']).toEqual(['tampered', expect.stringMatching(/created 1 protected file\(s\).*: tests\/conftest\.py$/), []]);
    expect(out['plain-wrong']![0]).toBe('unresolved');
  }, 300_000);

  it('3: a root-level test file past the mount cap, rewritten and restored, is tampered; a listed one cannot be rewritten', async () => {
    const preds = Object.fromEntries(readFileSync(path.join(DIR, 'predictions-3.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { model_name_or_path: string; model_patch: string })
      .map((d) => [d.model_name_or_path, d.model_patch.replace("'tests', 'test_zz_sub.py'", "'test_zz_sub.py'")]));
    // the same rewrite of test_p299.py, a test file no listed test is in, sorted past the 256 binds
    preds['wrong-fix-unlisted'] = preds['wrong-fix']!.replace("'test_zz_sub.py'", "'test_p299.py'");
    const out = await grade(5, preds);
    // test_zz_sub.py holds the listed test_sub2: a canary host, which heads the lock list, so it is bound read-only; the rewrite
    // fails (the payload swallows the OSError) and the wrong sub() fails its test
    expect(out['wrong-fix']).toEqual(['unresolved', null, []]);
    expect(out['wrong-fix-unlisted']).toEqual(['tampered', expect.stringMatching(/changed 1 locked file\(s\).*: test_p299\.py$/), []]);
    expect(out['plain-wrong']![0]).toBe('unresolved');
  }, 300_000);
});
