// Runner adapters on report text: detection, the command each adds its report to, and ids.
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/core/errors.ts';
import { adapterOf, aliasFileNames, aliasFullNames, appendRunnerArgs, detectRunner, parseRunnerReport } from '../../../src/evaluation/runners/index.ts';
import { ReportParseError } from '../../../src/evaluation/parse/types.ts';

const ctx = (major: number | null) => ({ reportPath: '.fixbench-r', helperStem: '.fixbench-h', major });
const plan = (name: Parameters<typeof adapterOf>[0], cmd: string, major: number | null = 10, npm = false) => adapterOf(name).plan(cmd, ctx(major), appendRunnerArgs(npm));
const ids = (name: Parameters<typeof adapterOf>[0], text: string) => Object.fromEntries(parseRunnerReport(adapterOf(name), text, { roots: ['/ws'] }).results);

describe('detectRunner', () => {
  it('finds the runner in the plain command and through a package script', () => {
    expect(detectRunner('npx vitest run src/', null)?.adapter.name).toBe('vitest');
    expect(detectRunner('./node_modules/.bin/_mocha test/', null)?.adapter.name).toBe('mocha');
    expect(detectRunner('npx tape test/*.js', null)?.adapter.name).toBe('tape');
    expect(detectRunner('node --test', null)?.adapter.name).toBe('node-test');
    expect(detectRunner('npx uvu test', null)?.adapter.name).toBe('uvu');
    expect(detectRunner('npx tap --no-coverage test/', null)?.adapter.name).toBe('node-tap');
    expect(detectRunner('npm run build && CI=1 npx jest', null)?.adapter.name).toBe('jest');
    const viaScript = detectRunner('npm test', { scripts: { test: 'tape test/*.js' } });
    expect(viaScript).toMatchObject({ viaNpm: true, script: 'test' });
    expect(viaScript?.adapter.name).toBe('tape');
    expect(detectRunner('make test', null)).toBeNull();
  });
  it('refuses a runner that is not the last command', () => {
    expect(() => detectRunner('npx tape test/*.js | npx tap-spec', null)).toThrow(/tape is not its last command/);
  });
});

describe('plan: the plain command gets the report', () => {
  it('mocha from 9 writes a file; before 9 prints on stdout; an unknown version fails before running', () => {
    expect(plan('mocha', '_mocha test/', 10)).toEqual({ cmd: '_mocha test/ --reporter json --reporter-option output=.fixbench-r', from: 'file' });
    expect(plan('mocha', '_mocha test/', 1)).toEqual({ cmd: '_mocha test/ --reporter json', from: 'stdout' });
    expect(() => plan('mocha', '_mocha test/', null)).toThrow(UserInputError);
    expect(() => plan('mocha', '_mocha -R spec test/')).toThrow(/its own --reporter/);
    expect(() => plan('mocha', 'mocha tests/run.js --reporter json --reporter-option output=x.json')).toThrow(/reporter/);
  });
  it("mocha: SWE-bench's own '--reporter json' is the report fixbench reads: dropped, then added with its output", () => {
    expect(plan('mocha', './node_modules/.bin/mocha tests/run.js --reporter json --language sql', 10)).toEqual({
      cmd: './node_modules/.bin/mocha tests/run.js --language sql --reporter json --reporter-option output=.fixbench-r',
      from: 'file',
    });
    expect(plan('mocha', 'mocha tests/run.js --reporter=json', 6)).toEqual({ cmd: 'mocha tests/run.js --reporter json', from: 'stdout' });
  });
  it('npm scripts get the flags after --; node --test gets its reporter right after --test', () => {
    expect(plan('jest', 'npm test', null, true).cmd).toBe('npm test -- --json --outputFile=.fixbench-r');
    expect(plan('vitest', 'npx vitest src/').cmd).toBe('npx vitest src/ --run --reporter=json --outputFile=.fixbench-r');
    const node = plan('node-test', 'node --test test/');
    expect(node.cmd).toBe('node --test --test-reporter=./.fixbench-h.mjs --test-reporter-destination=.fixbench-r --test-reporter=spec --test-reporter-destination=stdout test/');
    expect(node.helper?.path).toBe('.fixbench-h.mjs');
    expect(plan('tape', 'npx tape test/*.js').cmd).toBe('npx tape test/*.js -r ./.fixbench-h.cjs');
  });
});

describe('parse', () => {
  it('tape: tests are the test() groups, failed when an assertion fails; assertion messages are never ids; duplicates are numbered', () => {
    const rows = [
      { type: 'test', id: 0, parent: null, file: '/ws/test/a.js', name: 'adds', skip: false, todo: false },
      { type: 'assert', test: 0, ok: true, skip: false, todo: false },
      { type: 'end', test: 0 },
      { type: 'test', id: 1, parent: null, file: '/ws/test/a.js', name: 'adds', skip: false, todo: false },
      { type: 'assert', test: 1, ok: true, skip: false, todo: false },
      { type: 'assert', test: 1, ok: false, skip: false, todo: false },
      { type: 'end', test: 1 },
      { type: 'test', id: 2, parent: 1, file: '/ws/test/a.js', name: 'tab\there', skip: false, todo: false },
      { type: 'test', id: 3, parent: null, file: '/ws/test/b.js', name: 'dies', skip: false, todo: false },
    ];
    expect(ids('tape', rows.map((r) => JSON.stringify(r)).join('\n'))).toEqual({
      'test/a.js > adds': 'PASSED',
      'test/a.js > adds #2': 'FAILED',
      'test/a.js > adds > tab\\there': 'FAILED', // never ended
      'test/b.js > dies': 'FAILED',
    });
    expect(() => ids('tape', 'ok 1 should be equal')).toThrow(ReportParseError);
  });
  it('node:test: parent tests are tests, describe blocks are not', () => {
    const rows = [
      { ok: true, file: '/ws/t.js', nesting: 2, name: 'x', suite: false, skip: false, todo: false },
      { ok: true, file: '/ws/t.js', nesting: 1, name: 'inner', suite: true, skip: false, todo: false },
      { ok: true, file: '/ws/t.js', nesting: 0, name: 'outer', suite: true, skip: false, todo: false },
      { ok: false, file: '/ws/t.js', nesting: 1, name: 'child', suite: false, skip: false, todo: false },
      { ok: false, file: '/ws/t.js', nesting: 0, name: 'parent', suite: false, skip: false, todo: false },
    ];
    expect(ids('node-test', rows.map((r) => JSON.stringify(r)).join('\n'))).toEqual({
      't.js > outer > inner > x': 'PASSED',
      't.js > parent': 'FAILED',
      't.js > parent > child': 'FAILED',
    });
  });
  it('mocha on stdout: the JSON after what the tests printed; duplicates keep their own status', () => {
    const t = (title: string, err: object = {}) => ({ title, fullTitle: `math ${title}`, duration: 1, err });
    const json = JSON.stringify({ stats: {}, tests: [t('works'), t('works', { message: 'x' })], passes: [t('works')], failures: [t('works', { message: 'x' })] }, null, 2);
    expect(ids('mocha', `console noise {"a":1}\n${json}\n`)).toEqual({ 'math > works': 'PASSED', 'math > works #2': 'FAILED' });
  });
  it("mocha: each test also answers under its fullTitle, SWE-bench's name (a failing twin fails the name)", () => {
    const t = (title: string, err: object = {}) => ({ title, fullTitle: `Testing language 'sql' ${title}`, duration: 1, err });
    const json = JSON.stringify({ stats: {}, tests: [t('– ok'), t('– bad', { message: 'x' })], passes: [t('– ok')], failures: [t('– bad', { message: 'x' })] }, null, 2);
    const { results, fullNames } = parseRunnerReport(adapterOf('mocha'), json, { roots: ['/ws'] });
    const named = aliasFullNames(results, ["Testing language 'sql' – ok", "Testing language 'sql' – bad ", 'Testing language sql – ok'], fullNames);
    expect(named.get("Testing language 'sql' – ok")).toBe('PASSED');
    expect(named.get("Testing language 'sql' – bad ")).toBe('FAILED'); // SWE-bench's trailing blank matches
    expect(named.has('Testing language sql – ok')).toBe(false);
  });
  it('uvu: suites from the mark lines, failed tests from the FAIL blocks; counts must add up', () => {
    const out = 'a.js\n math  • ✘   (1 / 2)\n\n   FAIL  math  "adds"\n    Expected\n\n•   (1 / 1)\n\n  Total:     3\n  Passed:    2\n';
    expect(ids('uvu', out)).toEqual({ 'a.js > math': 'FAILED', 'a.js > math > adds': 'FAILED', 'a.js > (default suite)': 'PASSED' });
    expect(() => ids('uvu', out.replace('Total:     3', 'Total:     4'))).toThrow(/Total line says 4/);
  });
  it('ava and node-tap read TAP: ava splits the file off; node-tap keeps subtests, not assertions', () => {
    expect(ids('ava', 'TAP version 13\nok 1 - math › adds\nnot ok 2 - math › subtracts\n1..2\n')).toEqual({ 'math > adds': 'PASSED', 'math > subtracts': 'FAILED' });
    const tap = 'TAP version 13\n# Subtest: test/a.js\n    # Subtest: mul\n        ok 1 - should be equal\n        1..1\n    ok 1 - mul\n    1..1\nok 1 - test/a.js\n1..1\n';
    expect(ids('node-tap', tap)).toEqual({ 'test/a.js > mul': 'PASSED' });
  });
});

describe('aliasFileNames', () => {
  it('a listed test file answers with its tests: FAILED when any failed, else PASSED when any passed, else SKIPPED; ids and unknown names untouched', () => {
    const results = new Map([
      ['tests/a.test.js > suite > one', 'PASSED'],
      ['tests/a.test.js > suite > two', 'SKIPPED'],
      ['tests/b.test.js > three', 'PASSED'],
      ['tests/b.test.js > four', 'FAILED'],
      ['tests/c.test.js > five', 'SKIPPED'],
      ['tests/d.test.js', 'ERROR'],
    ] as const);
    const out = aliasFileNames(new Map(results), ['tests/a.test.js', 'tests/b.test.js', 'tests/c.test.js', 'tests/d.test.js', 'tests/none.test.js', 'tests/b.test.js > three']);
    expect(Object.fromEntries(out)).toEqual({
      ...Object.fromEntries(results),
      'tests/a.test.js': 'PASSED',
      'tests/b.test.js': 'FAILED',
      'tests/c.test.js': 'SKIPPED',
    });
  });
});
