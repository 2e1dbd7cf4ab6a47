// A test that reads its own name is never copied (atkA20 #3): a canary copy runs under another title,
// so a test keyed by its title (`inputs[t.name]`, `CASES[self._testMethodName]`) fails in the copy and
// an honest patch would be `tampered`. Such tests are `unsafe` (no copy); a file left with nothing to
// copy gets the synthetic pair.
import { describe, expect, it } from 'vitest';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { planCanaries } from '../../../src/evaluation/canary.ts';
import { findPythonTests } from '../../../src/evaluation/canary-python-parse.ts';
import { planPythonCanaries } from '../../../src/evaluation/canary-python.ts';

const js = (body: string, params = 't', fn: 'arrow' | 'function' = 'arrow'): string =>
  `const { test } = require('node:test');\nconst assert = require('node:assert');\ntest('one second', ${fn === 'arrow' ? `(${params}) =>` : `function (${params})`} {\n  ${body}\n  assert.equal(parse('1s'), 1000);\n});\n`;

describe('JS/TS tests that read their own name', () => {
  it.each([
    ['node:test t.name', js('const want = inputs[t.name];')],
    ['node:test t.fullName', js('const want = inputs[t.fullName];')],
    ['node:test this.name in a function callback', js('const want = inputs[this.name];', '', 'function')],
    ['mocha this.test.title', js('const want = inputs[this.test.title];', '', 'function')],
    ['mocha this.currentTest', js('const want = inputs[this.currentTest.title];', '', 'function')],
    ['jest/vitest expect.getState()', js('const want = inputs[expect.getState().currentTestName];', '')],
    ['vitest ctx.task', js('const want = inputs[ctx.task.name];', 'ctx')],
    ['vitest ({ task })', js('const want = inputs[task.name];', '{ task }')],
    ['playwright test.info()', js('const want = inputs[test.info().title];', '')],
  ])('%s: unsafe', (_, text) => {
    expect(findTests('test/a.test.js', text)!.map((t) => t.unsafe)).toEqual([true]);
  });
  it('a test using its context otherwise, or a `name` of something else, stays copyable', () => {
    expect(findTests('test/a.test.js', js('t.diagnostic(user.name);'))!.map((t) => t.unsafe)).toEqual([false]);
    expect(findTests('test/a.test.js', js('const n = inputs.name;', ''))!.map((t) => t.unsafe)).toEqual([false]);
  });
  it.each([
    ['node:test beforeEach((t) => …t.name)', "beforeEach((t) => { input = inputs[t.name]; });"],
    ['mocha beforeEach(function () { …this.currentTest })', "beforeEach(function () { input = inputs[this.currentTest.title]; });"],
    ['vitest beforeEach(({ task }) => …)', "beforeEach((ctx) => { input = inputs[ctx.task.name]; });"],
    ['a named function given to beforeEach (atkC20 #3)', "function pick(t) { input = inputs[t.name]; }\nbeforeEach(pick);"],
    ['a named arrow given to beforeEach (atkC20 #3)', "const pick = (t) => { input = inputs[t.name]; };\nbeforeEach(pick);"],
  ])('a hook reading the running test\'s name (%s) makes every test of the file unsafe (atkB20 #4)', (_, hook) => {
    const file = `const { test, beforeEach } = require('node:test');\nconst assert = require('node:assert');\nlet input;\n${hook}\ntest('one second', () => {\n  assert.equal(parse(input), 1000);\n});\ntest('two seconds', () => {\n  assert.equal(parse(input), 2000);\n});\n`;
    expect(findTests('test/a.test.js', file)!.map((t) => t.unsafe)).toEqual([true, true]);
    // a hook reading other things leaves them copyable
    expect(findTests('test/a.test.js', file.replace(hook, 'beforeEach(() => { input = inputs.first; });'))!.map((t) => t.unsafe)).toEqual([false, false]);
  });
  it('a node:test file whose tests all read their name gets the synthetic pair, no copy of them', () => {
    const file = `const { test } = require('node:test');\nconst assert = require('node:assert');\nconst inputs = { 'one second': '1s', 'two seconds': '2s' };\n` +
      `test('one second', (t) => {\n  assert.equal(parse(inputs[t.name]), 1000);\n});\ntest('two seconds', (t) => {\n  assert.equal(parse(inputs[t.name]), 2000);\n});\n`;
    const p = planCanaries('node:test', new Map([['test/named.test.js', file]]), null);
    if ('unprotected' in p) throw new Error(p.unprotected);
    expect(p.kind).toBe('synthetic');
    expect(p.tests.filter((t) => !t.hook).every((t) => t.original === undefined)).toBe(true);
    expect(p.texts.get('test/named.test.js')!.match(/inputs\[t\.name\]/g)).toHaveLength(2);
  });
});

describe('Python tests that read their own name', () => {
  it.each([
    ['unittest self._testMethodName', 'CASES[self._testMethodName]'],
    ['unittest self.id()', 'CASES[self.id().split(".")[-1]]'],
    ['PYTEST_CURRENT_TEST', 'CASES[os.environ["PYTEST_CURRENT_TEST"]]'],
    ['sys._getframe', 'CASES[sys._getframe().f_code.co_name]'],
    ['inspect.stack', 'CASES[inspect.stack()[0].function]'],
  ])('%s: unsafe', (_, expr) => {
    const text = `class TestCalc(unittest.TestCase):\n    def test_add_small(self):\n        case = ${expr}\n        assert add(*case) == 3\n`;
    expect(findPythonTests(text)!.map((t) => t.unsafe)).toEqual([true]);
  });
  it.each([
    ['unittest setUp', 'class TestCalc(unittest.TestCase):\n    def setUp(self):\n        self.case = CASES[self._testMethodName]\n\n    def test_add_small(self):\n        assert add(*self.case) == 3\n'],
    ['setup_method keyed by the method\'s __name__ (atkC20 #3)', 'class TestCalc:\n    def setup_method(self, method):\n        self.case = CASES[method.__name__]\n\n    def test_add_small(self):\n        assert add(*self.case) == 3\n'],
    ['an autouse fixture', '@pytest.fixture(autouse=True)\ndef case(request):\n    global CASE\n    CASE = CASES[request.node.name]\n\n\ndef test_add_small():\n    assert add(*CASE) == 3\n'],
  ])('the name read around the tests (%s) makes every test of the file unsafe (atkB20 #4)', (_, text) => {
    expect(findPythonTests(text)!.map((t) => t.unsafe)).toEqual([true]);
  });
  it('a test reading other things stays copyable', () => {
    expect(findPythonTests('def test_push():\n    stack = [1]\n    assert len(stack) == 1\n')!.map((t) => t.unsafe)).toEqual([false]);
  });
  it('a unittest file whose tests all read their name gets the synthetic pair, no copy of them', () => {
    const file = 'import unittest\nfrom calc import sub\n\nCASES = {"test_sub_small": (3, 1), "test_sub_large": (30, 10)}\n\n\n' +
      'class TestSub(unittest.TestCase):\n    def test_sub_small(self):\n        a, b = CASES[self._testMethodName]\n        assert sub(a, b) == 2\n\n' +
      '    def test_sub_large(self):\n        a, b = CASES[self._testMethodName]\n        assert sub(a, b) == 20\n';
    const p = planPythonCanaries('pytest tests', new Map([['tests/test_sub.py', file]]), { FAIL_TO_PASS: [], PASS_TO_PASS: ['tests/test_sub.py::TestSub::test_sub_small'], test_patch: '' });
    if ('unprotected' in p) throw new Error(p.unprotected);
    expect(p.kind).toBe('synthetic');
    expect(p.tests.every((t) => t.original === undefined)).toBe(true);
    expect(p.texts.get('tests/test_sub.py')!.startsWith(file)).toBe(true);
  });
});
