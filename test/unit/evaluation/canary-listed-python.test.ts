// canary-listed-python.ts: a listed pytest id's file, resolved against pytest's rootdir (atkA20 #1).
import { describe, expect, it } from 'vitest';
import { listedHosts, type FilesAtBase, type ListedContext } from '../../../src/evaluation/canary-listed-hosts.ts';
import { pytestRootdir } from '../../../src/evaluation/canary-listed-python.ts';
import { NO_CANARY } from '../../../src/evaluation/canary-host.ts';

/** A pytest ListedContext over workspace `files`, with a FilesAtBase answering by substring over `base` (`files` by default). */
function ctx(files: Record<string, string>, testCmd: string, listed: string[], base: Record<string, string> = files, filesAt = true): ListedContext {
  const at: FilesAtBase = async (texts) => Object.keys(base).filter((f) => texts.some((t) => base[f]!.includes(t))).sort();
  return { listed, runner: 'pytest', python: true, testCmd, read: async (f) => files[f] ?? null, ...(filesAt ? { filesAt: at } : {}) };
}

const util = 'from calc import sub\n\n\ndef test_sub():\n    assert sub(5, 3) == 2\n\n\ndef test_sub_zero():\n    assert sub(4, 0) == 4\n';
const decoy = 'def test_tooling():\n    assert 1 + 1 == 2\n';
const calc = 'from calc import add\n\n\ndef test_one():\n    assert True\n\n\ndef test_add():\n    assert add(2, 3) == 5\n';
const listed = ['tests/test_calc.py > test_add', 'tests/test_util.py > test_sub', 'tests/test_util.py > test_sub_zero'];
const known = new Map([['pkg/tests/test_calc.py', calc]]);

describe('listedHosts on pytest ids rooted in a package folder (atkA20 #1)', () => {
  it('cd pkg && pytest: the id names pkg/tests/test_util.py, not the root file of the same path; test.patch\'s pkg file needs no note', async () => {
    const files = { 'tests/test_util.py': decoy, 'pkg/tests/test_util.py': util, 'pkg/tests/test_calc.py': calc };
    for (const filesAt of [true, false]) {
      const r = await listedHosts(known, ctx(files, 'cd pkg && PYTHONPATH=../pylib python3 -m pytest -p no:cacheprovider --junitxml=../report.xml tests', listed, files, filesAt));
      expect([...r.hosts.keys()]).toEqual(['pkg/tests/test_util.py']);
      expect(r.unhooked).toEqual([]);
    }
  });

  it('a package\'s own pytest.ini (pytest run from the root on pkg/tests) makes pkg/ the rootdir', async () => {
    const files = { 'tests/test_util.py': decoy, 'pkg/tests/test_util.py': util, 'pkg/tests/test_calc.py': calc, 'pkg/pytest.ini': '[pytest]\n' };
    const r = await listedHosts(known, ctx(files, 'PYTHONPATH=pylib:pkg python3 -m pytest -p no:cacheprovider --junitxml=report.xml pkg/tests', listed));
    expect([...r.hosts.keys()]).toEqual(['pkg/tests/test_util.py']);
    expect(r.unhooked).toEqual([]);
  });

  it('a root file defining the test that the patch wrote (not at base_commit) takes no canary', async () => {
    const base = { 'pkg/tests/test_util.py': util, 'pkg/tests/test_calc.py': calc };
    const files = { ...base, 'tests/test_util.py': 'def test_sub():\n    pass\n' };
    const r = await listedHosts(known, ctx(files, 'pytest tests pkg/tests', listed.slice(1), base));
    expect([...r.hosts.keys()]).toEqual(['pkg/tests/test_util.py']);
    expect(r.unhooked).toEqual([]);
  });

  it('the rootdir\'s file not defining the test falls back to the files at base_commit ending in its path', async () => {
    const files = { 'tests/test_util.py': decoy, 'pkg/tests/test_util.py': util };
    const r = await listedHosts(new Map(), ctx(files, 'pytest', ['tests/test_util.py::test_sub']));
    expect([...r.hosts.keys()]).toEqual(['pkg/tests/test_util.py']);
    expect(r.unhooked).toEqual([]);
  });

  it('several files defining it and no readable rootdir: each is a host, and a note names the test; none: a note', async () => {
    const files = { 'tests/test_util.py': util, 'pkg/tests/test_util.py': util };
    const r = await listedHosts(new Map(), ctx(files, 'cd "$PKG" && pytest', ['tests/test_util.py > test_sub', 'tests/test_util.py > test_gone']));
    expect([...r.hosts.keys()].sort()).toEqual(['pkg/tests/test_util.py', 'tests/test_util.py']);
    expect(r.unhooked).toHaveLength(2);
    expect(r.unhooked.map((u) => u.why).join('\n')).toMatch(/"tests\/test_util.py > test_sub".*several files.*pkg\/tests\/test_util.py, tests\/test_util.py/);
    expect(r.unhooked.map((u) => u.why).join('\n')).toContain('"tests/test_util.py > test_gone"');
    for (const u of r.unhooked) expect(u.why.endsWith(NO_CANARY)).toBe(true);
  });

  it('a test of a class, an async one and a parametrised one are defined where their def or class is', async () => {
    const text = 'import pytest\n\n\nclass TestX:\n    def test_a(self):\n        assert 1 == 1\n\n\nasync def test_b():\n    pass\n\n\n@pytest.mark.parametrize("n", [1])\ndef test_c(n):\n    assert n == 1\n';
    const files = { 'pkg/tests/test_x.py': text, 'tests/test_x.py': decoy };
    const r = await listedHosts(new Map(), ctx(files, 'cd pkg && pytest', ['tests/test_x.py > TestX > test_a', 'tests/test_x.py::test_b', 'tests/test_x.py > test_c[1]']));
    expect([...r.hosts.keys()]).toEqual(['pkg/tests/test_x.py']);
    expect(r.unhooked).toEqual([]);
  });
});

describe('pytestRootdir', () => {
  const root = async (testCmd: string, files: Record<string, string> = {}, base: Record<string, string> = files): Promise<string | null> => pytestRootdir(ctx(files, testCmd, [], base));
  it('follows pytest: --rootdir, -c, the nearest config file above the operands at base_commit, a pyproject.toml, a setup.py, else where pytest runs and its operands meet', async () => {
    expect(await root('pytest')).toBe('.');
    expect(await root('python -m pytest tests/test_a.py')).toBe('.');
    expect(await root('cd pkg && pytest tests')).toBe('pkg');
    expect(await root('cd pkg && pytest tests', { 'tox.ini': '[tox]\n\n[pytest]\naddopts = -q\n' })).toBe('.');
    expect(await root('pytest pkg/tests', { 'pkg/pyproject.toml': '[tool.pytest.ini_options]\naddopts = "-q"\n' })).toBe('pkg');
    // pytest ≥ 8.1: with no config file anywhere, the first pyproject.toml upwards roots the ids (atkB20 #3); one with a pytest section above wins
    expect(await root('pytest pkg/tests', { 'pkg/pyproject.toml': '[project]\nname = "pkg"\n' })).toBe('pkg');
    expect(await root('pytest pkg/tests', { 'pkg/pyproject.toml': '[project]\nname = "pkg"\n', 'pytest.ini': '[pytest]\n' })).toBe('.');
    // pytest 9's own config files, first in its order
    expect(await root('pytest pkg/tests', { 'pkg/pytest.toml': '[pytest]\n', 'tox.ini': '[pytest]\n' })).toBe('pkg');
    expect(await root('pytest pkg/tests', { 'pkg/.pytest.toml': '' })).toBe('pkg');
    // nothing above the operands' common folder: pytest searches again from each operand (atkC20 #1)
    expect(await root('pytest pkg/tests tools/tests', { 'pkg/pytest.ini': '[pytest]\n' })).toBe('pkg');
    expect(await root('pytest pkg/tests tools/tests', { 'pkg/pytest.ini': '[pytest]\n', 'setup.py': 'from setuptools import setup\n' })).toBe('.');
    expect(await root('pytest pkg/tests/test_a.py', { 'pkg/setup.cfg': '[tool:pytest]\n' })).toBe('pkg');
    expect(await root('pytest pkg/tests', { 'pkg/setup.py': 'from setuptools import setup\nsetup()\n' })).toBe('pkg');
    expect(await root('pytest --rootdir=pkg pkg/tests')).toBe('pkg');
    expect(await root('pytest -c pkg/pytest.ini pkg/tests')).toBe('pkg');
    expect(await root('pip install pytest && cd pkg && pytest -k "not slow" tests')).toBe('pkg');
  });
  it('reads config files through ctx.read (listedReads: as base_commit has them), and is null where pytest\'s folder or an operand cannot be read', async () => {
    expect(await root('pytest pkg/tests', { 'pkg/pytest.ini': '[pytest]\n' }, {})).toBe('pkg');
    expect(await root('pytest pkg/tests', {}, { 'pkg/pytest.ini': '[pytest]\n' })).toBe('.');
    expect(await root('cd "$PKG" && pytest tests')).toBeNull();
    expect(await root('pytest $TESTS')).toBeNull();
    expect(await root('npm test')).toBeNull();
  });
});
