// Files planted during the run (atkG10 round 10: a new tests/sub/conftest.py beside a locked one).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FLOODED, listTree, plantedPaths } from '../../../src/evaluation/planted-files.ts';
import { compileRule, DEFAULT_TEST_FILES } from '../../../src/evaluation/protected-rule.ts';
import { initDirs, pythonPathDirs, type PythonLayout } from '../../../src/evaluation/python-shadow.ts';
import { evidence, evidenceChanged } from '../../../src/evaluation/test-lock.ts';

const BASE = ['calc.py', 'tests/__init__.py', 'tests/test_a.py', 'tests/sub/test_b.py', 'mypkg/__init__.py', 'mypkg/core.py', 'node_modules/x/index.js', 'src/lib.py'];

describe('plantedPaths', () => {
  let dir: string;
  const write = (files: string[]) => {
    for (const f of files) {
      mkdirSync(join(dir, f, '..'), { recursive: true });
      writeFileSync(join(dir, f), '');
    }
  };
  const python = (): PythonLayout => ({ inBase: (p) => BASE.includes(p), initBase: initDirs(BASE), initAfter: initDirs(BASE), baseDirs: new Set(['tests', 'tests/sub', 'mypkg', 'node_modules', 'node_modules/x', 'src']), pathDirs: pythonPathDirs('python -m pytest tests') });
  const rule = () => compileRule({ test_cmd: 'python -m pytest tests' }, { testFiles: DEFAULT_TEST_FILES, testPatchPaths: [], add: [], allow: [], ignored: new Set(), python: python() });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fixbench-planted-'));
    write(BASE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names new conftest.py, test files, .pth, pytest configurations and standard-library shadows', async () => {
    const before = await listTree(dir);
    write(['tests/sub/conftest.py', 'tests/sub/test_new.py', 'src/pprint.py', 'json/__init__.py', 'extra.pth', 'tests/sub/pytest.ini', 'sitecustomize.py']);
    symlinkSync('/usr/lib/python3/inspect.py', join(dir, 'inspect.py'));
    expect(plantedPaths(before, await listTree(dir), rule(), python())).toEqual([
      'extra.pth', 'inspect.py', 'json/__init__.py', 'sitecustomize.py', 'src/pprint.py', 'tests/sub/conftest.py', 'tests/sub/pytest.ini', 'tests/sub/test_new.py',
    ]);
  });

  it('an honest run: report, caches, data files in test folders, modules inside packages, node_modules', async () => {
    const before = await listTree(dir);
    write(['report.xml', '.pytest_cache/v/cache/nodeids', 'tests/__pycache__/test_a.cpython-311.pyc', 'tests/sub/__pycache__/conftest.cpython-311.pyc', 'tests/output.txt', 'tests/sub/snap.json', 'mypkg/json.py', 'mypkg/gen.py', 'node_modules/.cache/x.js', 'node_modules/conftest.py', '.coverage', 'build/out.txt',
      // folders named like a module with no Python in them (atkL11 2: NODE_V8_COVERAGE=coverage, vitest's html reporter)
      'coverage/coverage-1.json', 'html/index.html', 'site/index.html', 'types/a.d.ts', 'logging/run.log']);
    expect(plantedPaths(before, await listTree(dir), rule(), python())).toEqual([]);
  });

  it('files that were there before the run are not planted; a checkout too large to list is not checked, one flooded during the run is', async () => {
    write(['tests/sub/conftest.py']);
    const before = await listTree(dir);
    expect(plantedPaths(before, await listTree(dir), rule(), python())).toEqual([]);
    write(['pprint.py']);
    expect(plantedPaths({ ...before, complete: false }, await listTree(dir), rule(), python())).toEqual([]);
    expect((await listTree(dir, 3)).complete).toBe(false);
    expect(plantedPaths(before, await listTree(dir, before.paths.size), rule(), python())).toEqual([FLOODED]);
  });

  it('evidenceChanged names planted files (a test fails on the old check, which compared the locked files only)', async () => {
    const p = { rule: rule(), python: python() };
    const before = await evidence(dir, ['tests/test_a.py']);
    expect(evidenceChanged(before, await evidence(dir, ['tests/test_a.py']), p)).toBeNull();
    write(['tests/sub/conftest.py']);
    expect(evidenceChanged(before, await evidence(dir, ['tests/test_a.py']), p)).toMatch(/created 1 protected file\(s\).*: tests\/sub\/conftest\.py$/);
  });
});
