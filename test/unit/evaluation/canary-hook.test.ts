// The hook canary of a node:test file (canary-hook.ts): the plan's text registers it (a describe
// beside a copied test, a beforeEach with one expected literal of that test changed, the test
// verbatim under a new title), imports the names it calls into the file's own node:test import
// (CommonJS and ESM, aliases kept), and node 20 runs it: both channels (node's JUnit, the lean TAP)
// report its test failed by the hook, and the plan's canaries all come out as they must.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCanaries, planCanaries, tailOfTest, type CanaryPlan } from '../../../src/evaluation/canary.ts';
import { bindNames } from '../../../src/evaluation/canary-hook.ts';
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
    ['CommonJS', 'test/a.test.js', CJS, "const { describe, it, beforeEach } = require('node:test');", 'describe(', 'beforeEach('],
    ['ESM, `suite` for describe', 'test/a.test.mjs', ESM, "import { suite, test, beforeEach } from 'node:test';", 'suite(', 'beforeEach('],
  ])('%s: the text registers it beside a copied test, with the names it calls imported; node runs it failing in its hook, in both channels', (_, file, text, imported, d, be) => {
    for (let n = 0; n < 4; n++) {
      const p = planOf(file, text);
      const hooks = p.tests.filter((t) => t.hook);
      expect(hooks).toHaveLength(1);
      const hook = hooks[0]!;
      expect(hook).toMatchObject({ file, must: 'FAILED' });
      expect(hook.original).toBeUndefined();
      const out = p.texts.get(file)!;
      expect(out.split('\n')[0]).toBe(imported);
      // its describe: a new suite inside the copied test's, its test registered under it
      const found = findTests(file, out)!;
      const inner = found.find((t) => [...t.suites, t.title].join(' > ') === tailOfTest(hook))!;
      expect(inner, out).toBeDefined();
      const parent = inner.suites.at(-1)!;
      expect(text).not.toContain(`'${parent}'`);
      expect(text).not.toContain(`'${hook.title}'`);
      // the hook: the copied test's body with one expected literal changed; the test: that body verbatim
      const block = out.slice(out.indexOf(`${d}'${parent}'`));
      const hookBody = block.slice(block.indexOf(be) + be.length, block.indexOf(`'${hook.title}'`));
      const testBody = out.slice(inner.titleEnd, inner.end);
      expect(hookBody.replace(/\s+/g, ' ')).not.toBe(testBody.replace(/\s+/g, ' ').replace(/^, /, ''));
      const flat = (code: string): string => code.replace(/\s+/g, ' ');
      const copied = found.find((t) => t !== inner && flat(out.slice(t.titleEnd, t.end)) === flat(testBody));
      expect(copied, `no test of the file has the body ${testBody}`).toBeDefined();
      expect(inner.literals).toHaveLength(1);
      // the plan's canaries come out as they must, the hook canary failed by its hook in both reports
      const { junit, tap, xml } = run(p, file, n + (file.endsWith('.mjs') ? 10 : 0));
      for (const r of [junit, tap]) {
        expect(r.get(tailOfTest(hook)), xml).toBe('FAILED');
        expect(checkCanaries({ ...p, namedIds: false }, unswapResults(p.swaps, r, false)).problem).toBeNull();
      }
      expect(xml).toMatch(new RegExp(`<testcase name="${hook.title}"[^>]*failure="failed running beforeEach hook"`));
      // a report turning hook failures into passes: tampered
      const flipped = unswapResults(p.swaps, junit, false);
      flipped.set(tailOfTest(hook), 'PASSED');
      expect(checkCanaries({ ...p, namedIds: false }, flipped).problem).toMatch(/the hook canary test .* came out passed/);
    }
  }, 60_000);

  it('binds names into the file\'s node:test import, or gives none where that would break the file', () => {
    expect(bindNames("const { it } = require('node:test');\n", ['describe', 'beforeEach'])?.text).toBe("const { it, describe, beforeEach } = require('node:test');\n");
    expect(bindNames("import {\n  it,\n} from 'node:test';\n", ['describe'])?.text).toBe("import {\n  it, describe\n} from 'node:test';\n");
    expect([...bindNames("const { describe: d, beforeEach } = require('node:test');\n", ['describe', 'beforeEach'])!.local]).toEqual([['describe', 'd'], ['beforeEach', 'beforeEach']]);
    // no named import, or the name taken by the file's own code
    expect(bindNames("import test from 'node:test';\n", ['describe'])).toBeNull();
    expect(bindNames("const { it } = require('node:test');\nconst beforeEach = 1;\n", ['beforeEach'])).toBeNull();
    // offsets after the import move by what was added
    const b = bindNames("const { it } = require('node:test');\nit('x');\n", ['describe'])!;
    expect(b.text.slice(b.at(37), b.at(37) + 3)).toBe('it(');
  });

  it('gives a file with no test outside the must-fail pairs no hook canary', () => {
    const one = "const assert = require('node:assert');\nconst { it } = require('node:test');\nit('adds', () => {\n  assert.equal(1 + 1, 2);\n});\n";
    expect(planOf('test/one.test.js', one).tests.filter((t) => t.hook)).toEqual([]);
  });
});
