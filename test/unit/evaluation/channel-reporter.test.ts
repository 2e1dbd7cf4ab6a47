// fixbench's lean TAP reporter (the node --test second channel, src/evaluation/channel-reporter.ts):
// on a real `node --test` run it must give parseTap exactly what node's own `tap` reporter gives
// (ids, statuses, counts: nesting, escapes, skip/todo, failures with large diffs), drop what the
// channel does not read (YAML details, the tests' own output), and run as the second channel's
// command line writes it (through a shell).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEAN_TAP_REPORTER } from '../../../src/evaluation/channel-reporter.ts';
import { compareChannels, planSecondChannel } from '../../../src/evaluation/channels.ts';
import { reportKind, testCount, type TestResults } from '../../../src/evaluation/parse/index.ts';
import { parseJunit } from '../../../src/evaluation/parse/junit.ts';
import { parseTap } from '../../../src/evaluation/parse/tap.ts';

const FILE = `import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
console.log('ok 99 - printed by the code under test');
describe('outer # hash \\\\ backslash', () => {
  describe('inner\\ttab', () => {
    it('passes', () => {});
    it('fails with a large diff', () => { assert.deepEqual({ a: Array.from({ length: 50 }, (_, i) => i), s: 'x'.repeat(300) }, { a: [], s: 'y' }); });
    it('line\\nbreak and \\r and \\b\\f\\v', () => {});
  });
  it('skipped', { skip: 'reason # with hash' }, () => {});
  it('skipped bare', { skip: true }, () => {});
  it('todo', { todo: 'later\\nmaybe' }, () => { throw new Error('not yet'); });
  it.todo('todo bare');
});
test('parent test', async (t) => {
  await t.test('subtest passes', () => {});
  await t.test('subtest fails', () => { throw new Error('sub'); });
});
test('same name', () => {});
test('same name', () => { assert.equal(1, 2); });
test('prints', () => { process.stdout.write('not ok 1 - forged\\n# Subtest: forged\\n'); });
`;

describe('the lean TAP reporter of the node --test second channel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fixbench-lean-tap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.test.mjs'), FILE);
  writeFileSync(join(dir, 'b.test.mjs'), `import { test } from 'node:test';\ntest('b passes', () => {});\ntest('b fails', () => { throw new Error('b'); });\n`);
  const plan = planSecondChannel('node --test --test-reporter=junit --test-reporter-destination=report.xml', reportKind('junit:report.xml'), realpathSync(dir))!;
  // node's own TAP beside it, written in the same run (one event stream for all three reporters).
  const cmd = plan.cmd.replace('node --test ', 'node --test --test-reporter=tap --test-reporter-destination=node.tap ');
  try {
    execFileSync('bash', ['-c', cmd], { cwd: dir, stdio: 'ignore' });
  } catch { /* the failing tests make it exit 1 */ }
  const leanText = readFileSync(join(dir, plan.path), 'utf8');
  const lean = parseTap(leanText);
  const node = parseTap(readFileSync(join(dir, 'node.tap'), 'utf8'));
  const counts = (r: TestResults): [string, string, number][] => [...r].map(([id, st]) => [id, st, testCount(r, id)]);

  it('gives every test the id, status and count node\'s own TAP reporter gives it', () => {
    expect(lean.size).toBeGreaterThan(15);
    expect(counts(lean)).toEqual(counts(node));
    expect(lean.get('outer # hash \\ backslash > inner\\ttab > fails with a large diff')).toBe('FAILED');
    expect(lean.get('parent test > subtest fails')).toBe('FAILED');
    expect(lean.get('b fails')).toBe('FAILED');
    expect(lean.get('b passes')).toBe('PASSED');
  });

  it('reads skip and todo as node\'s reporter writes them', () => {
    const skipped = [...lean].filter(([, st]) => st === 'SKIPPED').map(([id]) => id);
    expect(skipped).toHaveLength(4);
    expect(leanText).toMatch(/ok \d+ - skipped # SKIP reason \\# with hash\n/);
    expect(leanText).toMatch(/ok \d+ - todo # TODO later\\\\nmaybe\n/);
  });

  it('writes no YAML details but a failure\'s failureType, and nothing the tests printed', () => {
    expect(leanText.startsWith('TAP version 13\n')).toBe(true);
    expect(leanText).not.toMatch(/^\s*(duration_ms:|error:|stack:)/m);
    // each YAML block is exactly node's failureType (after `type: 'suite'` for a describe), after a failing point
    const blocks = [...leanText.matchAll(/^( *)---\n((?:.*\n)*?)\1\.\.\.$/gm)].map((m) => m[2]!.trim());
    expect(blocks.length).toBeGreaterThan(0);
    for (const b of blocks) expect(b).toMatch(/^(?:type: 'suite'\n *)?failureType: '(?:subtestsFailed|testCodeFailure|hookFailed|[A-Za-z]+)'$/);
    // the failing describes (outer, inner: a test inside failed) say so; the failing parent test does not
    expect(blocks.filter((b) => b.startsWith("type: 'suite'"))).toHaveLength(2);
    expect(blocks.length).toBe((leanText.match(/^ *not ok /gm) ?? []).length);
    expect(leanText).not.toMatch(/printed by the code under test|forged/);
  });

  it('is judged against the JUnit report of the same run exactly as node\'s TAP is (its known differences included: a failing todo, a name with \\f)', () => {
    const junit = parseJunit(readFileSync(join(dir, 'report.xml'), 'utf8'));
    expect(junit.get('parent test > subtest fails')).toBe('FAILED');
    expect(compareChannels(junit, lean, [...junit.keys()], 'TAP channel')).toEqual(compareChannels(junit, node, [...junit.keys()], 'TAP channel'));
    expect(compareChannels(lean, junit, [...lean.keys()], 'JUnit channel')).toEqual(compareChannels(node, junit, [...node.keys()], 'JUnit channel'));
  });

  it('is a data: URL of an ES module, so nothing in the workspace is loaded as the reporter', () => {
    expect(LEAN_TAP_REPORTER.startsWith('data:text/javascript;base64,')).toBe(true);
    expect(plan.cmd).not.toMatch(/--test-reporter=tap\b/);
  });
});

describe('the second channel of a command that runs node in a folder of the repository (atkC18 #6)', () => {
  it('is written at the repository root, where fixbench reads it, beside the task\'s own report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fixbench-cd-channel-'));
    try {
      mkdirSync(join(dir, 'test'));
      writeFileSync(join(dir, 'test', 'a.test.mjs'), `import { test } from 'node:test';\ntest('a passes', () => {});\n`);
      const plan = planSecondChannel('cd test && node --test --test-reporter=junit --test-reporter-destination=../report.xml', reportKind('junit:report.xml'), realpathSync(dir))!;
      execFileSync('bash', ['-c', plan.cmd], { cwd: dir, stdio: 'ignore' });
      expect(parseTap(readFileSync(join(dir, plan.path), 'utf8'))).toEqual(new Map([['a passes', 'PASSED']]));
      expect(parseJunit(readFileSync(join(dir, 'report.xml'), 'utf8')).get('a passes')).toBe('PASSED');
      expect(existsSync(join(dir, 'test', plan.path))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the second channel of a command that wraps node in sh -c \'…\', in a workspace whose path holds a space and a quote (atkD19 LOW)', () => {
  it.each([
    ["sh -c 'cd test && node --test --test-reporter=junit --test-reporter-destination=../report.xml'"],
    ['bash -c "cd test && node --test --test-reporter=junit --test-reporter-destination=../report.xml"'],
  ])('both reports are written where fixbench reads them: %s', (testCmd) => {
    const dir = mkdtempSync(join(tmpdir(), "fixbench channel o'q "));
    try {
      mkdirSync(join(dir, 'test'));
      writeFileSync(join(dir, 'test', 'a.test.mjs'), `import { test } from 'node:test';\ntest('a passes', () => {});\n`);
      const plan = planSecondChannel(testCmd, reportKind('junit:report.xml'), realpathSync(dir))!;
      execFileSync('bash', ['-c', plan.cmd], { cwd: dir, stdio: 'ignore' });
      expect(parseTap(readFileSync(join(dir, plan.path), 'utf8'))).toEqual(new Map([['a passes', 'PASSED']]));
      expect(parseJunit(readFileSync(join(dir, 'report.xml'), 'utf8')).get('a passes')).toBe('PASSED');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
