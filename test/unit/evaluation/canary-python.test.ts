// pytest's canaries (canary-python.ts, canary-python-parse.ts): finding a Python test file's tests
// by its text, the copies made of them (module level, class methods, parametrized), the synthetic
// pair where no test has an `assert … == literal`, and judging them as pytest's JUnit report names
// them (`pytest > test_x`, `pytest > test_x[a-b]`). One case runs pytest itself when installed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCanaries } from '../../../src/evaluation/canary-check.ts';
import { unswapResults } from '../../../src/evaluation/canary-swap.ts';
import type { CanaryPlan } from '../../../src/evaluation/canary.ts';
import { assertEqualLiteral, assertLiteral, findPythonTests } from '../../../src/evaluation/canary-python-parse.ts';
import { isPytestTask, mutatePythonHost, planPythonCanaries, pytestSelectionProblem, pythonCanaryHosts } from '../../../src/evaluation/canary-python.ts';
import { failToPassKnown } from '../../../src/evaluation/canary-odds.ts';
import { parseJunit } from '../../../src/evaluation/parse/junit.ts';
import { pytestInstalled } from '../../helpers/pytest.ts';

const FILE = `import pytest
from calc import add


class TestAdd:
    def test_adds_small_numbers(self):
        assert add(2, 3) == 5

    def test_adds_large_numbers(self):
        assert add(2000, 3000) == 5000


@pytest.mark.parametrize(
    "a,b",
    [(1, 2), (3, 4)],
)
def test_adds_pairs(a, b):
    """Adds a
    pair."""
    assert add(a, b) == a + b
    assert str(add(1, 1)) == "2"


def test_adds_negative_numbers():
    assert add(-1, -1) == -2


async def test_adds_later():
    assert add(1, 1) == 2


def test_adds_with_args(
    x=1,
):
    assert add(x, 1) == 2


@pytest.mark.skip(reason="slow")
def test_adds_slowly():
    assert add(1, 2) == 3


def test_adds_nothing():
    assert add(0, 0) is not None
`;
const plan = (r: ReturnType<typeof planPythonCanaries>): CanaryPlan => {
  if ('unprotected' in r) throw new Error(r.unprotected);
  return r;
};
const task = (f2p: string[] = []) => ({ FAIL_TO_PASS: f2p, PASS_TO_PASS: [], test_patch: '' });

describe('findPythonTests', () => {
  it('finds module-level tests and Test-class methods with their decorators; skips async defs and multi-line headers', () => {
    const found = findPythonTests(FILE)!;
    expect(found.map((t) => [t.name, t.cls, t.unsafe])).toEqual([
      ['test_adds_small_numbers', 'TestAdd', false],
      ['test_adds_large_numbers', 'TestAdd', false],
      ['test_adds_pairs', null, false],
      ['test_adds_negative_numbers', null, false],
      ['test_adds_slowly', null, true],
      ['test_adds_nothing', null, false],
    ]);
    const pairs = found[2]!;
    expect(FILE.slice(pairs.start, pairs.end)).toMatch(/^@pytest\.mark\.parametrize\(\n[\s\S]*== "2"$/);
    expect(pairs.literals.map((l) => FILE.slice(l.start, l.end))).toEqual(['"2"']);
    expect(found[3]!.literals.map((l) => [FILE.slice(l.start, l.end), l.value])).toEqual([['2', 2]]);
    expect(found[5]!.literals).toEqual([]);
  });
  it('takes no literal past a return (the test may pass without it); marks name-keyed tests unsafe', () => {
    const [a, b] = findPythonTests('def test_a(x):\n    assert f() == 1\n    if x:\n        return\n    assert f() == 2\n\n\ndef test_b(snapshot):\n    assert f() == snapshot\n')!;
    expect(a!.literals.map((l) => l.value)).toEqual([1]);
    expect(b!.unsafe).toBe(true);
  });
  it('gives null for what it cannot scan exactly', () => {
    expect(findPythonTests('def test_a():\n\tassert f() == 1\n')).toBeNull();
    expect(findPythonTests('def test_a():\n    assert f(1 == 1\n')).toBeNull();
    expect(findPythonTests("def test_a():\n    x = f'{y # no}'\n")).toBeNull();
    expect(findPythonTests('def test_a():\r\n    assert f() == 1\r\n')).toBeNull();
  });
  it('lends no tests from a class pytest may skip whole (a skip mark on it, pytestmark, __test__)', () => {
    const cls = (head: string, body = ''): string => `${head}class TestA:\n${body}    def test_x(self):\n        assert f() == 1\n`;
    expect(findPythonTests(cls(''))!.map((t) => t.name)).toEqual(['test_x']);
    expect(findPythonTests(cls('@pytest.mark.skipif(sys.platform == "win32", reason="posix")\n'))).toEqual([]);
    expect(findPythonTests(cls('', '    pytestmark = pytest.mark.xfail\n\n'))).toEqual([]);
    expect(findPythonTests(cls('', '    __test__ = False\n\n'))).toEqual([]);
  });
  it('follows strings across lines: a def inside a triple-quoted string is not a test', () => {
    expect(findPythonTests('X = """\ndef test_no():\n    assert 1 == 1\n"""\n\n\ndef test_yes():\n    assert g() == \'a\'\n')!.map((t) => t.name)).toEqual(['test_yes']);
  });
});

describe('assertLiteral', () => {
  it.each([
    ['f(1) == 5', '5'],
    ['5 == f(1)', '5'],
    ["f(x)['k'] == 'abc'  # c", "'abc'"],
    ['f() == -3.5', '3.5'],
    ['f() == True', 'True'],
    ['f() == 5, "message"', null],
    ['f() != 5', null],
    ['f() == 5 or g()', null],
    ['f() == 1j', null],
    ['f() == b"x"', null],
    ['f() == "a" "b"', null],
    ['f() == g() == 1', null],
    ['f(a == 1)', null],
  ])('%s → %s', (s, want) => {
    const lit = assertLiteral(s);
    expect(lit ? s.slice(lit.start, lit.end) : null).toBe(want);
  });
});

describe('assertEqualLiteral (unittest methods)', () => {
  it.each([
    ['(f(1, 2), 5)', '5'],
    ["('abc', g(x))", "'abc'"],
    ['(f(), True)  # c', 'True'],
    ['(f(), 5, "msg")', null],
    ['(f(), 5, msg="m")', null],
    ['(f(), g())', null],
    ['(f(), 5) or x', null],
  ])('%s → %s', (s, want) => {
    const lit = assertEqualLiteral(s);
    expect(lit ? s.slice(lit.start, lit.end) : null).toBe(want);
  });
  it('is read in Test-class methods', () => {
    const [t] = findPythonTests('class TestA(unittest.TestCase):\n    def test_a(self):\n        self.assertEqual(f(), 7)\n')!;
    expect(t!.literals.map((l) => l.value)).toEqual([7]);
  });
});

describe('mutatePythonHost', () => {
  it('copies a FAIL_TO_PASS test first with one literal changed, and another test verbatim, each beside its original', () => {
    for (let k = 0; k < 20; k++) {
      const m = mutatePythonHost(FILE, { failToPass: ['pytest > test_adds_negative_numbers'], passToPass: [], added: new Set(), taken: new Set(FILE.match(/\w+/g)) })!;
      const fail = m.tests.filter((t) => t.must === 'FAILED');
      expect(fail[0]!.original).toBe('test_adds_negative_numbers');
      expect(m.tests.filter((t) => t.must === 'PASSED')).toHaveLength(1);
      for (const t of m.tests) {
        expect(t.title).toMatch(/^test_\w+$/);
        expect(FILE).not.toContain(t.title);
        expect(m.text).toContain(`def ${t.title}(`);
      }
      // Every original is still there, unchanged; the file grew by the copies only.
      for (const t of findPythonTests(FILE)!) expect(m.text).toContain(FILE.slice(t.start, t.end));
      const copies = findPythonTests(m.text)!.filter((t) => m.tests.some((c) => c.title === t.name));
      expect(copies).toHaveLength(m.tests.length);
      // A class method's copy stays in its class.
      for (const c of copies) expect(c.cls).toBe(findPythonTests(FILE)!.find((t) => t.name === m.tests.find((x) => x.title === c.name)!.original)!.cls);
    }
  });
  it('gives null for a file with no assert on a literal (the planner then appends the synthetic pair)', () => {
    const text = 'def test_a():\n    assert f() is None\n';
    expect(mutatePythonHost(text, { failToPass: [], passToPass: [], added: new Set(), taken: new Set() })).toBeNull();
    const p = plan(planPythonCanaries('pytest tests', new Map([['tests/test_a.py', text]]), task()));
    expect(p.kind).toBe('synthetic');
    expect(p.texts.get('tests/test_a.py')).toMatch(/^def test_a\(\):\n {4}assert f\(\) is None\n\n\ndef test_\w+\(\):\n {4}assert \d+ [+*] \d+ == \d+\n\n\ndef test_\w+\(\):\n/);
  });
});

describe('planPythonCanaries', () => {
  it('copies into the failing canary a test test.patch brings, under a name found nowhere before test.patch', () => {
    const base = 'def test_adds_small_values():\n    assert add(1, 2) == 3\n\n\ndef test_keeps_large_values():\n    assert add(0, 5000) == 5000\n';
    const added = '\n\ndef test_adds_large_values():\n    assert add(2000, 3000) == 5000\n';
    const patch = `diff --git a/tests/test_a.py b/tests/test_a.py\n--- a/tests/test_a.py\n+++ b/tests/test_a.py\n@@ -6,0 +7,4 @@\n${added.slice(1).split('\n').slice(0, -1).map((l) => `+${l}`).join('\n')}\n`;
    for (let k = 0; k < 10; k++) {
      const p = plan(planPythonCanaries('pytest tests', new Map([['tests/test_a.py', base + added]]), { FAIL_TO_PASS: [], PASS_TO_PASS: [], test_patch: patch }));
      const fail = p.tests.filter((t) => t.must === 'FAILED');
      expect(fail.map((t) => t.original)).toEqual(['test_adds_large_values']);
      for (const t of p.tests) expect(base).not.toContain(t.title);
    }
  });

  it('a listed host test.patch adds no line to gets one must-fail copy; test.patch\'s own file up to three (atkA20 #6)', () => {
    const names = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma'];
    const tests = names.map((n, i) => `def test_case_${n}():\n    assert double(${i + 1}) == ${2 * i + 2}\n`).join('\n\n');
    const other = `from calc import double\n\n\n${tests}`;
    const own = `from calc import add\n\n\n${tests.replaceAll('double', 'add')}`;
    const patch = `diff --git a/tests/test_calc.py b/tests/test_calc.py\n--- /dev/null\n+++ b/tests/test_calc.py\n@@ -0,0 +1,${own.split('\n').length - 1} @@\n${own.split('\n').slice(0, -1).map((l) => `+${l}`).join('\n')}\n`;
    for (let k = 0; k < 5; k++) {
      const p = plan(planPythonCanaries('pytest tests', new Map([['tests/test_calc.py', own], ['tests/test_double.py', other]]), { FAIL_TO_PASS: [], PASS_TO_PASS: ['tests/test_double.py::test_case_alpha'], test_patch: patch }));
      const failing = (f: string): number => p.tests.filter((t) => t.file === f && t.must === 'FAILED').length;
      expect(failing('tests/test_double.py')).toBe(1);
      expect(failing('tests/test_calc.py')).toBe(3);
    }
  });

  it('the odds of a guess stand only when a listed FAIL_TO_PASS test is hidden (canary-odds.ts failToPassKnown)', () => {
    // the rule: the odds of a guess stand only when a listed FAIL_TO_PASS test is a parsed test with a hidden title
    expect(failToPassKnown({ guess: 0.25, weak: [] }, { hidden: 1, known: 1 }, ['a.py'], 2)).toEqual({ guess: 0.25, weak: [] });
    expect(failToPassKnown({ guess: 0.25, weak: [] }, { hidden: 0, known: 0 }, ['a.py'], 0)).toEqual({ guess: 0.25, weak: [] }); // nothing listed
    expect(failToPassKnown({ guess: 0.25, weak: [] }, { hidden: 0, known: 0 }, ['a.py'], 1)).toEqual({ guess: 1, weak: ['a.py'] }); // listed, matched by no parsed test (atkE12 #1, #2)
    expect(failToPassKnown({ guess: 0.25, weak: ['b.py'] }, { hidden: 0, known: 2 }, ['a.py', 'b.py'], 2)).toEqual({ guess: 1, weak: ['b.py', 'a.py'] });
  });
  it('hosts: the pytest test files test.patch touches; pytest tasks; commands that would not run canaries are unprotected', () => {
    const patch = ['tests/test_a.py', 'tests/b_test.py', 'tests/conftest.py', 'tests/util.py'].map((f) => `diff --git a/${f} b/${f}\n--- a/${f}\n+++ b/${f}\n@@ -1 +1 @@\n-x\n+y\n`).join('');
    expect(pythonCanaryHosts(patch)).toEqual(['tests/b_test.py', 'tests/test_a.py']);
    expect(isPytestTask({ test_cmd: 'PYTHONPATH=. python3 -m pytest tests', test_report: 'junit:r.xml' })).toBe(true);
    expect(isPytestTask({ test_cmd: 'npx vitest run', test_report: 'auto' })).toBe(false);
    expect(pytestSelectionProblem('python3 -m pytest -p no:cacheprovider -W ignore::DeprecationWarning --junitxml=r.xml tests')).toBeNull();
    expect(pytestSelectionProblem('pytest tests/test_a.py::test_x')).toMatch(/node id/);
    expect(pytestSelectionProblem('pytest -k add tests')).toMatch(/-k/);
    expect(pytestSelectionProblem('pytest -x tests')).toMatch(/first failure/);
    expect(planPythonCanaries('pytest -x tests', new Map([['tests/test_a.py', FILE]]), task())).toHaveProperty('unprotected');
  });
});

describe('checkCanaries on pytest ids', () => {
  const p: CanaryPlan = {
    runner: 'pytest', kind: 'mutated', texts: new Map([['tests/test_a.py', '']]), guess: 0.5, weak: [], swaps: [], namedIds: false,
    tests: [
      { file: 'tests/test_a.py', suite: '', title: 'test_adds_pair', must: 'FAILED', original: 'test_adds_pairs', family: true },
      { file: 'tests/test_a.py', suite: '', title: 'test_adds_big', must: 'PASSED', original: 'test_adds_small', family: true },
    ],
  };
  const ids = (flip: boolean) => new Map<string, 'PASSED' | 'FAILED'>([
    ['pytest > test_adds_pairs[1-2]', 'PASSED'], ['pytest > test_adds_pairs[3-4]', 'PASSED'],
    ['pytest > test_adds_pair[1-2]', flip ? 'PASSED' : 'FAILED'], ['pytest > test_adds_pair[3-4]', 'FAILED'],
    ['pytest > test_adds_small', 'PASSED'], ['pytest > test_adds_big', 'PASSED'],
  ]);
  it('judges a parametrized canary by all its instances and removes them from the task\'s results', () => {
    const ok = checkCanaries(p, ids(false));
    expect(ok.problem).toBeNull();
    expect([...ok.rest.keys()]).toEqual(['pytest > test_adds_pairs[1-2]', 'pytest > test_adds_pairs[3-4]', 'pytest > test_adds_small']);
    expect(checkCanaries(p, ids(true)).problem).toMatch(/"test_adds_pair" .* came out passed/);
  });
  it('never excuses an erring canary, even beside an erring original (atkP11 1: a forger adds an erring `[…]` twin to every test)', () => {
    const errs = new Map([...ids(false)].map(([id]) => [id, 'ERROR' as const]));
    expect(checkCanaries(p, errs).problem).toMatch(/came out error/);
    // the forgery: every failure flipped to a pass, every test given an erring [zz] twin
    const forged = new Map<string, 'PASSED' | 'ERROR'>([...ids(false)].map(([id]) => [`tests/test_a.py > ${id.slice('pytest > '.length)}`, 'PASSED' as const]));
    for (const id of [...forged.keys()]) forged.set(`${id.replace(/\[.*\]$/, '')}[zz]`, 'ERROR');
    expect(checkCanaries(p, forged).problem).toMatch(/was reported both plain and with parameter ids|came out error/);
  });
  it('refuses results pytest never writes: a raw node id, a test both plain and parametrized (atkR11 1, 2)', () => {
    const raw = new Map([...ids(false), ['tests/test_a.py::test_add', 'PASSED' as const]]);
    expect(checkCanaries(p, raw).problem).toMatch(/raw node id .*tests\/test_a\.py::test_add/);
    const twin = new Map([...ids(false), ['pytest > test_adds_small[zz]', 'FAILED' as const]]);
    expect(checkCanaries(p, twin).problem).toMatch(/"pytest > test_adds_small" was reported both plain and with parameter ids/);
    // parameter ids may hold `::`: not a raw node id
    expect(checkCanaries(p, new Map([...ids(false), ['pytest > test_adds_pairs[a::b]', 'PASSED' as const]])).problem).toBeNull();
  });
  it('excuses a parametrized copy pairwise only: failing [zz] twins beside flipped passes excuse nothing (atkR11 2)', () => {
    // every failure stripped to a pass, then a failing [zz] twin added to every parametrized family
    const forged = new Map<string, 'PASSED' | 'FAILED'>([...ids(false)].map(([id]) => [id, 'PASSED']));
    for (const id of [...forged.keys()]) if (id.endsWith(']')) forged.set(`${id.replace(/\[.*\]$/, '')}[zz]`, 'FAILED');
    expect(checkCanaries(p, forged).problem).toMatch(/"test_adds_pair" .* came out passed/);
    // the honest case: the copy's instance passes where the original's same instance failed (a wrong patch hit the mutated value)
    const honest = new Map([...ids(false), ['pytest > test_adds_pairs[3-4]', 'FAILED' as const], ['pytest > test_adds_pair[3-4]', 'PASSED' as const]]);
    expect(checkCanaries(p, honest).problem).toBeNull();
    const alone = new Map([...ids(false), ['pytest > test_adds_pair[1-2]', 'ERROR' as const]]);
    expect(checkCanaries(p, alone).problem).toMatch(/"test_adds_pair" .* came out error/);
  });
  it('takes a test file pytest could not import (a collection error) as not run, not as forged results', () => {
    const err = new Map([['pytest > tests.test_a', 'ERROR' as const], ['pytest > test_b', 'PASSED' as const]]);
    const q: CanaryPlan = { ...p, texts: new Map([['tests/test_a.py', '']]), tests: p.tests.map((t) => ({ ...t, file: 'tests/test_a.py' })) };
    expect(checkCanaries(q, err)).toMatchObject({ problem: null, silent: ['tests/test_a.py'], canaries: { fail: 'missing', pass: 'missing' } });
    expect(checkCanaries(q, new Map([['pytest > test_b', 'PASSED' as const]])).problem).toMatch(/none of the canary tests/);
    expect(checkCanaries(q, new Map([['pytest > tests.test_other', 'ERROR' as const]])).problem).toMatch(/none of the canary tests/);
    // atkP11 5: a forged collection error beside the file's own (forged) results does not make it uncollected
    const forged = new Map([['pytest > tests.test_a', 'ERROR' as const], ['tests/test_a.py > test_add', 'PASSED' as const]]);
    expect(checkCanaries(q, forged).problem).toMatch(/none of the canary tests/);
  });
  it('takes pytest interrupted by one host\'s collection error as not run: the other hosts never ran either (listed hosts)', () => {
    const two: CanaryPlan = { ...p, texts: new Map([['tests/test_a.py', ''], ['tests/test_b.py', '']]), tests: [...p.tests, { file: 'tests/test_b.py', suite: '', title: 'test_b_copy', must: 'FAILED', original: 'test_b' }] };
    // pytest stops at a collection error ("Interrupted: 1 error during collection"): its report holds that error only
    expect(checkCanaries(two, new Map([['pytest > tests.test_a', 'ERROR' as const]]))).toMatchObject({ problem: null, silent: ['tests/test_a.py', 'tests/test_b.py'], canaries: { fail: 'missing', pass: 'missing' } });
    // a test that ran beside it means pytest was not interrupted: test_b.py's silence is not excused
    expect(checkCanaries(two, new Map([['pytest > tests.test_a', 'ERROR' as const], ['pytest > test_c', 'PASSED' as const]])).problem).toMatch(/none of the canary tests/);
    // a collection error of a file that holds no canary excuses nothing
    expect(checkCanaries(two, new Map([['pytest > tests.test_other', 'ERROR' as const]])).problem).toMatch(/none of the canary tests/);
  });
  it('takes hosts whose canaries are all missing while a listed test they hold was reported as forged, not as not run (atkA20 #5, atkB20 #1, atkC20 #2)', () => {
    const three: CanaryPlan = { ...p, texts: new Map([['tests/test_a.py', ''], ['tests/test_b.py', ''], ['lib/tests/test_a.py', '']]), tests: [...p.tests, { file: 'tests/test_b.py', suite: '', title: 'test_b_copy', must: 'FAILED', original: 'test_b' }, { file: 'lib/tests/test_a.py', suite: '', title: 'test_lib_copy', must: 'FAILED', original: 'test_lib' }] };
    const b = new Map<string, 'PASSED' | 'FAILED'>([['tests/test_b.py > test_b', 'PASSED'], ['tests/test_b.py > test_b_copy', 'FAILED']]);
    // pytest rooted in pkg/ names pkg/tests/test_a.py's test `tests/test_a.py > test_adds_small`: the listed id, held by that host
    const sole = new Map([['tests/test_a.py > test_adds_small', ['tests/test_a.py']]]);
    // test_a.py not run at all: silent, its listed tests count as failed
    expect(checkCanaries(three, b, new Set(), false, sole)).toMatchObject({ problem: null, silent: ['tests/test_a.py', 'lib/tests/test_a.py'] });
    // its listed test reported, none of its canaries: the module was replaced (a sys.modules preset), the results are not the run's
    const shown = new Map([...b, ['tests/test_a.py > test_adds_small', 'PASSED' as const]]);
    expect(checkCanaries(three, shown, new Set(), false, sole).problem).toMatch(/none of the canary tests added to tests\/test_a\.py was reported, yet its listed test "tests\/test_a\.py > test_adds_small" was/);
    // a listed id written as pytest's node id (`::`) is found under the id the JUnit parser gives
    expect(checkCanaries(three, shown, new Set(), false, new Map([['tests/test_a.py::test_adds_small', ['tests/test_a.py']]])).problem).toMatch(/yet its listed test/);
    // held by two hosts (pytest's rootdir unreadable), neither of which ran: forged all the same (atkC20 #2)
    const both = new Map([['tests/test_a.py > test_adds_small', ['lib/tests/test_a.py', 'tests/test_a.py']]]);
    expect(checkCanaries(three, shown, new Set(), false, both).problem).toMatch(/added to lib\/tests\/test_a\.py, tests\/test_a\.py was reported, yet their listed test/);
    // held by a host that ran too: the result may be that file's, not judged
    const ran = new Map([['tests/test_a.py > test_adds_small', ['tests/test_a.py', 'tests/test_b.py']]]);
    expect(checkCanaries(three, shown, new Set(), false, ran).problem).toBeNull();
  });
  it('takes a file whose canaries all skipped (a module pytest skips) as not run; one skipped among run ones is a fault', () => {
    const skipped = new Map([...ids(false)].map(([id]) => [id, 'SKIPPED' as const]));
    expect(checkCanaries(p, skipped)).toMatchObject({ silent: ['tests/test_a.py'] });
    const one = new Map([...ids(false), ['pytest > test_adds_big', 'SKIPPED' as const]]);
    expect(checkCanaries(p, one).problem).toMatch(/"test_adds_big" .* came out skipped/);
    // atkP11 5: skipped `[…]` twins of every test beside the file's forged passes: not a skipped module
    const twins = new Map<string, 'PASSED' | 'SKIPPED'>([['tests/test_a.py > test_add', 'PASSED'], ['tests/test_a.py > test_adds_pair[zz]', 'SKIPPED'], ['tests/test_a.py > test_adds_big[zz]', 'SKIPPED']]);
    const r = checkCanaries(p, twins);
    expect(r.silent).toEqual([]);
    expect(r.problem).toMatch(/came out skipped/);
  });
});


describe.runIf(pytestInstalled)('canaries under a real pytest run', () => {
  it('hold for an honest run and catch a blanket flip of failed reports', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-pycanary-'));
    try {
      mkdirSync(path.join(dir, 'tests'));
      writeFileSync(path.join(dir, 'calc.py'), 'def add(a, b):\n    return a + b\n');
      writeFileSync(path.join(dir, 'tests', '__init__.py'), '');
      const p = plan(planPythonCanaries('pytest tests', new Map([['tests/test_calc.py', FILE]]), task(['tests/test_calc.py > test_adds_pairs[1-2]'])));
      expect(p.kind).toBe('mutated');
      writeFileSync(path.join(dir, 'tests', 'test_calc.py'), p.texts.get('tests/test_calc.py')!);
      const run = (): ReturnType<typeof checkCanaries> => {
        try {
          execFileSync('python3', ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', '--junitxml=r.xml', 'tests'], { cwd: dir, stdio: 'ignore', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
        } catch { /* failing canaries: exit 1 */ }
        return checkCanaries(p, unswapResults(p.swaps, parseJunit(readFileSync(path.join(dir, 'r.xml'), 'utf8')), p.namedIds ?? true));
      };
      const honest = run();
      expect(honest.problem).toBeNull();
      expect(honest.canaries).toMatchObject({ fail: 'failed', pass: 'passed' });
      // Every task test passes but the async one (no asyncio plugin installed); nothing of the canaries is left.
      expect([...honest.rest].filter(([, s]) => s !== 'PASSED' && s !== 'SKIPPED')).toEqual([['tests/test_calc.py > test_adds_later', 'FAILED']]);
      expect(honest.rest.size).toBe(9); // 7 functions, one parametrized twice, one skipped
      writeFileSync(path.join(dir, 'conftest.py'), [
        'import _pytest.reports as r',
        'orig = r.TestReport.from_item_and_call.__func__',
        'def f(cls, item, call):',
        '    rep = orig(cls, item, call)',
        '    if rep.failed:',
        "        rep.outcome = 'passed'; rep.longrepr = None",
        '    return rep',
        'r.TestReport.from_item_and_call = classmethod(f)',
        '',
      ].join('\n'));
      expect(run().problem).toMatch(/failing canary test .* came out passed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
