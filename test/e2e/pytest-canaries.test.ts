// pytest gradings carry canaries (canary-python.ts), through the real pipeline (`fixbench eval
// --sandbox bwrap`) on the tiny pytest task of test/fixtures/hostile/_locked-pytest (variant 4):
// a wrong patch whose module under test wraps `_pytest.reports.TestReport.from_item_and_call` so
// every failed report becomes passed (exit 0, junit agrees) turns the must-fail canary into a pass
// too: `tampered` (atkZ10 #4 did it from a root-level `pprint.py`, now dropped as a runner file: `empty_patch`). The gold patch stays `resolved`, its record's
// `canaries` filled and no `unprotected`; a plain wrong patch stays `unresolved`, and so does one
// that removes what the test file imports (a collection error: no canary reported, not forged —
// pytest stops there, so the other listed host, tests/test_a.py, reports none either).
// tests/test_a.py holds the listed PASS_TO_PASS `test_a` (`assert True`: nothing to mutate), so it
// gets the synthetic pair and the run's canaries are `kind: 'synthetic'` (test_calc.py's are copies).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptRecord } from '../../src/store/records.ts';
import { runCli } from '../helpers/cli.ts';
import { bwrapUsable } from '../unit/sandbox/bwrap-usable.ts';
import { pytestInstalled as pytest } from '../helpers/pytest.ts';

const MAKE = fileURLToPath(new URL('../fixtures/hostile/_locked-pytest/make-task.sh', import.meta.url));
const FLIP = fileURLToPath(new URL('../fixtures/hostile/_pytest-flip/pprint.py', import.meta.url));
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-pytest-canaries-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A unified diff adding `file` with `text`. */
const newFile = (file: string, text: string): string => {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return `diff --git a/${file} b/${file}\nnew file mode 100644\n--- /dev/null\n+++ b/${file}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}\n`).join('')}`;
};

describe.runIf(bwrapUsable && pytest)('pytest gradings carry canaries (bwrap)', () => {
  it('a blanket flip of failed reports is tampered; gold is resolved with canaries recorded', async () => {
    const tasks = path.join(tmp, 'tasks');
    execFileSync('bash', [MAKE, tasks, '4'], { stdio: 'ignore' });
    const gold = await readFile(path.join(tasks, 'py-calc-1', 'gold.patch'), 'utf8');
    const wrong = 'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -4,3 +4,3 @@ def add(a, b):\n \n def sub(a, b):\n-    return a - b\n+    return a - b  # no-op\n';
    // A wrong patch that removes what the test file imports: pytest cannot collect it (no canary reported), unresolved, not tampered.
    const unimportable = 'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -1,5 +1,2 @@\n-def add(a, b):\n-    return a - b\n-\n-\n def sub(a, b):\n';
    // The same flip from the module under test itself, which pytest imports (calc.py, still wrong): the in-process route no file rule stops.
    const flip = ['', 'import _pytest.reports as _r', '_orig = _r.TestReport.from_item_and_call.__func__', '', '', 'def _flip(cls, item, call):', '    rep = _orig(cls, item, call)', '    if rep.failed:', "        rep.outcome = 'passed'", '        rep.longrepr = None', '    return rep', '', '', '_r.TestReport.from_item_and_call = classmethod(_flip)'];
    const moduleFlip = `diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -4,3 +4,${3 + flip.length} @@ def add(a, b):\n \n def sub(a, b):\n     return a - b\n${flip.map((l) => `+${l}\n`).join('')}`;
    const preds = [['shadow-flip', newFile('pprint.py', await readFile(FLIP, 'utf8'))], ['module-flip', moduleFlip], ['honest', gold], ['plain-wrong', wrong], ['unimportable', unimportable]];
    const predictions = path.join(tmp, 'predictions.jsonl');
    await writeFile(predictions, preds.map(([c, p]) => JSON.stringify({ instance_id: 'py-calc-1', model_name_or_path: c, model_patch: p })).join('\n') + '\n');
    const r = await runCli(['eval', '--sandbox', 'bwrap', '--tasks', tasks, '--predictions', predictions, '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', 'p1', '--json'], { timeoutMs: 240_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = (await readFile(path.join(tmp, 'results', 'p1', 'attempts.jsonl'), 'utf8')).trim().split('\n');
    const byContender = Object.fromEntries(lines.map((l) => AttemptRecord.parse(JSON.parse(l))).map((a) => [a.contender, a]));
    // the root-level stdlib shadow is dropped as a runner file (python-shadow.ts), leaving nothing to grade
    expect(Object.fromEntries(Object.entries(byContender).map(([c, a]) => [c, a.outcome]))).toEqual({ 'shadow-flip': 'empty_patch', 'module-flip': 'tampered', honest: 'resolved', 'plain-wrong': 'unresolved', unimportable: 'unresolved' });
    expect(byContender['module-flip']!.error?.message).toMatch(/failing canary test .* came out passed/);
    expect(byContender['honest']!.canaries).toMatchObject({ fail: 'failed', pass: 'passed', kind: 'synthetic' });
    expect(byContender['honest']!.unprotected ?? null).toBeNull();
  }, 300_000);

  it('tests in a folder whose name holds a dot (tests/v1.2/): gold resolved with canaries, a wrong patch unresolved', async () => {
    const tasks = path.join(tmp, 'tasks-dotted');
    execFileSync('bash', [MAKE, tasks, '6'], { stdio: 'ignore' });
    const gold = await readFile(path.join(tasks, 'py-calc-1', 'gold.patch'), 'utf8');
    const wrong = 'diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -4,3 +4,3 @@ def add(a, b):\n \n def sub(a, b):\n-    return a - b\n+    return a - b  # no-op\n';
    const predictions = path.join(tmp, 'predictions-dotted.jsonl');
    await writeFile(predictions, [['honest', gold], ['plain-wrong', wrong]].map(([c, p]) => JSON.stringify({ instance_id: 'py-calc-1', model_name_or_path: c, model_patch: p })).join('\n') + '\n');
    const r = await runCli(['eval', '--sandbox', 'bwrap', '--tasks', tasks, '--predictions', predictions, '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', 'p6', '--json'], { timeoutMs: 240_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const recs = (await readFile(path.join(tmp, 'results', 'p6', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    const by = Object.fromEntries(recs.map((a) => [a.contender, a]));
    expect(by['honest'], JSON.stringify(by['honest']?.error)).toMatchObject({ outcome: 'resolved', canaries: { fail: 'failed', pass: 'passed' } });
    expect(by['honest']!.tests_status).toEqual({ FAIL_TO_PASS: { success: ['tests/v1.2/test_calc.py > test_add'], failure: [] }, PASS_TO_PASS: { success: ['tests/v1.2/test_a.py > test_a'], failure: [] } });
    expect(by['plain-wrong']).toMatchObject({ outcome: 'unresolved' });
  }, 300_000);
  it('a patch that forges exactly the failing test whose name it can read (test.patch only edits its body) is no longer sure to win: the mutant sits under that name half the time (canary-swap.ts)', async () => {
    const tasks = path.join(tmp, 'tasks-known');
    execFileSync('bash', [MAKE, tasks, '7'], { stdio: 'ignore' });
    const gold = await readFile(path.join(tasks, 'py-calc-1', 'gold.patch'), 'utf8');
    // calc.py stays wrong and flips, in pytest's process, the failed result of the test named test_add (its name is in the base tree) into a pass
    const forge = ['', 'import _pytest.reports as _r', '_orig = _r.TestReport.from_item_and_call.__func__', '', '', 'def _forge(cls, item, call):', '    rep = _orig(cls, item, call)', "    if rep.failed and item.name == 'test_add':", "        rep.outcome = 'passed'", '        rep.longrepr = None', '    return rep', '', '', '_r.TestReport.from_item_and_call = classmethod(_forge)'];
    const forger = `diff --git a/calc.py b/calc.py\n--- a/calc.py\n+++ b/calc.py\n@@ -4,3 +4,${3 + forge.length} @@ def add(a, b):\n \n def sub(a, b):\n     return a - b\n${forge.map((l) => `+${l}\n`).join('')}`;
    const N = 16;
    const preds = [['honest', gold], ...Array.from({ length: N }, (_, i) => [`forger-${i}`, forger])];
    const predictions = path.join(tmp, 'predictions-known.jsonl');
    await writeFile(predictions, preds.map(([c, p]) => JSON.stringify({ instance_id: 'py-calc-1', model_name_or_path: c, model_patch: p })).join('\n') + '\n');
    const r = await runCli(['eval', '--sandbox', 'bwrap', '--tasks', tasks, '--predictions', predictions, '--results', path.join(tmp, 'results'), '--reports', path.join(tmp, 'reports'), '--run-id', 'p7', '--json'], { timeoutMs: 400_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const recs = (await readFile(path.join(tmp, 'results', 'p7', 'attempts.jsonl'), 'utf8')).trim().split('\n').map((l) => AttemptRecord.parse(JSON.parse(l)));
    const honest = recs.find((a) => a.contender === 'honest')!;
    // the name is readable, but a swapped pair hides which twin is the mutant: odds 1/2, not weak
    // (`synthetic`: the listed host tests/test_a.py has nothing to copy; the swap below is test_calc.py's mutated pair)
    expect(honest, JSON.stringify(honest.error)).toMatchObject({ outcome: 'resolved', canaries: { fail: 'failed', pass: 'passed', kind: 'synthetic', guess: 0.5 } });
    expect(honest.canaries?.weak).toBeUndefined();
    expect(honest.tests_status).toEqual({ FAIL_TO_PASS: { success: ['tests/test_calc.py > test_add'], failure: [] }, PASS_TO_PASS: { success: ['tests/test_a.py > test_a'], failure: [] } });
    const forgers = recs.filter((a) => a.contender.startsWith('forger-'));
    expect(forgers).toHaveLength(N);
    // Unswapped, the forged name is the original's (resolved: the limit of 1/2); swapped, it is the mutant's: the mutant
    // passes while the original fails (excused: a number mutant), and the original's failure is graded under its own name.
    for (const a of forgers) {
      expect(['resolved', 'unresolved', 'tampered'], JSON.stringify(a.error)).toContain(a.outcome);
      if (a.outcome === 'unresolved') expect(a.tests_status?.FAIL_TO_PASS).toEqual({ success: [], failure: ['tests/test_calc.py > test_add'] });
    }
    // Exactly the forgers whose pair ran swapped (the log says so) are not resolved.
    for (const a of forgers) {
      const log = await readFile(path.join(tmp, 'results', 'p7', 'logs', a.contender, a.instance_id, String(a.attempt), 'test_output.txt'), 'utf8');
      expect(/canary pairs ran swapped[^\n]*"test_add" ⇄/.test(log), `${a.contender}: ${a.outcome}`).toBe(a.outcome !== 'resolved');
    }
    // Before swaps every forger resolved; now each does with odds 1/2 (all 16 resolving: 2^-16).
    expect(forgers.filter((a) => a.outcome !== 'resolved').length).toBeGreaterThan(0);
  }, 450_000);
});
