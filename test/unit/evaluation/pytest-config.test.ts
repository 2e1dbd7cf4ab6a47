import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../../src/config/task.ts';
import { loadProtection, restoreProtected } from '../../../src/evaluation/protected-files.ts';
import { compileRule, DEFAULT_TEST_FILES } from '../../../src/evaluation/protected-rule.ts';
import { pytestPart } from '../../../src/evaluation/pytest-config.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';

const CFG = '[metadata]\nname = calc\n\n[flake8]\nmax-line-length = 100\n';
const CFG_PYTEST = `${CFG}\n[tool:pytest]\ntestpaths = tests\n\n[isort]\nprofile = black\n`;
const TOML = '[project]\nname = "calc"\nversion = "1.0"\n';

describe('pytestPart', () => {
  it('setup.cfg: only the pytest section, up to the next header', () => {
    expect(pytestPart('setup.cfg', CFG)).toBeNull();
    expect(pytestPart('setup.cfg', CFG_PYTEST)).toBe('[tool:pytest]\ntestpaths = tests\n');
    expect(pytestPart('setup.cfg', CFG_PYTEST.replace('profile = black', 'profile = pep8'))).toBe(pytestPart('setup.cfg', CFG_PYTEST));
  });

  it('setup.cfg: a line iniconfig does not take as a header does not end the section', () => {
    // Indented, or with text after `]`, or `#`/`;` inside the brackets: a continuation for iniconfig.
    for (const fake of ['  [other]', '[other] x', '[a#b]', '[a;b]']) {
      expect(pytestPart('setup.cfg', `[tool:pytest]\nmarkers =\n${fake}\naddopts = -p evil\n`)).toContain('addopts = -p evil');
    }
    // Python's splitlines() boundaries: a header after \r, \f or \u2028 is a header.
    for (const sep of ['\r', '\f', '\u2028', '\x1d']) {
      expect(pytestPart('setup.cfg', `[metadata]${sep}[tool:pytest]${sep}addopts = -p evil`)).toContain('addopts = -p evil');
    }
    expect(pytestPart('setup.cfg', '[metadata]\nx = 1\n  [TOOL:PYTEST]\naddopts = -p evil\n')).toContain('addopts = -p evil');
  });

  it('pyproject.toml: the whole text when it may configure pytest', () => {
    expect(pytestPart('pyproject.toml', TOML)).toBeNull();
    expect(pytestPart('pyproject.toml', `${TOML}[tool.pytest.ini_options]\naddopts = "-p evil"\n`)).not.toBeNull();
    expect(pytestPart('pyproject.toml', `${TOML}[tool]\n"\\u0070ytest".ini_options.addopts = "-p evil"\n`)).not.toBeNull();
  });
});

describe('restoreProtected: pytest configuration in setup.cfg / pyproject.toml', () => {
  let repo: GitRepo;
  beforeEach(() => {
    repo = gitRepo({ 'calc.py': 'def add(a, b):\n    return a - b\n', 'tests/test_calc.py': 'def test_add(): pass\n', 'setup.cfg': CFG_PYTEST, 'pyproject.toml': TOML });
  });
  afterEach(() => repo.cleanup());
  const ws = () => ({ dir: repo.dir, gitDir: join(repo.dir, '.git') });
  const task = (extra: Partial<TaskSpec> = {}) => ({ base_commit: repo.head, test_cmd: 'python3 -m pytest tests', test_patch: '', ...extra }) as TaskSpec;
  const restore = async (named: string[], t = task()) => restoreProtected(ws(), await loadProtection(ws(), t, ''), named);
  const read = (p: string): string => readFileSync(join(repo.dir, p), 'utf8');

  it('removes a new setup.cfg with [tool:pytest] (atkS10 #8), at the root or deeper, and new pytest files', async () => {
    repo.commit({ 'setup.cfg': null });
    const base = repo.head;
    repo.write({ 'setup.cfg': '[tool:pytest]\naddopts = -p atk_plugin\n', 'tests/setup.cfg': '[tool:pytest]\naddopts = -p x\n', 'atk_plugin.py': 'hook\n' });
    repo.write({ '.pytest.ini': '[pytest]\n', 'pytest.toml': '[pytest]\n', 'pylib/sitecustomize.py': 'x\n', 'atk-0.dist-info/entry_points.txt': '[pytest11]\natk = atk_plugin\n' });
    const named = ['setup.cfg', 'tests/setup.cfg', 'atk_plugin.py', '.pytest.ini', 'pytest.toml', 'pylib/sitecustomize.py', 'atk-0.dist-info/entry_points.txt'];
    expect(await restore(named, task({ base_commit: base }))).toEqual(['.pytest.ini', 'atk-0.dist-info/entry_points.txt', 'pylib/sitecustomize.py', 'pytest.toml', 'setup.cfg', 'tests/setup.cfg']);
    expect(existsSync(join(repo.dir, 'setup.cfg'))).toBe(false);
    expect(existsSync(join(repo.dir, 'tests/setup.cfg'))).toBe(false);
    expect(read('atk_plugin.py')).toBe('hook\n');
  });

  it('restores the whole file when its pytest section changed; keeps edits elsewhere when it did not', async () => {
    repo.write({ 'setup.cfg': CFG_PYTEST.replace('testpaths = tests', 'testpaths = tests\naddopts = -p atk_plugin').replace('name = calc', 'name = calc2') });
    expect(await restore(['setup.cfg'])).toEqual(['setup.cfg']);
    expect(read('setup.cfg')).toBe(CFG_PYTEST);
    const honest = CFG_PYTEST.replace('max-line-length = 100', 'max-line-length = 120');
    repo.write({ 'setup.cfg': honest });
    expect(await restore(['setup.cfg'])).toEqual([]);
    expect(read('setup.cfg')).toBe(honest);
  });

  it('pyproject.toml: a pytest table added is dropped with the file; an edit of a file without pytest is kept', async () => {
    repo.write({ 'pyproject.toml': `${TOML}[tool.pytest.ini_options]\naddopts = "-p atk_plugin"\n` });
    expect(await restore(['pyproject.toml'])).toEqual(['pyproject.toml']);
    expect(read('pyproject.toml')).toBe(TOML);
    repo.write({ 'pyproject.toml': TOML.replace('1.0', '1.1') });
    expect(await restore(['pyproject.toml'])).toEqual([]);
    expect(read('pyproject.toml')).toBe(TOML.replace('1.0', '1.1'));
  });

  it('protected_files.allow names a file whose pytest part may change', async () => {
    const changed = CFG_PYTEST.replace('testpaths = tests', 'testpaths = tests other');
    repo.write({ 'setup.cfg': changed });
    expect(await restore(['setup.cfg'], task({ protected_files: { add: [], allow: ['setup.cfg'] } }))).toEqual([]);
    expect(read('setup.cfg')).toBe(changed);
  });

  it('the rule protects conftest.py whatever test_files says', () => {
    const rule = compileRule({ test_cmd: 'pytest' }, { testFiles: ['tests/**'], testPatchPaths: [], add: [], allow: [], ignored: new Set() });
    expect(rule.reason('conftest.py')).toBe('runner');
    expect(compileRule({ test_cmd: 'pytest' }, { testFiles: DEFAULT_TEST_FILES, testPatchPaths: [], add: [], allow: [], ignored: new Set() }).reason('conftest.py')).toBe('test');
  });
});
