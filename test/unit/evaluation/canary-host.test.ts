// Which host files get canaries (canary-host.ts skipHost, atkA18): a file whose tests findTests
// reads gets them under every runner (vitest, mocha, jest with aliased imports, #5); a file calling
// any registering name the parser knows (mocha's `context`/`specify`, #4); in a node:test task a
// file node runs as a test file by its name gets the synthetic pair and an `unhooked` note even
// when its tests come through a helper module or a table loop (#2, #1), while the helper itself is
// neither canaried nor named; module names written in backticks and `await import('node:test')`
// are read; a test's own `t.after(() => /re/.test(w))` does not make every test uncopyable (#6);
// and tasks validate warns on a gold run recorded unprotected, saying what is true of a file with
// no canary at all.
import { describe, expect, it } from 'vitest';
import { withoutHookCanary } from '../../../src/cli/tasks-check.ts';
import type { TaskSpec } from '../../../src/config/task.ts';
import { canaryWarnings } from '../../../src/tasks/lint.ts';
import { planCanaries, type CanaryPlan, type CanaryRunner } from '../../../src/evaluation/canary.ts';
import { loadedByHost, nodeTestFileName, skipHost } from '../../../src/evaluation/canary-host.ts';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import type { TaskValidation } from '../../../src/tasks/validate.ts';

const TESTS = (group: string, check: string): string => [
  `${group}('double', () => {`,
  ...['two', 'three', 'four', 'zero'].map((w, i) => `  ${check}('doubles ${w}', () => {\n    expect(double(${[2, 3, 4, 0][i]})).toBe(${2 * [2, 3, 4, 0][i]!});\n  });`),
  '});',
  '',
].join('\n');
const plan = (runner: CanaryRunner, hosts: Array<[string, string]>, task?: { test_cmd: string }): CanaryPlan | { unprotected: string } =>
  planCanaries(runner, new Map(hosts), null, { FAIL_TO_PASS: [], PASS_TO_PASS: [], test_patch: '', ...task });
const planned = (p: CanaryPlan | { unprotected: string }): CanaryPlan => {
  if ('unprotected' in p) throw new Error(p.unprotected);
  return p;
};
const goldRun = (extra: object): Pick<TaskValidation, 'runs'> =>
  ({ runs: [{ run: 1, phase: 'gold_and_test_patch', outcome: 'resolved', tests: {}, test_ms: 1, error: null, ...extra }] }) as unknown as Pick<TaskValidation, 'runs'>;

describe('host files of every runner (atkA18 #5, #4)', () => {
  it.each([
    ['vitest', "import { describe as group, expect, it as check } from 'vitest';\nimport { double } from '../src';"],
    ['jest', "import { describe as group, expect, test as check } from '@jest/globals';\nimport { double } from '../src';"],
    ['mocha', "const { describe: group, it: check } = require('mocha');\nconst { expect } = require('chai');\nconst { double } = require('../src');"],
  ] as const)('%s: a file importing its test functions under other names gets mutated canaries', (runner, head) => {
    const text = `${head}\n\n${TESTS('group', 'check')}`;
    expect(skipHost('test/a.test.ts', text, { runner, importsNodeTest: false, testCmd: '', hosts: new Map() })).toBe(false);
    const p = planned(plan(runner, [['test/a.test.ts', text]]));
    expect(p.kind).toBe('mutated');
    expect(p.tests.some((t) => t.must === 'FAILED')).toBe(true);
  });

  it('mocha: a spec written with context/specify only gets canaries', () => {
    const text = `const { expect } = require('chai');\nconst { double } = require('../src');\n\n${TESTS('context', 'specify')}`;
    expect(skipHost('test/bom.spec.js', text, { runner: 'mocha', importsNodeTest: false, testCmd: '', hosts: new Map() })).toBe(false);
    expect(planned(plan('mocha', [['test/bom.spec.js', text]])).kind).toBe('mutated');
    // context/specify by name with tests it cannot read (a loop): the synthetic pair, as for describe/it
    const loop = "const { expect } = require('chai');\ncontext('double', () => {\n  for (const n of [1, 2]) specify(`doubles ${n}`, () => expect(n * 2).to.equal(n + n));\n});\n";
    expect(planned(plan('mocha', [['test/loop.spec.js', loop]])).kind).toBe('synthetic');
  });
});

describe('node:test files registering through a helper module or unreadably (atkA18 #2, #1)', () => {
  const harness = "const nodeTest = require('node:test');\nmodule.exports = { group: nodeTest.describe, check: nodeTest.it, assert: require('node:assert/strict') };\n";
  const signs = "const { group, check, assert } = require('./harness');\nconst { double } = require('../src');\n\ngroup('signs', () => {\n  check('doubles two', () => {\n    assert.equal(double(2), 4);\n  });\n});\n";

  it('a test-file name, no readable test: the synthetic pair and an unhooked note; the helper is neither canaried nor named', () => {
    const p = planned(plan('node:test', [['test/harness.js', harness], ['test/signs.test.js', signs]]));
    expect([...p.texts.keys()]).toEqual(['test/signs.test.js']);
    expect(p.kind).toBe('synthetic');
    expect(p.unhooked?.map((u) => u.file)).toEqual(['test/signs.test.js']);
    expect(p.texts.get('test/signs.test.js')!.startsWith(signs)).toBe(true);
    expect(p.tests.filter((t) => t.file === 'test/signs.test.js').map((t) => t.must).sort()).toEqual(['FAILED', 'PASSED']);
    // the helper no other host loads (a test file run by path?): named as having no canary, never skipped silently
    expect(planned(plan('node:test', [['test/harness.js', harness], ['test/signs.test.js', signs.replace('./harness', './other')]])).unhooked?.map((u) => u.file)).toEqual(['test/harness.js', 'test/signs.test.js']);
    expect(loadedByHost('test/harness.js', new Map([['test/sub/x.test.js', "import h from '../harness.js';"]]))).toBe(true);
    expect(loadedByHost('test/harness.js', new Map([['test/sub/x.test.js', "require('./harness')"]]))).toBe(false);
  });

  it("node's test-file names; TypeScript ones only with a loader in the test command", () => {
    for (const f of ['test/a.test.js', 'a-test.cjs', 'x/a_test.mjs', 'test-a.js', 'test.js', 'test/test.mjs']) expect(nodeTestFileName(f, false), f).toBe(true);
    for (const f of ['test/harness.js', 'test/a.spec.js', 'testing.js', 'test/a.test.ts', 'atest.js', 'test/a.test.json']) expect(nodeTestFileName(f, false), f).toBe(false);
    expect(nodeTestFileName('test/a.test.ts', true)).toBe(true);
    const ts = signs.replace("require('./harness')", "require('./harness.ts')");
    expect(plan('node:test', [['test/signs.test.ts', ts]])).toHaveProperty('unprotected');
    expect(planned(plan('node:test', [['test/signs.test.ts', ts]], { test_cmd: 'node --import tsx --test' })).kind).toBe('synthetic');
  });

  it('an aliased node:test file with a table loop gets the synthetic pair, as the same file written with it by name does', () => {
    const loop = (head: string, check: string): string => `${head}\nconst assert = require('node:assert');\nfor (const n of [1, 2]) ${check}(\`doubles \${n}\`, () => assert.equal(n * 2, n + n));\n`;
    const aliased = planned(plan('node:test', [['test/t.test.js', loop("const { it: check } = require('node:test');", 'check')]]));
    const byName = planned(plan('node:test', [['test/t.test.js', loop("const { it } = require('node:test');", 'it')]]));
    for (const p of [aliased, byName]) {
      expect(p.kind).toBe('synthetic');
      expect(p.unhooked?.map((u) => u.file)).toEqual(['test/t.test.js']);
    }
  });

  it('backtick module names and await import(…) destructuring are read as node:test', () => {
    const tick = "const { describe: group, it: check } = require(`node:test`);\nconst assert = require('node:assert');\n\ngroup('g', () => {\n  check('one', () => {\n    assert.equal(1 + 1, 2);\n  });\n});\n";
    expect(findTests('test/a.test.js', tick)?.map((t) => t.title)).toEqual(['one']);
    const dyn = "const { describe: group, it: check } = await import('node:test');\nimport assert from 'node:assert';\n\ngroup('g', () => {\n  check('one', () => {\n    assert.equal(1 + 1, 2);\n  });\n});\n";
    expect(findTests('test/a.test.mjs', dyn)?.map((t) => t.title)).toEqual(['one']);
    // not a test-file name, tests unreadable, node:test in backticks: named as having no canary, never skipped silently
    const unread = "const { it: check } = require(`node:test`);\nfor (const n of [1, 2]) check(`n ${n}`, () => {});\n";
    expect(plan('node:test', [['test/loop.js', unread]])).toEqual({ unprotected: expect.stringMatching(/^test\/loop\.js: it imports node:test .*so it has no canary at all$/) });
  });
});

describe("a test's own clean-up does not make every test uncopyable (atkA18 #6)", () => {
  const file = (cleanup: string): string => [
    "const nt = require('node:test');",
    "const assert = require('node:assert/strict');",
    "nt.describe('double', () => {",
    `  nt.it('doubles two', (t) => {\n    ${cleanup}\n    assert.equal(2 * 2, 4);\n  });`,
    ...['three', 'four'].map((w, i) => `  nt.it('doubles ${w}', () => {\n    assert.equal(2 * ${i + 3}, ${2 * (i + 3)});\n  });`),
    '});',
    '',
  ].join('\n');
  it('t.after(() => /re/.test(w)) and a helper calling re.test(s) register nothing; a hook of the module object calling nt.test still does', () => {
    const after = file("const re = /deprecated/i;\n    const seen = [];\n    t.after(() => { assert.ok(!seen.some((w) => /deprecated/i.test(w) || re.test(w))); });");
    expect(findTests('test/a.test.js', after)!.map((t) => t.unsafe)).toEqual([false, false, false]);
    // a hook of another object (a test's context) whose callback calls a member named like a registering one
    const log = file("const log = { context: () => {} };\n    t.after(() => { log.context('cleanup'); });");
    expect(findTests('test/a.test.js', log)!.map((t) => t.unsafe)).toEqual([false, false, false]);
    const helper = `const RE = /x/;\nfunction matches(s) { return RE.test(s); }\n${file('matches("x");')}`;
    expect(findTests('test/a.test.js', helper)!.map((t) => t.unsafe)).toEqual([false, false, false]);
    expect(findTests('test/a.test.js', `${file('')}nt.beforeEach(() => { nt.test('inner', () => {}); });\n`)!.map((t) => t.unsafe)).toEqual([true, true, true]);
    // a helper handed node's context registers through it
    const ctx = `function sub(t) { return t.test('inner', () => {}); }\n${file('sub(null);')}`;
    expect(findTests('test/a.test.js', ctx)!.map((t) => t.unsafe)).toEqual([true, false, false]);
  });
});

describe('tasks validate on a file with no canary and on a gold run recorded unprotected (atkA18 #1, LOW)', () => {
  it('warns on an unprotected gold run, naming why', () => {
    expect(withoutHookCanary(goldRun({ canaries: null, unprotected: 'test/loop.js: it imports node:test but … so it has no canary at all' }))).toMatch(/^unprotected: its gold run carried no canaries \(test\/loop\.js: .*\): .*goes unseen; register its tests by a name fixbench reads/);
    expect(withoutHookCanary(goldRun({ canaries: { fail: 'failed', pass: 'passed' }, unprotected: null }))).toBeNull();
  });
  it('tasks lint warns when every test file test.patch creates is left without a canary', () => {
    const created = (file: string, text: string): string => {
      const lines = text.trimEnd().split('\n');
      return `diff --git a/${file} b/${file}\nnew file mode 100644\n--- /dev/null\n+++ b/${file}\n@@ -0,0 +1,${lines.length} @@\n${lines.map((l) => `+${l}`).join('\n')}\n`;
    };
    const loop = "const { it: check } = require('node:test');\nfor (const n of [1, 2]) check(`n ${n}`, () => {});\n";
    const task = (patch: string): TaskSpec => ({ instance_id: 'l-1', dir: '/tasks/l-1', test_cmd: 'node --test --test-reporter=junit --test-reporter-destination=r.xml', test_report: 'junit:r.xml', test_patch: patch, FAIL_TO_PASS: ['n 1'], PASS_TO_PASS: [] }) as unknown as TaskSpec;
    // spec/loop.js: not a file `node --test` (no operands) runs (no test-file name, not under test/)
    expect(canaryWarnings(task(created('spec/loop.js', loop))).map((w) => w.message)).toEqual([expect.stringMatching(/^no canary test can be added \(spec\/loop\.js: it imports node:test .*\): its results are unprotected$/)]);
    expect(canaryWarnings(task(created('test/loop.test.js', loop))).filter((w) => /no canary test/.test(w.message))).toEqual([]);
  });
  it('a file with no canary at all: any flipped failure goes unseen, and the fix is a readable test, not a literal-equality one', () => {
    const w = withoutHookCanary(goldRun({ canaries: { fail: 'failed', pass: 'passed', unhooked: [{ file: 'test/loop.js', why: 'it imports node:test but … so it has no canary at all' }] } }))!;
    expect(w).toMatch(/^no canary in test\/loop\.js .*turn any failure into a pass goes unseen there; register its tests by a name fixbench reads/);
    expect(w).not.toMatch(/hook failures|assert\.equal/);
  });
});
