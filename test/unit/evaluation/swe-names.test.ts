// SWE-bench names of another form than the runner's own: `<suite>.<title>` as highlight.js's log
// parser (`parse_log_highlightjs`) reads mocha's spec reporter, chosen from the task's
// `swe_bench.log_parser`, and answered from mocha's JSON report.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareRunner, readRunnerResults } from '../../../src/evaluation/runner-run.ts';
import { adapterOf, aliasFullNames, parseRunnerReport } from '../../../src/evaluation/runners/index.ts';
import { suiteDotNames, sweNameForm } from '../../../src/evaluation/runners/swe-names.ts';

// A mocha JSON report (original fixture): a grammar suite nested in a render suite, a combined
// count that fails, and a test outside any describe.
type T = { title: string; fullTitle: string; file: string; err: object };
const test = (fullTitle: string, title: string, err: object = {}): T => ({ title, fullTitle, file: '/ws/test/index.js', err });
const report = (tests: T[]) =>
  JSON.stringify({ stats: {}, tests, passes: tests.filter((t) => !Object.keys(t.err).length), failures: tests.filter((t) => Object.keys(t.err).length), pending: [] }, null, 2);
const TESTS = [
  test('render() output toml should markup tables', 'should markup tables'),
  test('render() output toml should markup inline arrays', 'should markup inline arrays', { message: 'expected <span>' }),
  test('ALL: every grammar counts 12 rules', 'counts 12 rules', { message: 'got 13' }),
  test('loads the build', 'loads the build'),
];
const LISTED = ['toml.should markup tables', 'toml.should markup inline arrays', 'ALL: every grammar.counts 12 rules', 'loads the build', 'render() output toml should markup tables'];

describe('sweNameForm', () => {
  it("suite-dot only for SWE-bench ids whose log parser writes them; every other task keeps the runner's full name", () => {
    expect(sweNameForm({ ids: 'swe-bench', swe_bench: { log_parser: 'parse_log_highlightjs' } })).toBe('suite-dot');
    expect(sweNameForm({ ids: 'swe-bench', swe_bench: { log_parser: 'parse_log_prismjs' } })).toBe('full');
    expect(sweNameForm({ ids: 'swe-bench' })).toBe('full');
    expect(sweNameForm({ swe_bench: { log_parser: 'parse_log_highlightjs' } })).toBe('full');
  });
});

describe('suiteDotNames', () => {
  it('every suffix of the joined describe titles that starts a word, shortest first; the title alone outside any describe', () => {
    expect(suiteDotNames('render() output toml', 'should markup tables')).toEqual(['toml.should markup tables', 'output toml.should markup tables', 'render() output toml.should markup tables']);
    expect(suiteDotNames('ALL: every grammar', 'counts 12 rules')).toContain('ALL: every grammar.counts 12 rules');
    expect(suiteDotNames('', 'loads the build')).toEqual(['loads the build']);
    expect(suiteDotNames(' lone', 't')).toEqual(['lone.t', ' lone.t']);
  });
});

describe('mocha under suite-dot names', () => {
  it('a listed <suite>.<title> answers with that test; fullTitle does not (and the reverse under full)', () => {
    const dot = parseRunnerReport(adapterOf('mocha'), report(TESTS), { roots: ['/ws'], nameForm: 'suite-dot' });
    const named = aliasFullNames(dot.results, LISTED, dot.fullNames);
    expect(named.get('toml.should markup tables')).toBe('PASSED');
    expect(named.get('toml.should markup inline arrays')).toBe('FAILED');
    expect(named.get('ALL: every grammar.counts 12 rules')).toBe('FAILED');
    expect(named.get('loads the build')).toBe('PASSED');
    expect(named.has('render() output toml should markup tables')).toBe(false);
    // The ids themselves stay fixbench's own.
    expect(dot.results.get('test/index.js > render() output toml > should markup tables')).toBe('PASSED');

    const full = parseRunnerReport(adapterOf('mocha'), report(TESTS), { roots: ['/ws'] });
    const byFull = aliasFullNames(full.results, LISTED, full.fullNames);
    expect(byFull.get('render() output toml should markup tables')).toBe('PASSED');
    expect(byFull.has('toml.should markup tables')).toBe(false);
  });
  it('two tests that may both carry a listed name fold into it: one failing fails the name', () => {
    const twins = [test('render() toml should markup tables', 'should markup tables'), test('toml should markup tables', 'should markup tables', { message: 'x' })];
    const { results, fullNames } = parseRunnerReport(adapterOf('mocha'), report(twins), { nameForm: 'suite-dot' });
    expect(aliasFullNames(results, ['toml.should markup tables'], fullNames).get('toml.should markup tables')).toBe('FAILED');
  });
});

describe('the task picks the form (prepareRunner → readRunnerResults)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-swe-names-'));
    await mkdir(path.join(dir, 'node_modules', 'mocha'), { recursive: true });
    await writeFile(path.join(dir, 'node_modules', 'mocha', 'package.json'), '{"version":"10.2.0"}');
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'mocha test' } }));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  it("a task imported with SWE-bench's highlight.js parser reads suite-dot names; without it, full names", async () => {
    const task = { test_cmd: 'npm run build ; npm run test', ids: 'swe-bench' as const, swe_bench: { log_parser: 'parse_log_highlightjs' } };
    for (const [t, form, name] of [[task, 'suite-dot', 'toml.should markup tables'], [{ test_cmd: task.test_cmd }, 'full', 'render() output toml should markup tables']] as const) {
      const r = await prepareRunner(dir, t, 'auto');
      expect(r.nameForm).toBe(form);
      await writeFile(path.join(dir, r.reportPath), report(TESTS.map((x) => ({ ...x, file: `${dir}/test/index.js` }))));
      const out = await readRunnerResults(dir, r, '', '1', [dir], 10_000);
      expect(aliasFullNames(out.results, [name], out.fullNames).get(name)).toBe('PASSED');
    }
  });
});
