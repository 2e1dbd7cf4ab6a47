// A conftest.py above a pytest host that reads the running test's name (an autouse fixture's
// `request.node.name`, a hook's `item.nodeid`) runs around every test below it: a copy, whose name is
// new, is set up otherwise than its original, so no test there is copied (canary-conftest.ts); an
// honest gold's copy could otherwise come out wrong and read `tampered`.
import { afterAll, describe, expect, it } from 'vitest';
import { conftestPlugins, hostsNamedByConftest, pluginNames } from '../../../src/evaluation/canary-conftest.ts';
import { conftestReadsTestNames, readsTestNames } from '../../../src/evaluation/canary-python-parse.ts';
import { guardRun } from '../../../src/evaluation/integrity.ts';
import { reportKind } from '../../../src/evaluation/parse/index.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos } from '../../helpers/host-repo.ts';

const NAMED = 'import pytest\n\n\n@pytest.fixture(autouse=True)\ndef data(request):\n    request.node.expected = EXPECTED.get(request.node.name)\n';
const PLAIN = 'import pytest\n\n\n@pytest.fixture\ndef tmp_data(tmp_path):\n    return tmp_path\n';
const TESTS = 'from calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n\n\ndef test_add_zero():\n    assert add(4, 0) == 4\n\n\ndef test_add_negative():\n    assert add(-1, -2) == -3\n';

afterAll(() => cleanupHostRepos());

describe('conftestReadsTestNames', () => {
  it('reads a fixture\'s request.node, PYTEST_CURRENT_TEST; not a plain fixture, nor a hook reading item names', () => {
    expect(conftestReadsTestNames(NAMED)).toBe(true);
    // a hook marking or skipping by item.nodeid does not count (atkG21 F: most large repositories have one; the synthetic pair it gave is weaker)
    expect(conftestReadsTestNames('def pytest_runtest_setup(item):\n    if "slow" in item.nodeid:\n        pass\n')).toBe(false);
    expect(conftestReadsTestNames('def f(request):\n    return DATA[request._pyfuncitem.name]\n')).toBe(true);
    expect(conftestReadsTestNames('def f(request):\n    return helper(request.node)\n')).toBe(true); // the node passed on whole
    // a hook or fixture reading only markers, keywords or config reads no name: its hosts keep their copies (atkE21 C, pytest's --runslow example)
    expect(conftestReadsTestNames('def pytest_collection_modifyitems(config, items):\n    skip = pytest.mark.skip(reason="need --runslow")\n    for item in items:\n        if "slow" in item.keywords:\n            item.add_marker(skip)\n')).toBe(false);
    expect(conftestReadsTestNames('@pytest.fixture(autouse=True)\ndef m(request):\n    if request.node.get_closest_marker("net"):\n        pytest.skip("no network")\n')).toBe(false);
    expect(conftestReadsTestNames('import os\nNAME = os.environ.get("PYTEST_CURRENT_TEST")\n')).toBe(true);
    expect(conftestReadsTestNames(PLAIN)).toBe(false);
    // a test file's own fixture reading request._pyfuncitem (atkF21 F)
    expect(readsTestNames('@pytest.fixture\ndef golden(request):\n    return load(request._pyfuncitem.name)\n')).toBe(true);
  });
});

describe('hostsNamedByConftest', () => {
  it('takes the conftest.py of the host\'s folder and of every folder above it, each read once', async () => {
    const files: Record<string, string> = { 'tests/conftest.py': PLAIN, 'tests/unit/conftest.py': NAMED, 'conftest.py': PLAIN };
    const reads: string[] = [];
    const read = async (f: string): Promise<string | null> => { reads.push(f); return files[f] ?? null; };
    const named = await hostsNamedByConftest(['tests/unit/test_a.py', 'tests/unit/deep/test_b.py', 'tests/test_c.py', 'test_d.py'], read);
    expect([...named].sort()).toEqual(['tests/unit/deep/test_b.py', 'tests/unit/test_a.py']);
    expect(reads.length).toBe(new Set(reads).size);
    // the root's conftest.py reaches every file
    files['conftest.py'] = NAMED;
    expect((await hostsNamedByConftest(['tests/test_c.py', 'test_d.py'], read)).size).toBe(2);
  });
  it('a plugin module the run loads that reads names reaches every host: `pytest_plugins` of a conftest.py, `-p mod` in test_cmd or addopts, read through readBase (atkE21 D)', async () => {
    const files: Record<string, string> = { 'tests/conftest.py': 'pytest_plugins = [\n    "tests.golden_cases",\n]\n', 'tests/golden_cases.py': NAMED };
    const read = async (f: string): Promise<string | null> => files[f] ?? null;
    const hosts = ['tests/test_a.py', 'other/test_b.py'];
    expect((await hostsNamedByConftest(hosts, read)).size).toBe(0); // without plugin sources only conftest.py files count
    expect([...(await hostsNamedByConftest(hosts, read, { testCmd: 'pytest', readBase: read }))].sort()).toEqual(['other/test_b.py', 'tests/test_a.py']);
    const viaIni = { 'pytest.ini': '[pytest]\naddopts = -ra -p tests.golden_cases\n', 'tests/golden_cases/__init__.py': NAMED };
    const readIni = async (f: string): Promise<string | null> => (viaIni as Record<string, string>)[f] ?? null;
    expect((await hostsNamedByConftest(hosts, readIni, { testCmd: 'pytest', readBase: readIni })).size).toBe(2);
    expect((await hostsNamedByConftest(hosts, async () => null, { testCmd: 'pytest -p no:cacheprovider -p tests.golden_cases', readBase: read })).size).toBe(2);
    // a plugin reading no name changes nothing
    expect((await hostsNamedByConftest(hosts, read, { testCmd: 'pytest', readBase: async (f) => (f === 'tests/golden_cases.py' ? PLAIN : null) })).size).toBe(0);
    expect(pluginNames('pytest -p no:cacheprovider -pxdist.plugin --junitxml=r.xml')).toEqual(['xdist.plugin']);
    expect(pluginNames('PYTEST_PLUGINS=tests.golden_cases,b python3 -m pytest')).toEqual(['tests.golden_cases', 'b']); // atkF21 B
    // a src layout: the module under a PYTHONPATH folder of test_cmd, or src/ (atkG21 E)
    const srcRead = async (f: string): Promise<string | null> => (f === 'lib/goldplug/cases.py' ? NAMED : null);
    expect((await hostsNamedByConftest(hosts, async () => null, { testCmd: 'PYTHONPATH=pylib:.:lib python3 -m pytest -p goldplug.cases', readBase: srcRead })).size).toBe(2);
    expect((await hostsNamedByConftest(hosts, async () => null, { testCmd: 'python3 -m pytest -p goldplug.cases', readBase: async (f) => (f === 'src/goldplug/cases.py' ? NAMED : null) })).size).toBe(2);
    // a fixture handing on request.node.user_properties (a hook may have stored the name there: atkF21 B) counts
    expect(conftestReadsTestNames('def f(request):\n    return request.node.user_properties\n')).toBe(true);
    expect(conftestPlugins('pytest_plugins = ("a.b", \'c\')\n')).toEqual(['a.b', 'c']);
  });
  it('a conftest.py that cannot be read counts as none', async () => {
    expect((await hostsNamedByConftest(['tests/test_a.py'], () => Promise.reject(new Error('EACCES')))).size).toBe(0);
  });
});

describe('guardRun on a pytest host below a conftest.py reading test names', () => {
  const guard = async (conftest: string) => {
    const repo = gitRepo({ 'tests/conftest.py': conftest, 'tests/test_calc.py': TESTS, 'calc.py': 'def add(a, b):\n    return a + b\n' });
    const task = { instance_id: 'py-1', test_cmd: 'python3 -m pytest -p no:cacheprovider --junitxml=r.xml tests', test_report: 'junit:r.xml', test_patch: '', FAIL_TO_PASS: ['tests/test_calc.py::test_add'], PASS_TO_PASS: ['tests/test_calc.py::test_add_zero', 'tests/test_calc.py::test_add_negative'], problem_statement: '' } as unknown as Parameters<typeof guardRun>[1];
    return guardRun(repo.dir, task, reportKind('junit:r.xml'), true, null);
  };
  it('copies no test of the file (the synthetic pair instead); a plain conftest.py leaves copies', async () => {
    const named = await guard(NAMED);
    expect(named.tampered).toBeNull();
    expect(named.plan!.kind).toBe('synthetic');
    expect(named.plan!.tests.every((t) => t.original === undefined)).toBe(true);
    const plain = await guard(PLAIN);
    expect(plain.plan!.kind).toBe('mutated');
    expect(plain.plan!.tests.some((t) => t.original !== undefined)).toBe(true);
  });
});
