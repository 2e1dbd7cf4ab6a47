// node:test files registering their tests under other names (atkD17 #6): the planner reads the
// bindings node:test's exports get (named imports with `as`, destructuring with renames, a member
// of the module object, a namespace or default import, an alias of an alias), so such a file gets
// mutated and hook canaries like any other and node runs them as they must; a test calling an
// alias inside is one with subtests (never copied); and a file importing node:test whose tests
// fixbench cannot read is named in the plan's `unhooked` (so `tasks validate` warns), never left
// out silently, while a helper that imports nothing of it stays out.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { withoutHookCanary } from '../../../src/cli/tasks-check.ts';
import { checkCanaries, planCanaries, type CanaryPlan } from '../../../src/evaluation/canary.ts';
import { findTests } from '../../../src/evaluation/canary-parse.ts';
import { unswapResults } from '../../../src/evaluation/canary-swap.ts';
import { parseReportText } from '../../../src/evaluation/parse/index.ts';
import type { TaskValidation } from '../../../src/tasks/validate.ts';

const SRC = 'exports.double = (n) => n * 2;\n';
/** Tests of `double` in describe `group` and test `check` (as the file names them), after `head`. */
const FILE = (head: string, group: string, check: string): string => [
  head,
  '',
  `${group}('double', () => {`,
  ...['two', 'three', 'four', 'zero'].map((w, i) => `  ${check}('doubles ${w}', () => {\n    assert.equal(double(${[2, 3, 4, 0][i]}), ${2 * [2, 3, 4, 0][i]!});\n  });\n`),
  '});',
  '',
].join('\n');
const CJS = "const assert = require('node:assert/strict');\nconst { double } = require('../src.js');";
const ESM = "import assert from 'node:assert/strict';\nimport { double } from '../src.cjs';";

const FORMS: Array<[string, string, string]> = [
  ['import { test as check, describe as group }', 'test/a.test.mjs', FILE(`import { test as check, describe as group } from 'node:test';\n${ESM}`, 'group', 'check')],
  ['const { it: check, describe: group } = require', 'test/a.test.js', FILE(`const { it: check, describe: group } = require('node:test');\n${CJS}`, 'group', 'check')],
  ['const check = nodeTest.it (and an alias of it)', 'test/a.test.js', FILE(`const nodeTest = require('node:test');\nconst group = nodeTest.describe;\nconst it1 = nodeTest.it;\nconst check = it1;\n${CJS}`, 'group', 'check')],
  ['import * as nt; nt.describe, nt.test', 'test/a.test.mjs', FILE(`import * as nt from 'node:test';\n${ESM}`, 'nt.describe', 'nt.test')],
  ['import nodeTest from; nodeTest.suite, nodeTest(…)', 'test/a.test.mjs', FILE(`import nodeTest from 'node:test';\n${ESM}`, 'nodeTest.suite', 'nodeTest')],
];

const tmp = mkdtempSync(path.join(tmpdir(), 'fixbench-canary-aliases-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const planOf = (hosts: Array<[string, string]>): CanaryPlan => {
  const p = planCanaries('node:test', new Map(hosts), null);
  if ('unprotected' in p) throw new Error(p.unprotected);
  return p;
};

/** Runs `file` of `plan` under `node --test` (node's JUnit), as a graded run does; the parsed report. */
function run(plan: CanaryPlan, file: string, n: number): { junit: ReturnType<typeof parseReportText>; xml: string } {
  const dir = path.join(tmp, `run${n}`);
  mkdirSync(path.join(dir, 'test'), { recursive: true });
  writeFileSync(path.join(dir, 'src.js'), SRC);
  writeFileSync(path.join(dir, 'src.cjs'), SRC);
  writeFileSync(path.join(dir, file), plan.texts.get(file)!);
  try {
    execFileSync(process.execPath, ['--test', '--test-reporter=junit', '--test-reporter-destination=r.xml', file], { cwd: dir, stdio: 'pipe' });
  } catch {
    // the must-fail canaries fail: exit 1
  }
  const xml = readFileSync(path.join(dir, 'r.xml'), 'utf8');
  return { junit: parseReportText('junit', xml), xml };
}

describe('node:test files registering tests under other names (atkD17 #6)', () => {
  it.each(FORMS)('%s: the planner finds the tests; mutated and hook canaries, none unhooked; node runs them as they must', (_, file, text) => {
    expect(findTests(file, text)?.map((t) => `${t.suites.join(' > ')} > ${t.title}`)).toEqual(['double > doubles two', 'double > doubles three', 'double > doubles four', 'double > doubles zero']);
    for (let n = 0; n < 3; n++) {
      const p = planOf([[file, text]]);
      expect(p.kind).toBe('mutated');
      expect(p.unhooked).toBeUndefined();
      expect(p.tests.filter((t) => t.hook).length).toBe(1);
      expect(p.tests.some((t) => !t.hook && t.must === 'FAILED')).toBe(true);
      const { junit, xml } = run(p, file, FORMS.findIndex(([, , t]) => t === text) * 10 + n);
      expect(checkCanaries({ ...p, namedIds: false }, unswapResults(p.swaps, junit, false)).problem, xml).toBeNull();
    }
  }, 60_000);

  it('a test calling an alias (or the module object) inside has subtests: never copied', () => {
    const text = FILE("const nodeTest = require('node:test');\nconst check = nodeTest.it;\nconst { describe: group } = nodeTest;\nconst assert = require('node:assert/strict');", 'group', 'check')
      .replace("assert.equal(double(2), 4);", "check('inner', () => {});\n    assert.equal(double(2), 4);")
      .replace("assert.equal(double(3), 6);", "nodeTest.test('inner', () => {});\n    assert.equal(double(3), 6);");
    const found = findTests('test/a.test.js', text)!;
    expect(found.filter((t) => t.unsafe).map((t) => t.title)).toEqual(['doubles two', 'doubles three']);
    // a hook of the module object registering tests: every test of the file may be a parent
    const hooked = `${FORMS[3]![2]}nt.beforeEach(() => {\n  nt.test('inner', () => {});\n});\n`;
    expect(findTests('test/a.test.mjs', hooked)!.map((t) => t.unsafe)).toEqual([true, true, true, true]);
  });

  it('a node:test file whose tests it cannot read: synthetic canaries and an `unhooked` note when node runs it as a test file; else named in `unhooked` with no canary, so tasks validate warns; a helper without node:test stays out', () => {
    const unreadable = "const { test: check } = require('node:test');\nconst assert = require('node:assert');\nconst { double } = require('../src.js');\nfor (const n of [1, 2]) check(`doubles ${n}`, () => assert.equal(double(n), n * 2));\n";
    const helper = "exports.twice = (f) => (x) => f(f(x));\n";
    const [okFile, okText] = [FORMS[1]![1].replace('a.test', 'b.test'), FORMS[1]![2]];
    const p = planOf([['test/u.test.js', unreadable], ['test/u.js', unreadable], ['test/helper.js', helper], [okFile, okText]]);
    expect(p.kind).toBe('synthetic');
    expect(p.unhooked).toEqual([
      { file: 'test/u.test.js', why: expect.stringMatching(/^no test of the file can be copied \(synthetic canaries only\)/) },
      { file: 'test/u.js', why: expect.stringMatching(/imports node:test but registers no test fixbench can read.*so it has no canary at all$/) },
    ]);
    expect([...p.texts.keys()]).toEqual(['test/u.test.js', okFile]);
    expect(p.texts.get('test/u.test.js')!.startsWith(unreadable)).toBe(true);
    const runs = { runs: [{ run: 1, phase: 'gold_and_test_patch', outcome: 'resolved', tests: {}, test_ms: 1, error: null, canaries: { fail: 'failed', pass: 'passed', unhooked: p.unhooked } }] } as unknown as Pick<TaskValidation, 'runs'>;
    expect(withoutHookCanary(runs)).toMatch(/^no canary in test\/u\.js \(it imports node:test.*any failure into a pass goes unseen.*; and only the synthetic canary pair in test\/u\.test\.js .*its other failures/);
    // the only host, not named as a test file: no canary can be placed, and the plan says why
    expect(planCanaries('node:test', new Map([['test/u.js', unreadable]]), null)).toEqual({ unprotected: expect.stringMatching(/^test\/u\.js: it imports node:test but registers no test/) });
  });
});
