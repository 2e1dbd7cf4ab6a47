// The forms of reading the running test's name that canary-own-name.ts, canary-own-name-imports.ts and
// canary-python-setup.ts catch failing closed (atkD21 A, B): a hook handing its context on, a local
// module reading `expect.getState()`, a pytest setup_method using its method however written. Each
// leaves the file's tests uncopied (an honest gold patch was `tampered`); hooks that do not touch the
// test leave them copyable. See canary-own-name.test.ts for the plain forms.
import { afterAll, describe, expect, it } from 'vitest';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { planCanaries } from '../../../src/evaluation/canary.ts';
import { candidatesOf, hostsNamedByImports } from '../../../src/evaluation/canary-own-name-imports.ts';
import { findPythonTests } from '../../../src/evaluation/canary-python-parse.ts';
import { guardRun } from '../../../src/evaluation/integrity.ts';
import { reportKind } from '../../../src/evaluation/parse/index.ts';
import { gitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos } from '../../helpers/host-repo.ts';

afterAll(() => cleanupHostRepos());

const file = (around: string): string =>
  `const { test, beforeEach, afterEach, before, after } = require('node:test');\nconst assert = require('node:assert');\nlet input;\n${around}\n` +
  `test('one second', () => {\n  assert.equal(parse(input), 1000);\n});\ntest('two seconds', () => {\n  assert.equal(parse(input), 2000);\n});\n`;
const unsafe = (text: string, name = 'test/a.test.js'): boolean[] => findTests(name, text)!.map((t) => t.unsafe);

describe('JS hooks handing the test on (atkD21 A)', () => {
  it.each([
    ['destructured from the context', 'beforeEach((t) => { const { name } = t; input = inputs[name]; });'],
    ['the context passed to a call', 'function pick(t) { input = inputs[t.name]; }\nbeforeEach((t) => pick(t));'],
    ['the context passed to an imported helper', "const { pick } = require('./helpers');\nbeforeEach((t) => pick(t));"],
    ['a computed member', "beforeEach((t) => { input = inputs[t['name']]; });"],
    ['an alias', 'beforeEach((t) => { const c = t; input = inputs[c.name]; });'],
    ['a spread', 'beforeEach((t) => { pick({ ...t }); });'],
    ['in an object shorthand', 'beforeEach((t) => { pick({ t }); });'],
    ['returned', 'beforeEach((t) => t);'],
    ['a destructured parameter (vitest)', 'beforeEach(({ task }) => { input = inputs[task.name]; });'],
    ['a rest parameter', 'beforeEach((...a) => { input = inputs[a[0].name]; });'],
    ['a second parameter used', 'beforeEach((ctx, suite) => { pick(suite); });'],
    ['`this` passed on', 'beforeEach(function () { pick(this); });'],
    ['`this` by a computed member', "beforeEach(function () { input = inputs[this['currentTest'].title]; });"],
    ['`arguments`', 'beforeEach(function () { pick(arguments[0]); });'],
    ['afterEach', 'afterEach((t) => pick(t));'],
    ['before (a suite hook)', 'before((t) => pick(t));'],
    ['after', 'after((t) => pick(t));'],
    ['t.beforeEach', 'nt.beforeEach((t) => pick(t));'],
    ['an aliased hook import', "const { beforeEach: be } = require('node:test');\nbe((t) => pick(t));"],
    ['an aliased hook import (ESM)', "import { beforeEach as be } from 'node:test';\nbe((t) => pick(t));"],
    ['a named function with a destructured parameter', 'function pick({ name }) { input = inputs[name]; }\nbeforeEach(pick);'],
    ['a named function handing the context on', 'function pick(t) { use(t); }\nbeforeEach(pick);'],
    ['a function declared in a describe', "describe('x', () => {\n  const pick = (t) => { input = inputs[t['name']]; };\n  beforeEach(pick);\n});"],
    ['a function of a local module', "const { pick } = require('./helpers/name');\nbeforeEach(pick);"],
    ['a member of a local module', "const helpers = require('./helpers');\nbeforeEach(helpers.pick);"],
    ['a function made by a call', "beforeEach(picker('x'));"],
    ['an unknown name', 'beforeEach(pick);'],
    ['expect.getState() in a function of the file', 'function currentName() { return expect.getState().currentTestName; }\nbeforeEach(() => { input = inputs[currentName()]; });'],
    ['vitest getCurrentTest() in the file', "function currentName() { return getCurrentTest().name; }\nbeforeEach(() => { input = inputs[currentName()]; });"],
  ])('%s: every test of the file unsafe', (_, hook) => {
    expect(unsafe(file(hook))).toEqual([true, true]);
  });
  it.each([
    ['a hook not touching its context', "beforeEach(() => { input = '1s'; });"],
    ['harmless context members', "beforeEach((t) => { t.mock.reset(); t.diagnostic('x'); input = t.signal ? '1s' : ''; });"],
    ['a done callback called', 'beforeEach((done) => { input = 1; done(); });'],
    ['mocha this.timeout()', 'beforeEach(function () { this.timeout(5000); input = 1; });'],
    ['a title and options', "beforeEach('resets', function () { input = 1; });\nafterEach(() => { input = 0; }, { timeout: 100 });"],
    ['a function of a package', "const { cleanup } = require('@testing-library/react');\nafterEach(cleanup);"],
    ['a member of a package', "const sinon = require('sinon');\nafterEach(sinon.restore);"],
    ['an imported package function (ESM)', "import { cleanup } from '@testing-library/react';\nafterEach(cleanup);"],
    ['a named function not touching its context', 'function reset() { input = 1; }\nbeforeEach(reset);'],
    ['a DOM node\'s after()/before() with a value', 'el.after(node);\nel.before(other);'],
    ['a `name` of something else', 'beforeEach(() => { input = inputs.name; });'],
  ])('%s: tests stay copyable', (_, hook) => {
    expect(unsafe(file(hook))).toEqual([false, false]);
  });
  it.each([
    ['destructured', '{ name }', 'input = inputs[name];'],
    ['passed to a call', 't', 'pick(t);'],
    ['a computed member', 't', "input = inputs[t['name']];"],
    ['aliased', 't', 'const c = t; input = inputs[c.name];'],
  ])('a test callback whose context is %s is unsafe too', (_, params, body) => {
    const text = `const { test } = require('node:test');\nconst assert = require('node:assert');\ntest('one second', (${params}) => {\n  ${body}\n  assert.equal(parse(input), 1000);\n});\n`;
    expect(unsafe(text)).toEqual([true]);
  });
});

describe('a local module reading the test\'s name (atkD21 A, vhelper)', () => {
  const host = "import { beforeEach, expect, it } from 'vitest';\nimport { expandBraces } from '../src/index.js';\nimport { currentName } from './helpers/name.js';\nlet input = '';\nbeforeEach(() => { input = inputs[currentName()]; });\nit('expands two', () => {\n  expect(expandBraces(input).length).toBe(2);\n});\nit('expands three', () => {\n  expect(expandBraces(input).length).toBe(3);\n});\n";
  const reader = (files: Record<string, string>) => {
    const asked: string[] = [];
    return { asked, read: async (f: string): Promise<string | null> => (asked.push(f), files[f] ?? null) };
  };
  it('candidates: TypeScript\'s extension swap, index files, nothing outside the repository', () => {
    expect(candidatesOf('test/a.test.ts', './helpers/name.js')).toEqual(['test/helpers/name.js', 'test/helpers/name.ts', 'test/helpers/name.tsx']);
    expect(candidatesOf('test/a.test.ts', '..')).toContain('index.js');
    expect(candidatesOf('test/a.test.ts', './util')).toEqual(expect.arrayContaining(['test/util.ts', 'test/util/index.js']));
    expect(candidatesOf('a.test.js', '../x.js')).toEqual([]);
  });
  it.each([
    ['expect.getState()', 'export const currentName = () => expect.getState().currentTestName!;'],
    ['getCurrentTest()', "import { getCurrentTest } from 'vitest/suite';\nexport const currentName = () => getCurrentTest()!.name;"],
  ])('a helper reading it by %s names the host', async (_, helper) => {
    const { read } = reader({ 'test/helpers/name.ts': helper, 'src/index.ts': 'export const expandBraces = (s: string) => [s];' });
    expect([...(await hostsNamedByImports(new Map([['test/named.test.ts', host]]), read))]).toEqual(['test/named.test.ts']);
  });
  it('through another local module (an index re-exporting it)', async () => {
    const h = host.replace('./helpers/name.js', './helpers');
    const { read } = reader({ 'test/helpers/index.ts': "export * from './name';", 'test/helpers/name.ts': 'export const currentName = () => expect.getState().currentTestName!;' });
    expect([...(await hostsNamedByImports(new Map([['test/named.test.ts', h]]), read))]).toEqual(['test/named.test.ts']);
  });
  it('a host whose local modules do not read it, or that imports packages only, is not named; a failing read is absence', async () => {
    const { read, asked } = reader({ 'test/helpers/name.ts': 'export const currentName = () => "expands two";', 'src/index.ts': 'export const expandBraces = (s: string) => [s];' });
    expect((await hostsNamedByImports(new Map([['test/named.test.ts', host], ['test/b.test.ts', "import { it } from 'vitest';\nimport x from 'pkg';\n"]]), read)).size).toBe(0);
    expect(asked.every((f) => !f.includes('vitest') && !f.includes('pkg'))).toBe(true);
    expect((await hostsNamedByImports(new Map([['test/named.test.ts', host]]), async () => { throw new Error('EACCES'); })).size).toBe(0);
  });
  it('guardRun reads the host\'s local modules from the workspace: a helper reading the name leaves the host uncopied', async () => {
    const guard = async (helper: string) => {
      const repo = gitRepo({ 'test/helpers/name.ts': helper, 'test/named.test.ts': host, 'src/index.ts': 'export const expandBraces = (s: string): string[] => s.split(",");\n', 'package.json': '{"type":"module"}' });
      const task = { instance_id: 'ts-1', test_cmd: 'npx vitest run', test_report: 'vitest-json:r.json', test_patch: '', FAIL_TO_PASS: ['test/named.test.ts > expands two'], PASS_TO_PASS: ['test/named.test.ts > expands three'], problem_statement: '' } as unknown as Parameters<typeof guardRun>[1];
      return guardRun(repo.dir, task, reportKind('vitest-json:r.json'), true, null);
    };
    const named = await guard('export const currentName = (): string => expect.getState().currentTestName!;\n');
    expect(named.plan!.kind).toBe('synthetic');
    expect(named.plan!.tests.every((t) => t.original === undefined)).toBe(true);
    const plain = await guard('export const currentName = (): string => "expands two";\n');
    expect(plain.plan!.kind).toBe('mutated');
    expect(plain.plan!.tests.some((t) => t.original !== undefined)).toBe(true);
  });
  it('planCanaries gives a named host the synthetic pair, no copy of its tests; other hosts are copied', () => {
    const other = "import { expect, it } from 'vitest';\nit('adds one', () => {\n  expect(add(1, 1)).toBe(2);\n});\nit('adds two', () => {\n  expect(add(2, 2)).toBe(4);\n});\n";
    const hosts = new Map([['test/named.test.ts', host], ['test/other.test.ts', other]]);
    const p = planCanaries('vitest', hosts, 'module', undefined, undefined, undefined, undefined, new Set(['test/named.test.ts']));
    if ('unprotected' in p) throw new Error(p.unprotected);
    expect(p.kind).toBe('synthetic');
    expect(p.tests.filter((t) => t.file === 'test/named.test.ts').every((t) => t.original === undefined)).toBe(true);
    expect(p.tests.some((t) => t.file === 'test/other.test.ts' && t.original !== undefined)).toBe(true);
  });
});

describe('pytest setup_method / setup_function using the test (atkD21 B)', () => {
  const cls = (hdr: string, key: string): string => `class TestSub:\n    ${hdr}\n        self.a, self.b = CASES[${key}]\n\n    def test_sub(self):\n        assert sub(self.a, self.b) == 2\n`;
  it.each([
    ['annotated', cls('def setup_method(self, method: Callable) -> None:', 'method.__name__')],
    ['a default', cls('def setup_method(self, method=None):', 'method.__name__')],
    ['getattr', cls('def setup_method(self, method):', "getattr(method, '__name__')")],
    ['__qualname__', cls('def setup_method(self, method):', "method.__qualname__.split('.')[-1]")],
    ['handed to a helper', cls('def setup_method(self, method):', 'key_of(method)')],
    ['a bracketed annotation', cls('def setup_method(self, method: Callable[[int], None] = None) -> None:', 'method.__name__')],
    ['a header over lines', cls('def setup_method(\n        self,\n        method,\n    ):', 'method.__name__')],
    ['*args', cls('def setup_method(self, *args):', 'args[0].__name__')],
    ['*args holding self too', cls('def setup_method(*args):', 'args[1].__name__')],
    ['teardown_method', 'class TestSub:\n    def teardown_method(self, m):\n        RESULTS[m.__name__] = 1\n\n    def test_sub(self):\n        assert sub(3, 1) == 2\n'],
    ['setup_function', 'def setup_function(fn):\n    global CASE\n    CASE = CASES[getattr(fn, "__name__")]\n\n\ndef test_sub():\n    assert sub(*CASE) == 2\n'],
    ['a one-line body', 'class TestSub:\n    def setup_method(self, method): self.case = CASES[method.__qualname__]\n\n    def test_sub(self):\n        assert sub(3, 1) == 2\n'],
  ])('%s: every test of the file unsafe', (_, text) => {
    expect(findPythonTests(text)!.map((t) => t.unsafe)).toEqual([true]);
  });
  it.each([
    ['a setup_method not using its method', cls('def setup_method(self, method):', '"test_sub"')],
    ['a setup_method with self only', cls('def setup_method(self):', '"test_sub"')],
    ['a setup_function not using its function', 'def setup_function(function):\n    global CASE\n    CASE = (3, 1)\n\n\ndef test_sub():\n    method = CASE\n    assert sub(*method) == 2\n'],
    ['the name used after the block only', 'class TestSub:\n    def setup_method(self, method):\n        self.a = 3\n\n    def test_sub(self):\n        method = 1\n        assert sub(self.a, method) == 2\n'],
  ])('%s: tests stay copyable', (_, text) => {
    expect(findPythonTests(text)!.map((t) => t.unsafe)).toEqual([false]);
  });
});
