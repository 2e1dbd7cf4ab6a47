// pytest's tests are named by their node id (parse/junit.ts `pytestParts`): file, classes, function
// with parameter ids — so two files' `test_add` are two tests, and a SWE-bench task's listed
// `tests/test_calc.py::TestX::test_y[p]` (swe-ids.ts `sweBenchKey`) is the id the report gives.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJunit } from '../../../src/evaluation/parse/junit.ts';
import { aliasSweBenchNames, listedPytestFiles, sweBenchKey } from '../../../src/core/swe-ids.ts';
import { pytestInstalled } from '../../helpers/pytest.ts';


describe('pytest node ids', () => {
  it('a pytest testcase is named file > classes > function[params]; other runners keep their ids', () => {
    const xml = `<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="4">
<testcase classname="tests.test_calc" name="test_add"/>
<testcase classname="tests.test_calc.TestSub.TestInner" name="test_sub[a::b-1]"><failure message="x"/></testcase>
<testcase classname="test_root" name="test_top"/>
<testcase classname="tests.Calc_test" name="test_add"/>
<testcase classname="tests.Calc_test.TestK" name="test_k"/>
<testcase classname="tests.my-pkg.test_calc" name="test_add"/>
<testcase classname="tests.test_calc.TestAdd_test" name="test_add"/>
<testcase classname="" name="tests.test_broken"><error message="collection"/></testcase>
</testsuite><testsuite name="vitest"><testcase classname="src/a.test.ts" name="adds"/></testsuite></testsuites>`;
    expect([...parseJunit(xml)]).toEqual([
      ['tests/test_calc.py > test_add', 'PASSED'],
      ['tests/test_calc.py > TestSub > TestInner > test_sub[a::b-1]', 'FAILED'],
      ['test_root.py > test_top', 'PASSED'],
      ['tests/Calc_test.py > test_add', 'PASSED'], // a capitalised module pytest's `*_test.py` collects (atkR11 3)
      ['tests/Calc_test.py > TestK > test_k', 'PASSED'],
      ['tests/my-pkg/test_calc.py > test_add', 'PASSED'], // a folder name that is no Python name keeps its file (atkS11 1, 2)
      ['tests/test_calc.py > TestAdd_test > test_add', 'PASSED'], // a Test… class named like a test file is a class (atkS11 3)
      ['pytest > tests.test_broken', 'ERROR'], // a collection error: no classname, the module as name
      ['src/a.test.ts > vitest > adds', 'PASSED'],
    ]);
  });

  it('a folder whose name holds a dot: the listed files settle the dotted classname; without them it is split at every dot', () => {
    const xml = `<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="4">
<testcase classname="tests.v1.2.test_x" name="test_a"/>
<testcase classname="tests.v1.2.test_x.TestK" name="test_k[p.q]"><failure message="x"/></testcase>
<testcase classname="tests.test_calc" name="test_add"/>
<testcase classname="pkg.data.v3.test_y" name="test_b"/>
</testsuite></testsuites>`;
    const listed = ['tests/v1.2/test_x.py::test_a', 'tests/v1.2/test_x.py::TestK::test_k[p.q]', 'tests/test_calc.py::test_add', 'a plain > name'];
    expect(listedPytestFiles(listed)).toEqual(['tests/v1.2/test_x.py', 'tests/test_calc.py']);
    expect([...parseJunit(xml, listedPytestFiles(listed))]).toEqual([
      ['tests/v1.2/test_x.py > test_a', 'PASSED'],
      ['tests/v1.2/test_x.py > TestK > test_k[p.q]', 'FAILED'],
      ['tests/test_calc.py > test_add', 'PASSED'],
      ['pkg/data/v3/test_y.py > test_b', 'PASSED'], // a file no listed id names: the dots are folders
    ]);
    for (const id of listed.slice(0, 3)) expect(parseJunit(xml, listedPytestFiles(listed)).has(sweBenchKey(id)), id).toBe(true);
    // without the listed files (or with two listed files pytest writes one classname for) the split is at every dot
    expect([...parseJunit(xml).keys()][0]).toBe('tests/v1/2/test_x.py > test_a');
    expect([...parseJunit(xml, ['tests/v1.2/test_x.py', 'tests/v1/2/test_x.py']).keys()][0]).toBe('tests/v1/2/test_x.py > test_a');
    // a dot in the file's own name (importlib mode), and the longest named module winning over a dotted helper's prefix (atkD12 #2, #3)
    const odd = `<?xml version="1.0"?><testsuites><testsuite name="pytest" tests="3">
<testcase classname="tests.test_calc.v2" name="test_add"/>
<testcase classname="tests.a.b.c.test_x" name="test_fn"/>
<testcase classname="tests.a.b.c.TestK" name="test_k"/>
</testsuite></testsuites>`;
    expect([...parseJunit(odd, ['tests/test_calc.v2.py', 'tests/a.b/c.py', 'tests/a/b/c/test_x.py']).keys()]).toEqual([
      'tests/test_calc.v2.py > test_add',
      'tests/a/b/c/test_x.py > test_fn',
      'tests/a.b/c.py > TestK > test_k',
    ]);
  });

  it("SWE-bench's node ids map to those ids; other names are only trimmed", () => {
    expect(sweBenchKey('tests/test_calc.py::TestSub::TestInner::test_sub[a::b-1]')).toBe('tests/test_calc.py > TestSub > TestInner > test_sub[a::b-1]');
    expect(sweBenchKey('test_root.py::test_top')).toBe('test_root.py > test_top');
    expect(sweBenchKey('renders the cell :: twice ')).toBe('renders the cell :: twice');
    expect(sweBenchKey('a > b ')).toBe('a > b');
    const results = new Map([['tests/test_calc.py > test_add', 'PASSED']]);
    expect(aliasSweBenchNames(results, ['tests/test_calc.py::test_add']).get('tests/test_calc.py::test_add')).toBe('PASSED');
    // a result under the raw spelling is none a parser makes (a forged report, atkR11 1): the listed name answers with its id's result only
    const forged = new Map([['tests/test_calc.py::test_add', 'PASSED'], ['tests/test_calc.py > test_add', 'FAILED']]);
    expect(aliasSweBenchNames(forged, ['tests/test_calc.py::test_add']).get('tests/test_calc.py::test_add')).toBe('FAILED');
    expect(aliasSweBenchNames(new Map([['tests/test_calc.py::test_add', 'PASSED']]), ['tests/test_calc.py::test_add']).has('tests/test_calc.py::test_add')).toBe(false);
  });

  it.runIf(pytestInstalled)('a real pytest run: same-named tests of two files are two ids, each the SWE-bench node id mapped', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-pytest-ids-'));
    try {
      mkdirSync(path.join(dir, 'tests', 'sub'), { recursive: true });
      writeFileSync(path.join(dir, 'tests', 'test_a.py'), 'import pytest\n\n\ndef test_same():\n    assert True\n\n\nclass TestK:\n    @pytest.mark.parametrize("v", ["x::y", 2])\n    def test_p(self, v):\n        assert v != 2\n');
      writeFileSync(path.join(dir, 'tests', 'sub', 'test_b.py'), 'def test_same():\n    assert False\n');
      try {
        execFileSync('python3', ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', '--junitxml=r.xml', 'tests'], { cwd: dir, stdio: 'ignore', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
      } catch { /* a failing test: exit 1 */ }
      const parsed = parseJunit(readFileSync(path.join(dir, 'r.xml'), 'utf8'));
      const want: Record<string, string> = {
        'tests/test_a.py::test_same': 'PASSED',
        'tests/sub/test_b.py::test_same': 'FAILED',
        'tests/test_a.py::TestK::test_p[x::y]': 'PASSED',
        'tests/test_a.py::TestK::test_p[2]': 'FAILED',
      };
      for (const [node, status] of Object.entries(want)) expect(parsed.get(sweBenchKey(node)), node).toBe(status);
      expect(parsed.size).toBe(4);
      // a folder named with a dot: pytest's classname is `tests.v1.2.test_c`; the listed id names the file
      mkdirSync(path.join(dir, 'tests', 'v1.2'));
      writeFileSync(path.join(dir, 'tests', 'v1.2', 'test_c.py'), 'class TestD:\n    def test_d(self):\n        assert False\n');
      try {
        execFileSync('python3', ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', '--junitxml=r2.xml', 'tests/v1.2/test_c.py'], { cwd: dir, stdio: 'ignore', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
      } catch { /* the test fails: exit 1 */ }
      const listed = ['tests/v1.2/test_c.py::TestD::test_d'];
      expect([...parseJunit(readFileSync(path.join(dir, 'r2.xml'), 'utf8'), listedPytestFiles(listed))]).toEqual([[sweBenchKey(listed[0]!), 'FAILED']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
