// What a graded run locks and how a change to it is told (round 10 atk-repro/9).
import { mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileRule, DEFAULT_TEST_FILES } from '../../../src/evaluation/protected-rule.ts';
import { evidence, evidenceMoved, fingerprint, lockedTestPaths } from '../../../src/evaluation/test-lock.ts';
import { pythonPathDirs } from '../../../src/evaluation/python-shadow.ts';

const file = (id = 'a') => ({ mode: '100644', id });

describe('lockedTestPaths', () => {
  it("fixbench's helpers and test.patch's files first, then the base tree's test and runner files (no installed code, links or src)", () => {
    const rule = compileRule({ test_cmd: 'npm test' }, { testFiles: DEFAULT_TEST_FILES, testPatchPaths: ['test/new.test.js'], add: [], allow: [], ignored: new Set() });
    const base = new Map([
      ['src/index.js', file()],
      ['test/b.test.js', file()],
      ['test/a.test.js', file()],
      ['.mocharc.yml', file()],
      ['node_modules/x/test/t.js', file()],
      ['vendor/y.test.js', file()],
      ['test/link.js', { mode: '120000', id: 'l' }],
      ['a_test.cjs', file()],
    ]);
    expect(lockedTestPaths({ rule, base, testPatchPaths: ['test/new.test.js'] }, ['.fixbench-1-helper.cjs'])).toEqual([
      '.fixbench-1-helper.cjs', 'test/new.test.js', '.mocharc.yml', 'a_test.cjs', 'test/a.test.js', 'test/b.test.js',
    ]);
  });
});

describe('a runner vendored in a PYTHONPATH folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fixbench-test-lock-vendored-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('is fingerprinted around the run but not bound (its size would take the test files\' binds)', async () => {
    mkdirSync(join(dir, 'pylib/_pytest'), { recursive: true });
    mkdirSync(join(dir, 'tests'));
    for (const f of ['pylib/_pytest/main.py', 'pylib/pluggy.py', 'pylib/other.py', 'tests/test_a.py']) writeFileSync(join(dir, f), f);
    const python = { pathDirs: pythonPathDirs('PYTHONPATH=pylib python -m pytest tests') };
    const rule = compileRule({ test_cmd: 'x' }, { testFiles: DEFAULT_TEST_FILES, testPatchPaths: [], add: [], allow: [], ignored: new Set(), python: { ...python, inBase: () => true, initBase: new Set(), initAfter: new Set(), baseDirs: new Set() } });
    const base = new Map(['pylib/_pytest/main.py', 'pylib/pluggy.py', 'pylib/other.py', 'tests/test_a.py'].map((p) => [p, file()]));
    expect(['pylib/_pytest/main.py', 'pylib/pluggy.py', 'pylib/other.py'].map((p) => rule.reason(p))).toEqual(['runner', 'runner', null]);
    const locked = lockedTestPaths({ rule, base, testPatchPaths: [], python }, []);
    expect(locked).toEqual(['tests/test_a.py']);
    const ev = await evidence(dir, locked, { base, python: { ...python, inBase: () => true, initBase: new Set(), initAfter: new Set(), baseDirs: new Set() } });
    expect([...ev.files.keys()]).toEqual(['tests/test_a.py', 'pylib/_pytest/main.py', 'pylib/pluggy.py']);
  });
});

describe('fingerprint and evidenceMoved', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fixbench-test-lock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('names each locked file that changed, vanished, appeared or became a link', async () => {
    mkdirSync(join(dir, 'test'));
    for (const f of ['test/a.js', 'test/b.js', 'test/c.js', 'test/same.js']) writeFileSync(join(dir, f), f);
    const paths = ['test/a.js', 'test/b.js', 'test/c.js', 'test/d.js', 'test/same.js'];
    const before = await fingerprint(dir, paths);
    expect(evidenceMoved(before, await fingerprint(dir, paths))).toBeNull();
    writeFileSync(join(dir, 'test/a.js'), 'return;');
    rmSync(join(dir, 'test/b.js'));
    rmSync(join(dir, 'test/c.js'));
    symlinkSync(join(dir, 'test/same.js'), join(dir, 'test/c.js'));
    writeFileSync(join(dir, 'test/d.js'), 'new');
    expect(evidenceMoved(before, await fingerprint(dir, paths))).toBe(
      "the test run changed 4 locked file(s) (test files, runner configurations or fixbench's report helpers, fixed before the run): test/a.js, test/b.js, test/c.js, test/d.js",
    );
  });

  // atkZ10 3: past the bind cap a test file is only fingerprinted; code rewrites it at import and
  // puts its bytes and mtime back at exit. The rewrite still moved its ctime (no call sets it).
  it('names a locked file rewritten and restored (same bytes, size, inode and mtime)', async () => {
    writeFileSync(join(dir, 'test/restored.py'), 'def test_x():\n    assert sub(5, 3) == 2\n');
    utimesSync(join(dir, 'test/restored.py'), 1_700_000_000, 1_700_000_000); // whole seconds: restorable exactly
    const { mtime, atime } = statSync(join(dir, 'test/restored.py'));
    const before = await fingerprint(dir, ['test/restored.py']);
    // The file system's coarse clock (a few ms a tick) must move on, as it does between checkout and the run.
    await new Promise((r) => setTimeout(r, 30));
    writeFileSync(join(dir, 'test/restored.py'), 'def test_x():\n    assert True  # padded to same size.\n'.slice(0, 44));
    writeFileSync(join(dir, 'test/restored.py'), 'def test_x():\n    assert sub(5, 3) == 2\n');
    utimesSync(join(dir, 'test/restored.py'), atime, mtime);
    expect(statSync(join(dir, 'test/restored.py'), { bigint: true }).mtimeNs).toBe(1_700_000_000_000_000_000n);
    expect(evidenceMoved(before, await fingerprint(dir, ['test/restored.py']))).toMatch(/changed 1 locked file\(s\).*: test\/restored\.py$/);
  });
});
