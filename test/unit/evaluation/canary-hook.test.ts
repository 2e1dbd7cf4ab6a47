// The hook canary of a node:test file (canary-hook.ts): the plan's text registers it (a describe
// beside a copied test, a beforeEach with one expected literal of that test changed, 1–3 tests
// copied verbatim), imports the names it calls under fresh names (CommonJS and ESM, whatever the
// file's own import: named, aliased, a module object, a default import), accepts tests taking the
// context (`(t) =>`) used only as hooks allow, and node 20 runs it: both channels (node's JUnit, the
// lean TAP) report each of its tests failed by the hook, and the plan's canaries all come out as
// they must. A file left without one is named, with why, in the plan and the `tasks validate` warning.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCanaries, planCanaries, tailOfTest, type CanaryPlan } from '../../../src/evaluation/canary.ts';
import { hookSafe, isEsmFile } from '../../../src/evaluation/canary-hook.ts';
import { ID_SEPARATOR } from '../../../src/evaluation/parse/index.ts';
import { withoutHookCanary } from '../../../src/cli/tasks-check.ts';
import type { TaskValidation } from '../../../src/tasks/validate.ts';
import { oneRespelled } from './canary-fixture.ts';
import { unswapResults } from '../../../src/evaluation/canary-swap.ts';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { LEAN_TAP_REPORTER } from '../../../src/evaluation/channel-reporter.ts';
import { parseReportText } from '../../../src/evaluation/parse/index.ts';

const SRC = "exports.double = (n) => n * 2;\nexports.name = (s) => `name ${s}`;\n";
/** A node:test file in `style` (its own import of node:test as written by `head`). */
const FILE = (head: string, load: string): string => [
  head,
  load,
  '',
  "describe('double', () => {",
  "  it('doubles two', () => {",
  '    assert.equal(double(2), 4);',
  '  });',
  '',
  "  it('doubles three', () => {",
  '    assert.equal(double(3), 6);',
  '  });',
  '',
  "  it('doubles zero', () => {",
  '    assert.equal(double(0), 0);',
  '  });',
  '});',
  '',
  "describe('name', () => {",
  "  it('names a word', async () => {",
  "    assert.equal(name('word'), 'name word');",
  '  });',
  '',
  "  it('names a number', function () {",
  "    assert.equal(name(3), 'name 3');",
  '  });',
  '});',
  '',
].join('\n');
const CJS = FILE("const { describe, it } = require('node:test');\nconst assert = require('node:assert/strict');", "const { double, name } = require('../src.js');");
/** `(t) =>` tests (atkA17 #4), node:test imported as a module object (#4b). */
const CONTEXT = FILE("const nodeTest = require('node:test');\nconst { describe, it } = nodeTest;\nconst assert = require('node:assert/strict');", "const { double, name } = require('../src.js');")
  .replace(/\(\) =>/g, '(t) =>').replace('function ()', 'function (t)').replace('assert.equal(double(3), 6)', 't.assert.equal(double(3), 6)');
/** A default import (`test` is node:test's `test`), tests at top level. */
const DEFAULT = [
  "import test from 'node:test';",
  "import assert from 'node:assert/strict';",
  "import { double } from '../src.js';",
  '',
  ...['two', 'three', 'four'].map((w, i) => `test('doubles ${w}', (t) => {\n  assert.equal(double(${i + 2}), ${2 * (i + 2)});\n});\n`),
].join('\n');
const ESM = FILE("import { suite, test } from 'node:test';\nimport assert from 'node:assert/strict';", "import { double, name } from '../src.js';").replace(/\bit\(/g, 'test(').replace(/\bdescribe\(/g, 'suite(');

const tmp = mkdtempSync(path.join(tmpdir(), 'fixbench-hook-canary-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const planOf = (file: string, text: string): CanaryPlan => {
  const p = planCanaries('node:test', new Map([[file, text]]), null);
  if ('unprotected' in p) throw new Error(p.unprotected);
  return p;
};

/** Runs `file` (written from `plan`) under `node --test` with node's JUnit and the lean TAP, as a graded run does; both reports parsed. */
function run(plan: CanaryPlan, file: string, n: number): { junit: ReturnType<typeof parseReportText>; tap: ReturnType<typeof parseReportText>; xml: string } {
  const dir = path.join(tmp, `run${n}`);
  mkdirSync(path.join(dir, 'test'), { recursive: true });
  writeFileSync(path.join(dir, 'src.js'), SRC);
  if (file.endsWith('.mjs')) writeFileSync(path.join(dir, 'package.json'), '{}\n');
  writeFileSync(path.join(dir, file), plan.texts.get(file)!);
  try {
    execFileSync(process.execPath, ['--test', '--test-reporter=junit', '--test-reporter-destination=r.xml', `--test-reporter=${LEAN_TAP_REPORTER}`, '--test-reporter-destination=r.tap', file], { cwd: dir, stdio: 'pipe' });
  } catch {
    // the must-fail canaries fail: exit 1
  }
  const xml = readFileSync(path.join(dir, 'r.xml'), 'utf8');
  return { junit: parseReportText('junit', xml), tap: parseReportText('tap', readFileSync(path.join(dir, 'r.tap'), 'utf8'), { tapLeaves: true }), xml };
}

describe('the hook canary (node:test)', () => {
  it.each([
    ['CommonJS', 'test/a.test.js', CJS, 'describe(', 'beforeEach('],
    ['ESM, `suite` for describe', 'test/a.test.mjs', ESM, 'suite(', 'beforeEach('],
    ['CommonJS, `(t) =>` tests, node:test as a module object', 'test/a.test.js', CONTEXT, 'describe(', 'beforeEach('],
    ['ESM, a default import, `(t) =>` tests at top level', 'test/a.test.mjs', DEFAULT, 'test(', 'beforeEach('],
  ])('%s: the text registers it beside a copied test under fresh imported names; node runs it failing in its hook, in both channels', (_, file, text) => {
    for (let n = 0; n < 4; n++) {
      const p = planOf(file, text);
      expect(p.unhooked).toBeUndefined();
      const hooks = p.tests.filter((t) => t.hook);
      expect(hooks.length).toBeGreaterThanOrEqual(1);
      expect(hooks.length).toBeLessThanOrEqual(3);
      expect(new Set(hooks.map((h) => h.suite)).size).toBe(1);
      for (const hook of hooks) {
        expect(hook).toMatchObject({ file, must: 'FAILED' });
        expect(hook.original).toBeUndefined();
      }
      const raw = p.texts.get(file)!;
      // its own import of node:test, under names the file did not write
      const imp = /^(?:const \{ describe: (describe_[0-9a-f]{6}), beforeEach: (beforeEach_[0-9a-f]{6}) \} = require\('node:test'\);|import \{ describe as (describe_[0-9a-f]{6}), beforeEach as (beforeEach_[0-9a-f]{6}) \} from 'node:test';)$/m.exec(raw);
      expect(imp, raw).not.toBeNull();
      expect(imp![0].startsWith('import')).toBe(file.endsWith('.mjs'));
      const [d, be] = [imp![1] ?? imp![3]!, imp![2] ?? imp![4]!];
      expect(text).not.toContain(d);
      // read with its describe under the name findTests knows (offsets: of this text)
      const out = raw.split(`${d}(`).join('describe(');
      // its describe: a new suite inside the copied test's, its tests registered under it
      const found = findTests(file, out)!;
      const inner = hooks.map((h) => found.find((t) => [...t.suites, t.title].join(' > ') === tailOfTest(h))!);
      expect(inner.every(Boolean), out).toBe(true);
      const parent = inner[0]!.suites.at(-1)!;
      expect(text).not.toContain(`'${parent}'`);
      expect(raw).toContain(`${d}('${parent}'`);
      // the hook: a test's body with one expected literal changed; the tests: bodies of the file's tests, one literal respelled (atkD22 #1: no text twice)
      const flat = (code: string): string => code.replace(/\s+/g, ' ').replace(/^, /, '');
      const block = out.slice(out.indexOf(`describe('${parent}'`));
      const hookBody = flat(block.slice(block.indexOf(`${be}(`) + be.length + 1, block.indexOf(`'${hooks[0]!.title}'`)));
      for (const i of inner) {
        const body = out.slice(i.titleEnd, i.end);
        expect(found.some((t) => t !== i && !inner.includes(t) && oneRespelled(flat(out.slice(t.titleEnd, t.end)), flat(body))), `no test of the file has the body ${body} but one literal`).toBe(true);
        expect(found.filter((t) => flat(out.slice(t.titleEnd, t.end)) === flat(body))).toEqual([i]);
      }
      expect(found.some((t) => flat(out.slice(t.titleEnd, t.end)) === hookBody.replace(/\s*\}\);?\s*$/, '').trim())).toBe(false);
      // the plan's canaries come out as they must, each hook canary test failed by its hook in both reports
      const { junit, tap, xml } = run(p, file, n + 10 * ['CommonJS', 'ESM', 'CONTEXT', 'DEFAULT'].indexOf(_.split(/[ ,]/)[0]!) + (text === CONTEXT ? 20 : text === DEFAULT ? 30 : 0));
      for (const r of [junit, tap]) {
        for (const hook of hooks) expect(r.get(tailOfTest(hook)), xml).toBe('FAILED');
        expect(checkCanaries({ ...p, namedIds: false }, unswapResults(p.swaps, r, false)).problem).toBeNull();
      }
      for (const hook of hooks) expect(xml).toMatch(new RegExp(`<testcase name="${hook.title}"[^>]*failure="failed running beforeEach hook"`));
      // the describe's other tests are decoys: never judged (the code returning the mutant's value passes the hook and
      // them, and fails T's copy: atkD17 #4), never the task's tests either
      const decoys = [...junit.keys()].filter((id) => id.split(' > ').includes(parent) && !hooks.some((h) => id.endsWith(tailOfTest(h))));
      const honestWrong = unswapResults(p.swaps, junit, false);
      for (const id of decoys) honestWrong.set(id, 'PASSED');
      const judged = checkCanaries({ ...p, namedIds: false }, honestWrong);
      expect(judged.problem).toBeNull();
      expect([...judged.rest.keys()].filter((id) => id.split(' > ').includes(parent))).toEqual([]);
      // a report turning hook failures into passes: tampered
      const flipped = unswapResults(p.swaps, junit, false);
      for (const hook of hooks) flipped.set(tailOfTest(hook), 'PASSED');
      expect(checkCanaries({ ...p, namedIds: false }, flipped).problem).toMatch(/the hook canary test .* came out passed/);
    }
  }, 120_000);

  it('puts 1 to 3 tests in its describe under their own titles, variants only where a test at top level has the title', () => {
    // more tests than the other canaries take (up to 3 mutants and a must-pass pair)
    const big = `${CJS}\ndescribe('halve', () => {\n${[2, 4, 6, 8].map((n) => `  it('halves ${n}', () => {\n    assert.equal(double(${n}) / 4, ${n / 2});\n  });\n`).join('\n')}});\n`;
    const titles = new Set(findTests('test/a.test.js', big)!.map((t) => t.title));
    const sizes = new Set<number>();
    for (let n = 0; n < 40; n++) {
      const p = planOf('test/a.test.js', big);
      // one judged test (T's copy), the rest of its describe decoys
      const hooks = p.tests.filter((t) => t.hook);
      expect(hooks).toHaveLength(1);
      const raw = p.texts.get('test/a.test.js')!;
      const d = /describe: (describe_[0-9a-f]{6})/.exec(raw)![1]!;
      const inDescribe = findTests('test/a.test.js', raw.split(`${d}(`).join('describe('))!.filter((t) => t.suites.join(' > ') === hooks[0]!.suite.split(ID_SEPARATOR).join(' > '));
      sizes.add(inDescribe.length);
      expect(inDescribe.map((t) => t.title)).toContain(hooks[0]!.title);
      for (const t of inDescribe) expect(titles.has(t.title), t.title).toBe(true);
    }
    expect([...sizes].sort()).toEqual([1, 2, 3]);
    // tests at top level: their ids are their titles, so the copies take variants
    const top = new Set(findTests('test/a.test.mjs', DEFAULT)!.map((t) => t.title));
    for (let n = 0; n < 10; n++) for (const h of planOf('test/a.test.mjs', DEFAULT).tests.filter((t) => t.hook)) expect(top.has(h.title), h.title).toBe(false);
  });

  it('writes its import in the module system node loads the file in: from the program and the extension, not from raw lines (atkD17 #3, #5)', () => {
    // an `import … from` line inside a CommonJS file's template literal (a README snippet under test)
    const cjs = "'use strict';\nconst { describe, it } = require('node:test');\nconst snippet = `\nimport { parse } from 'duration';\n`;\nit('x', () => {});\n";
    expect(isEsmFile('test/a.test.js', cjs, null)).toBe(false);
    expect(isEsmFile('test/a.test.js', cjs, 'module')).toBe(false);
    // an .mjs file whose imports span lines and which makes its own require
    const mjs = "import {\n  describe,\n  it,\n} from 'node:test';\nimport { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nconst { add } = require('../src.js');\nit('x', () => {});\n";
    expect(isEsmFile('test/a.test.mjs', mjs, null)).toBe(true);
    expect(isEsmFile('test/a.test.js', mjs, null)).toBe(true);
    expect(isEsmFile('test/a.test.cjs', "import('x');\nit('x', () => {});\n", 'module')).toBe(false);
    // a top-level await (a .js under a nested `"type": "module"` package.json loading through import(): atkB18 #9) is ESM; an await in a function is not
    const tla = "const { describe, it } = await import('node:test');\nconst { default: assert } = await import('node:assert/strict');\ndescribe('s', () => {\n  it('x', () => {\n    assert.equal(1, 1);\n  });\n});\n";
    expect(isEsmFile('test/esm/a.test.js', tla, null)).toBe(true);
    expect(isEsmFile('test/esm/a.test.js', `for await (const x of []) {}\nconst { it } = require('node:test');\n`, null)).toBe(true);
    expect(isEsmFile('test/a.test.js', "const { it } = require('node:test');\nasync function f() { await g(); }\nit('x', async () => { await f(); });\n", null)).toBe(false);
    // import.meta anywhere (inside a function too) is ESM-only syntax (atkC18 #3); the words in a string are not
    const meta = "const here = () => new URL('.', import.meta.url);\nimport('node:test').then(({ test }) => test('x', () => {}));\n";
    expect(isEsmFile('test/where.test.js', meta, null)).toBe(true);
    expect(isEsmFile('test/a.test.js', "const { it } = require('node:test');\nconst doc = 'uses import.meta.url';\nit('x', () => {});\n", null)).toBe(false);
    // the planned text runs: its canaries come out as they must under node
    const cjsRun = `'use strict';\n${CJS.replace("const { double, name } = require('../src.js');", "const { double, name } = require('../src.js');\nconst snippet = `\\nimport { parse } from 'duration';\\n`;")}`;
    const mjsRun = `${mjs.replace("it('x', () => {});\n", '').replace("const { add } = require('../src.js');", "const { double, name } = require('../src.js');\nconst assert = require('node:assert/strict');")}${CJS.slice(CJS.indexOf('describe('))}`;
    for (const [file, text] of [['test/a.test.js', cjsRun], ['test/a.test.mjs', mjsRun]] as const) {
      const p = planOf(file, text);
      expect(p.tests.some((t) => t.hook), file).toBe(true);
      const { junit, xml } = run(p, file, 90 + (file.endsWith('.mjs') ? 1 : 0));
      expect(checkCanaries({ ...p, namedIds: false }, unswapResults(p.swaps, junit, false)).problem, xml).toBeNull();
    }
  }, 60_000);

  it('names a node:test file with synthetic canaries only (nothing to copy) as left without a hook canary (atkD17 #2)', () => {
    const okOnly = "const { describe, it } = require('node:test');\nconst assert = require('node:assert');\nconst { double } = require('../src.js');\ndescribe('double', () => {\n  it('is a function', () => {\n    assert.ok(double);\n  });\n  it('gives a number', () => {\n    assert.ok(double(2));\n  });\n});\n";
    const p = planOf('test/ok.test.js', okOnly);
    expect(p.kind).toBe('synthetic');
    expect(p.unhooked).toEqual([{ file: 'test/ok.test.js', why: expect.stringMatching(/synthetic canaries only/) }]);
    // tasks validate says what is true of it: the recognisable pair leaves the file's other failures open to a flip (not only hook failures)
    const w = withoutHookCanary({ runs: [{ run: 1, phase: 'gold_and_test_patch', outcome: 'resolved', tests: {}, test_ms: 1, error: null, canaries: { fail: 'failed', pass: 'passed', unhooked: p.unhooked } }] } as unknown as Pick<TaskValidation, 'runs'>)!;
    expect(w).toMatch(/^only the synthetic canary pair in test\/ok\.test\.js .*recognisable.*turn its other failures into passes, leaving the pair alone, goes unseen there/);
    expect(w).not.toContain('hook failures');
  });

  it('takes a test function with a context parameter only where each use of it behaves alike in a hook', () => {
    expect(hookSafe(", () => {\n  assert.equal(f(), 1);\n});")).toBe(true);
    expect(hookSafe(", async (t) => {\n  t.assert.equal(await f(), 1);\n  t.diagnostic('x');\n});")).toBe(true);
    expect(hookSafe(", t => { assert.equal(f(t.name), 1); }")).toBe(true);
    expect(hookSafe(", function (t) { this.assert.equal(f(), 1); }")).toBe(true);
    // counted by the test, registering, skipping, handed on: not in a hook
    for (const fn of ['t.plan(1);', 't.skip();', "t.test('x', () => {});", 'helper(t);', 't.before(() => {});', 'this.plan(1);', 't["assert"].ok(1);']) {
      expect(hookSafe(`, function (t) { ${fn} assert.equal(f(), 1); }`), fn).toBe(false);
    }
    expect(hookSafe(", (t, done) => { done(); }")).toBe(false);
  });

  it('names a node:test file left without a hook canary, and why, in the plan and in the tasks validate warning', () => {
    const planned = FILE("const { describe, it } = require('node:test');\nconst assert = require('node:assert/strict');", "const { double, name } = require('../src.js');")
      .replace(/\(\) =>/g, '(t) =>').replace('function ()', 'function (t)').replace(/\n(\s*)assert\.equal/g, '\n$1t.plan(1);\n$1assert.equal');
    const p = planOf('test/p.test.js', planned);
    expect(p.tests.filter((t) => t.hook)).toEqual([]);
    expect(p.unhooked).toEqual([{ file: 'test/p.test.js', why: expect.stringMatching(/^no test to copy into a beforeEach hook/) }]);
    const runs = (unhooked?: { file: string; why: string }[]): Pick<TaskValidation, 'runs'> => ({
      runs: [{ run: 1, phase: 'gold_and_test_patch', outcome: 'resolved', tests: {}, test_ms: 1, error: null, canaries: { fail: 'failed', pass: 'passed', ...(unhooked ? { unhooked } : {}) } }],
    }) as unknown as Pick<TaskValidation, 'runs'>;
    const w = withoutHookCanary(runs(p.unhooked))!;
    expect(w).toContain('no hook canary in test/p.test.js (no test to copy into a beforeEach hook');
    expect(w).toContain('a copy of one of its tests that a `beforeEach` hook makes fail, and could not here for the reason in parentheses, so a patch that rewrites that file\'s test results to turn hook failures into passes is not caught there; fix: give the file a test');
    expect(w).toContain('hook failures');
    expect(withoutHookCanary(runs())).toBeNull();
    // the other files of the plan still get theirs
    const both = planCanaries('node:test', new Map([['test/p.test.js', planned], ['test/a.test.js', CJS]]), null);
    if ('unprotected' in both) throw new Error(both.unprotected);
    expect(both.unhooked?.map((u) => u.file)).toEqual(['test/p.test.js']);
    expect(both.tests.filter((t) => t.hook).every((t) => t.file === 'test/a.test.js')).toBe(true);
  });

  it('gives a file with no test outside the must-fail pairs no hook canary', () => {
    const one = "const assert = require('node:assert');\nconst { it } = require('node:test');\nit('adds', () => {\n  assert.equal(1 + 1, 2);\n});\n";
    expect(planOf('test/one.test.js', one).tests.filter((t) => t.hook)).toEqual([]);
  });
});
