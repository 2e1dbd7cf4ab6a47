// jasmine and karma adapters on report text: detection, the planned command and helper, ids,
// SWE-bench's full names (trailing blanks matched), runs that did not end whole, and when karma
// runs get canaries.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/core/errors.ts';
import { guardRun } from '../../../src/evaluation/integrity.ts';
import { reportKind } from '../../../src/evaluation/parse/index.ts';
import { ReportParseError } from '../../../src/evaluation/parse/types.ts';
import { adapterOf, aliasFullNames, appendRunnerArgs, detectRunner, parseRunnerReport } from '../../../src/evaluation/runners/index.ts';

const ctx = { reportPath: '.fixbench-r-report', helperStem: '.fixbench-r-helper', major: 5 };
const report = (runner: 'jasmine' | 'karma', specs: object[], extra: object = {}) => JSON.stringify({ runner, done: true, specs, errors: [], ...extra });
const spec = (suites: string[], title: string, status: string, file?: string) => ({ ...(file ? { file } : {}), suites, title, full: [...suites, title].join(' '), status });

describe('detect and plan', () => {
  it('finds jasmine and karma in the plain command and through a package script; karma-jasmine is not jasmine', () => {
    expect(detectRunner('./node_modules/.bin/jasmine --no-color --config=jasmine.json', null)?.adapter.name).toBe('jasmine');
    expect(detectRunner('npm test', { scripts: { test: 'jasmine --config=jasmine.json' } })).toMatchObject({ viaNpm: true, script: 'test' });
    expect(detectRunner('npx karma start karma.conf.js --single-run', null)?.adapter.name).toBe('karma');
    expect(detectRunner('cross-env NODE_ENV=test ./node_modules/.bin/karma start', null)?.adapter.name).toBe('karma');
    expect(detectRunner('npm i karma-jasmine', null)).toBeNull();
  });

  it('jasmine gets an absolute --require (after -- through npm; --helper on jasmine 2) that adds a reporter writing the report file', () => {
    const p = adapterOf('jasmine').plan('npm test', ctx, appendRunnerArgs(true));
    expect(p.cmd).toBe('npm test -- --require="$PWD/.fixbench-r-helper.cjs"');
    // jasmine 4.0–4.3 crash on --helper (their CLI calls a method they lack); an unread version gets --require too.
    expect(adapterOf('jasmine').plan('jasmine', { ...ctx, major: 4 }, appendRunnerArgs(false)).cmd).toBe('jasmine --require="$PWD/.fixbench-r-helper.cjs"');
    expect(adapterOf('jasmine').plan('jasmine', { ...ctx, major: null }, appendRunnerArgs(false)).cmd).toBe('jasmine --require="$PWD/.fixbench-r-helper.cjs"');
    // jasmine 2 has no --require.
    expect(adapterOf('jasmine').plan('jasmine', { ...ctx, major: 2 }, appendRunnerArgs(false)).cmd).toBe('jasmine --helper="$PWD/.fixbench-r-helper.cjs"');
    expect(p.from).toBe('file');
    expect(p.helper?.path).toBe('.fixbench-r-helper.cjs');
    expect(p.helper?.text).toContain('jasmine.getEnv().addReporter');
    expect(p.helper?.text).toContain('".fixbench-r-report"');
    expect(() => adapterOf('jasmine').plan('jasmine --parallel=2', ctx, appendRunnerArgs(false))).toThrow(UserInputError);
    expect(() => adapterOf('jasmine').plan('jasmine', { ...ctx, major: 1 }, appendRunnerArgs(false))).toThrow(/jasmine 1 is not supported/);
  });

  it('karma start gets fixbench\'s configuration in place of the task\'s, which it loads; bad commands are refused before any test runs', () => {
    const k = adapterOf('karma');
    const p = k.plan('npm run build && ./node_modules/.bin/karma start ./karma.conf.js --single-run --grep', ctx, appendRunnerArgs(false));
    expect(p.cmd).toBe('npm run build && ./node_modules/.bin/karma start ./.fixbench-r-helper.cjs --single-run --grep');
    expect(p.helper?.text).toContain('const named = "./karma.conf.js"');
    expect(p.helper?.text).toContain("'reporter:fixbench'");
    const bare = k.plan('karma start --single-run', ctx, appendRunnerArgs(false));
    expect(bare.cmd).toBe('karma start ./.fixbench-r-helper.cjs --single-run');
    expect(bare.helper?.text).toContain('const named = null');
    expect(() => k.plan('karma start --reporters dots', ctx, appendRunnerArgs(false))).toThrow(/--reporters/);
    expect(() => k.plan('xvfb-run su u -c "karma start ./karma.conf.js --single-run"', ctx, appendRunnerArgs(false))).toThrow(/inside quotes/);
    expect(() => k.plan('karma start karma.conf.ts', ctx, appendRunnerArgs(false))).toThrow(/not a CommonJS module/);
    expect(() => k.plan('npm test', ctx, appendRunnerArgs(true))).toThrow(/names no "karma start"/);
  });
});

describe('the karma configuration module', () => {
  it('runs once with autoWatch off before the task\'s configuration runs (Chart.js: failFast: !!karma.autoWatch), then adds the reporter', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-karma-conf-'));
    try {
      await writeFile(path.join(dir, 'karma.conf.js'), "module.exports = async function (karma) {\n  karma.set({ reporters: ['spec'], client: { jasmine: { failFast: !!karma.autoWatch } }, seenSingleRun: karma.singleRun });\n};\n");
      const p = adapterOf('karma').plan('karma start ./karma.conf.js', ctx, appendRunnerArgs(false));
      await writeFile(path.join(dir, p.helper!.path), p.helper!.text);
      // karma's defaults: autoWatch true, singleRun false.
      const config: Record<string, unknown> & { set(o: object): void } = { autoWatch: true, singleRun: false, set(o: object) { Object.assign(this, o); } };
      const mod = (await import(path.join(dir, p.helper!.path))) as { default: (c: typeof config) => Promise<void> | void };
      await mod.default(config);
      expect(config).toMatchObject({ client: { jasmine: { failFast: false } }, seenSingleRun: true, singleRun: true, autoWatch: false, reporters: ['spec', 'fixbench'], basePath: dir });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parse', () => {
  it('jasmine: file > suites > title, statuses mapped, a suite\'s afterAll failure is one FAILED entry, full names indexed', () => {
    const text = report('jasmine', [
      spec(['Marked', 'Table cells'], 'should pass example 9', 'passed', '/ws/test/specs/a-spec.js'),
      spec(['Marked', 'Table cells'], 'renders the cell ', 'failed', '/ws/test/specs/a-spec.js'),
      spec(['Marked'], 'is pending', 'pending', '/ws/test/specs/a-spec.js'),
      spec(['Marked'], 'is excluded', 'excluded', '/ws/test/specs/a-spec.js'),
      { ...spec([], 'Marked', 'failed', '/ws/test/specs/a-spec.js'), suite: true },
    ]);
    const r = parseRunnerReport(adapterOf('jasmine'), text, { roots: ['/ws'] });
    expect(Object.fromEntries(r.results)).toEqual({
      'test/specs/a-spec.js > Marked > Table cells > should pass example 9': 'PASSED',
      'test/specs/a-spec.js > Marked > Table cells > renders the cell': 'FAILED',
      'test/specs/a-spec.js > Marked > is pending': 'SKIPPED',
      'test/specs/a-spec.js > Marked > is excluded': 'SKIPPED',
      'test/specs/a-spec.js > Marked': 'FAILED',
    });
    expect(r.fullNames.get('Marked Table cells renders the cell')).toEqual(['test/specs/a-spec.js > Marked > Table cells > renders the cell']);
  });

  it('karma: no file part; SWE-bench names (a trailing blank from "<name> FAILED") answer with the worst of their specs', () => {
    const text = report('karma', [
      { ...spec(['Chart.controllers.bar', 'auto'], '/base/test/fixtures/a.js', 'passed'), browser: 'Chrome Headless 156' },
      { ...spec(['Chart.controllers.bar', 'auto'], '/base/test/fixtures/b.js', 'failed'), browser: 'Chrome Headless 156' },
      { ...spec(['Chart.controllers.bar', 'auto'], '/base/test/fixtures/b.js', 'passed'), browser: 'Chrome Headless 156' },
    ]);
    const r = parseRunnerReport(adapterOf('karma'), text);
    expect([...r.results.keys()]).toEqual(['Chart.controllers.bar > auto > /base/test/fixtures/a.js', 'Chart.controllers.bar > auto > /base/test/fixtures/b.js', 'Chart.controllers.bar > auto > /base/test/fixtures/b.js #2']);
    const listed = ['Chart.controllers.bar auto /base/test/fixtures/a.js ', 'Chart.controllers.bar auto /base/test/fixtures/b.js ', 'Chart.controllers.bar auto /base/test/fixtures/c.js '];
    const aliased = aliasFullNames(r.results, listed, r.fullNames);
    expect(aliased.get(listed[0]!)).toBe('PASSED');
    expect(aliased.get(listed[1]!)).toBe('FAILED');
    expect(aliased.has(listed[2]!)).toBe(false); // never reported: missing, as for any id
    expect(r.results.has(listed[0]!)).toBe(false); // the parsed results themselves are not changed
  });

  it('a run that did not end, or errors outside any spec, is no verdict; a bad status or shape is refused', () => {
    const j = adapterOf('jasmine');
    expect(() => parseRunnerReport(j, report('jasmine', [], { done: false }))).toThrow(/did not finish/);
    expect(() => parseRunnerReport(j, report('jasmine', [spec(['a'], 'b', 'passed')], { errors: ['Error during loading: Cannot find module x in spec/b.js'] }))).toThrow(/1 error\(s\) outside any spec.*Error during loading/);
    expect(() => parseRunnerReport(adapterOf('karma'), report('karma', [], { errors: ['Chrome: Uncaught ReferenceError'] }))).toThrow(ReportParseError);
    expect(() => parseRunnerReport(j, report('jasmine', [spec(['a'], 'b', 'weird')]))).toThrow(/unknown status "weird"/);
    expect(() => parseRunnerReport(j, 'Randomized with seed 1')).toThrow(ReportParseError);
  });
});

describe('canaries under karma', () => {
  it('are written where karma runs jasmine or mocha (karma-jasmine or karma-mocha in package.json at base_commit, whatever the patch made of it, or installed); otherwise the run is unprotected, saying why', async () => {
    const spec = "describe('Widgets', function () {\n  it('pads', function () { expect(window.widgets.pad('7', 3)).toBe('  7'); });\n});\n";
    const testPatch = `diff --git a/test/pad.spec.js b/test/pad.spec.js\nnew file mode 100644\n--- /dev/null\n+++ b/test/pad.spec.js\n@@ -0,0 +1,3 @@\n${spec.trimEnd().split('\n').map((l) => `+${l}`).join('\n')}\n`;
    const task = { instance_id: 'w-1', test_cmd: 'npx karma start --single-run', test_report: 'karma', test_patch: testPatch, FAIL_TO_PASS: ['Widgets pads'], PASS_TO_PASS: [] } as unknown as Parameters<typeof guardRun>[1];
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-karma-guard-'));
    try {
      await mkdir(path.join(dir, 'test'));
      await writeFile(path.join(dir, 'test', 'pad.spec.js'), spec);
      const nonePkg = JSON.stringify({ devDependencies: { karma: '6.4.4', 'karma-qunit': '4.2.0' } });
      const mochaPkg = JSON.stringify({ devDependencies: { karma: '6.4.4', 'karma-mocha': '2.0.1' } });
      const jasminePkg = JSON.stringify({ devDependencies: { karma: '6.4.4', 'karma-jasmine': '5.1.0' } });
      await writeFile(path.join(dir, 'package.json'), nonePkg);
      const none = await guardRun(dir, task, reportKind('karma'), true, nonePkg);
      expect(none.unprotected).toMatch(/karma without karma-jasmine or karma-mocha/);
      expect(await readFile(path.join(dir, 'test', 'pad.spec.js'), 'utf8')).toBe(spec); // nothing appended
      // The patched package.json (the workspace's, karma-jasmine added) decides nothing: base_commit's does.
      await writeFile(path.join(dir, 'package.json'), jasminePkg);
      expect((await guardRun(dir, task, reportKind('karma'), true, nonePkg)).unprotected).toMatch(/karma without karma-jasmine or karma-mocha/);
      // A patch that drops karma-jasmine (or karma-mocha) from package.json does not switch the canaries off.
      await writeFile(path.join(dir, 'package.json'), nonePkg);
      const jasmine = await guardRun(dir, task, reportKind('karma'), true, jasminePkg);
      expect(jasmine.unprotected).toBeNull();
      expect(jasmine.plan?.runner).toBe('karma');
      expect(jasmine.plan?.tests.length).toBeGreaterThanOrEqual(1);
      expect((await readFile(path.join(dir, 'test', 'pad.spec.js'), 'utf8')).length).toBeGreaterThan(spec.length);
      await writeFile(path.join(dir, 'test', 'pad.spec.js'), spec);
      const mocha = await guardRun(dir, task, reportKind('karma'), true, mochaPkg);
      expect(mocha.unprotected).toBeNull();
      expect(mocha.plan?.runner).toBe('karma-mocha');
      expect((await readFile(path.join(dir, 'test', 'pad.spec.js'), 'utf8')).length).toBeGreaterThan(spec.length);
      // Installed karma-jasmine or karma-mocha counts too; with karma-mocha there, mocha's form.
      await writeFile(path.join(dir, 'test', 'pad.spec.js'), spec);
      await mkdir(path.join(dir, 'node_modules', 'karma-jasmine'), { recursive: true });
      await writeFile(path.join(dir, 'node_modules', 'karma-jasmine', 'package.json'), '{"name":"karma-jasmine","version":"5.1.0"}');
      expect((await guardRun(dir, task, reportKind('karma'), true, nonePkg)).plan?.runner).toBe('karma');
      await writeFile(path.join(dir, 'test', 'pad.spec.js'), spec);
      await mkdir(path.join(dir, 'node_modules', 'karma-mocha'), { recursive: true });
      await writeFile(path.join(dir, 'node_modules', 'karma-mocha', 'package.json'), '{"name":"karma-mocha","version":"2.0.1"}');
      expect((await guardRun(dir, task, reportKind('karma'), true, nonePkg)).plan?.runner).toBe('karma-mocha');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
