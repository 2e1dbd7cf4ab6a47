import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { dropProtectedEntries, loadProtection } from '../../../src/evaluation/protected-files.ts';
import { compileRule, DEFAULT_TEST_FILES } from '../../../src/evaluation/protected-rule.ts';
import { initDirs, moduleName, pythonPathDirs, shadowsModule, type PythonLayout } from '../../../src/evaluation/python-shadow.ts';
import { PYTHON_STDLIB_MODULES } from '../../../src/evaluation/python-stdlib-names.ts';
import { goldProtectedProblems } from '../../../src/tasks/lint-protected.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';

const BASE = ['calc.py', 'mypkg/__init__.py', 'mypkg/core.py', 'src/app/__init__.py', 'src/app/main.py', 'tests/__init__.py', 'tests/test_a.py', 'pylib/pytest/__init__.py', 'pylib/_pytest/main.py', 'lib/util.py', 'src/_pytest/__init__.py', 'src/_pytest/python.py'];

function layout(added: string[] = [], testCmd = 'PYTHONPATH=pylib python3 -m pytest tests'): PythonLayout {
  const base = new Set(BASE);
  const baseDirs = new Set(BASE.flatMap((p) => p.split('/').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('/'))));
  const initBase = initDirs(BASE);
  return { inBase: (p) => base.has(p), initBase, initAfter: new Set([...initBase, ...initDirs(added)]), baseDirs, pathDirs: pythonPathDirs(testCmd) };
}

describe('modules that shadow the standard library or the runner', () => {
  it('ships the standard library names of 3.8–3.14 (pytest start-up imports among them)', () => {
    for (const m of ['pprint', 'argparse', 'inspect', 'json', 'dataclasses', 'textwrap', 'shlex', 'glob', 'logging', 'traceback', 'tokenize', 'subprocess', 'parser', 'distutils', 'annotationlib', 'tomllib']) expect(PYTHON_STDLIB_MODULES.has(m), m).toBe(true);
    for (const m of ['calc', 'mypkg', 'tests', 'requests', 'numpy']) expect(PYTHON_STDLIB_MODULES.has(m), m).toBe(false);
  });

  it.each([
    'pprint.py', // atkZ10 1: the root
    'json/__init__.py', 'json/decoder.py', 'inspect.cpython-311-x86_64-linux-gnu.so', 'argparse.pyc', 'glob', // packages, extensions, a bare name (a link to a folder)
    'src/pprint.py', 'lib/json.py', 'pylib/pprint.py', // folders that are not packages (src/, a PYTHONPATH folder)
    'tests/sub/pprint.py', // a test folder without __init__.py: pytest's rootdir insertion
    'src/pytest/__init__.py', 'lib/pluggy.py', 'lib/_pytest/x.py', // new runner modules outside packages
    'pylib/pytest/__init__.py', 'pylib/_pytest/main.py', // atkZ10 2: the runner in a PYTHONPATH folder, base files too
  ])('%s → a runner file', (path) => {
    expect(shadowsModule(path, layout(['json/__init__.py', 'src/pytest/__init__.py', 'lib/_pytest/__init__.py']))).toBe(true);
  });

  it.each([
    'mypkg/json.py', 'mypkg/inspect/__init__.py', 'src/app/logging.py', 'tests/pprint.py', // inside packages (at base and after)
    'calc.py', 'lib/util.py', 'mypkg/core.py', 'src/app/main.py', // ordinary modules
    'lib/util.txt', 'docs/json.md', 'code/helper.py', 'json/decoder.py', // not modules / namespace folders (no __init__.py)
    'src/_pytest/python.py', 'src/_pytest/newmod.py', // pytest's own repository: its base package, not in a PYTHONPATH folder
    'newpkg/json.py', // a package new with the patch (newpkg/__init__.py added): nothing puts it on sys.path
  ])('%s → kept', (path) => {
    expect(shadowsModule(path, layout(['newpkg/__init__.py']))).toBe(false);
  });

  it('an __init__.py the patch adds to a base folder does not make it a package (src/ stays a search folder)', () => {
    expect(shadowsModule('src/pprint.py', layout(['src/__init__.py']))).toBe(true);
    expect(shadowsModule('lib/json.py', layout(['lib/__init__.py']))).toBe(true);
  });

  it('a test command\'s PYTHONPATH and cd folders are search folders even when they are packages', () => {
    expect(shadowsModule('mypkg/json.py', layout([], 'cd mypkg && python -m pytest'))).toBe(true);
    expect(shadowsModule('src/app/pytest/__init__.py', layout([], 'PYTHONPATH="src/app:$PYTHONPATH" pytest'))).toBe(true);
    expect([...pythonPathDirs("env PYTHONPATH=./src:lib/:/abs:$X:../up pytest; cd 'tests/x' && true")].sort()).toEqual(['', 'lib', 'src', 'tests/x']);
  });

  it('names modules', () => {
    expect(['a.py', 'a.pyc', 'a.so', 'a.cpython-311-x86_64-linux-gnu.so', 'a.pyd', 'a', 'a.txt', 'a.b.py', '1a.py'].map(moduleName)).toEqual(['a', 'a', 'a', 'a', 'a', 'a', null, null, null]);
  });
});

describe('the rule drops shadowing modules from a patch', () => {
  let repo: GitRepo;
  beforeEach(() => {
    repo = gitRepo(Object.fromEntries(BASE.map((p) => [p, 'x = 1\n'])));
  });
  afterEach(() => repo.cleanup());

  const add = (path: string): string => `diff --git a/${path} b/${path}\nnew file mode 100644\n--- /dev/null\n+++ b/${path}\n@@ -0,0 +1 @@\n+import calc\n`;
  const edit = (path: string): string => `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -1 +1,2 @@\n x = 1\n+import calc\n`;

  it('drops a root pprint.py, a PYTHONPATH runner edit, and keeps mypkg/json.py and the fix', async () => {
    const patch = add('pprint.py') + edit('pylib/pytest/__init__.py') + add('mypkg/json.py') + edit('calc.py') + add('src/app/__init__.pth');
    const task = { base_commit: repo.head, test_cmd: 'PYTHONPATH=pylib python3 -m pytest tests', test_patch: '' } as unknown as TaskSpec;
    const p = await loadProtection({ dir: repo.dir, gitDir: join(repo.dir, '.git') }, task, patch);
    const out = dropProtectedEntries(patch, p.rule);
    expect(out.dropped).toEqual(['pprint.py', 'pylib/pytest/__init__.py', 'src/app/__init__.pth']);
    expect(out.patch).toBe(add('mypkg/json.py') + edit('calc.py'));
  });

  it('without a layout (task lint) only the root runner names count, as before', () => {
    const rule = compileRule({ test_cmd: 'pytest' }, { testFiles: DEFAULT_TEST_FILES, testPatchPaths: [], add: [], allow: [], ignored: new Set() });
    expect(rule.reason('pytest/__init__.py')).toBe('runner');
    expect(rule.reason('pprint.py')).toBe(null);
  });
});

describe('tasks lint', () => {
  it('names a gold patch that edits the runner in a PYTHONPATH folder (grading would drop it)', () => {
    const yaml = { test_cmd: 'PYTHONPATH=src python -m pytest' } as unknown as Parameters<typeof goldProtectedProblems>[0];
    expect(goldProtectedProblems(yaml, ['src/_pytest/python.py', 'src/app/json.py'], [])).toEqual([expect.stringMatching(/^the fix changes protected file\(s\) src\/_pytest\/python\.py \(runner\), /)]);
    expect(goldProtectedProblems({ ...yaml, test_cmd: 'python -m pytest' }, ['src/_pytest/python.py'], [])).toEqual([]);
  });
});

