// The modules fixbench writes into the workspace for jasmine and karma runs (docs/runner-adapters.md):
// a jasmine module that adds a reporter (`--require=`, `--helper=` on jasmine 2), and a karma configuration that loads the
// task's own configuration and adds a reporter plugin. Both write one JSON report,
// `JasmineReport` (jasmine.ts), at the repository root. They run inside the sandbox with the
// tests; the host only reads the report they leave (readReportFile: no link, size cap).

/** Text of the jasmine helper module (CommonJS, `.cjs`: loaded by `require` or `import()` alike, jasmine 2 to 5). */
export function jasmineHelperText(reportPath: string): string {
  return `'use strict';
// fixbench: records every spec of this jasmine run into ${reportPath} (read by fixbench after the run).
const fs = require('fs');
const path = require('path');
const out = path.join(__dirname, ${JSON.stringify(reportPath)});
const str = (v) => (typeof v === 'string' ? v : '');
const report = { runner: 'jasmine', done: false, specs: [], errors: [] };
const stack = [];
const save = () => { try { fs.writeFileSync(out, JSON.stringify(report)); } catch (e) { process.stderr.write('fixbench reporter: ' + e.message + '\\n'); } };
jasmine.getEnv().addReporter({
  suiteStarted(r) { stack.push(str(r.description)); },
  suiteDone(r) {
    stack.pop();
    const failed = (r.failedExpectations || []).length > 0;
    if (failed) report.specs.push({ file: str(r.filename), suites: stack.slice(), title: str(r.description), full: str(r.fullName), status: 'failed', suite: true });
  },
  specDone(r) { report.specs.push({ file: str(r.filename), suites: stack.slice(), title: str(r.description), full: str(r.fullName), status: str(r.status) }); },
  jasmineDone(r) {
    for (const f of (r && r.failedExpectations) || []) report.errors.push(str(f.message) || 'an error outside any spec');
    if (r && r.overallStatus === 'incomplete') report.errors.push('incomplete run: ' + (str(r.incompleteReason) || 'no reason given'));
    report.done = true;
    save();
  },
});
`;
}

/**
 * Text of the karma configuration module (CommonJS, `.cjs`). It loads `config` (the task's karma
 * configuration, repository-relative; null: the first of karma's default names that exists),
 * applies it, keeps its base path, adds the `fixbench` reporter and makes the run single (karma exits after it;
 * `singleRun` and `autoWatch: false` are set before the task's configuration runs, so it sees them, as with
 * `--single-run --auto-watch false`). The task's reporters and
 * browsers are left as they are (`browser: chromium` in task.yaml gives CHROME_BIN).
 */
export function karmaHelperText(reportPath: string, config: string | null): string {
  return `'use strict';
// fixbench: the task's karma configuration plus a reporter recording every spec into ${reportPath}.
const fs = require('fs');
const path = require('path');
const out = path.join(__dirname, ${JSON.stringify(reportPath)});
const named = ${JSON.stringify(config)};
const candidates = named ? [named] : ['karma.conf.js', 'karma.conf.cjs', '.config/karma.conf.js'];
const configFile = candidates.map((c) => path.resolve(__dirname, c)).find((c) => fs.existsSync(c));
if (!configFile) throw new Error('fixbench: no karma configuration found (looked for ' + candidates.join(', ') + '); name it in test_cmd: karma start <config>');
const base = require(configFile);
const str = (v) => (typeof v === 'string' ? v : '');

function FixbenchReporter() {
  const report = { runner: 'karma', done: false, specs: [], errors: [] };
  const save = () => { try { fs.writeFileSync(out, JSON.stringify(report)); } catch (e) { process.stderr.write('fixbench reporter: ' + e.message + '\\n'); } };
  this.adapters = [];
  this.onSpecComplete = (browser, r) => {
    const suites = Array.isArray(r.suite) ? r.suite.map(String) : [];
    const title = str(r.description);
    const status = r.skipped || r.pending || r.disabled ? 'pending' : r.success ? 'passed' : 'failed';
    report.specs.push({ suites, title, full: suites.concat([title]).join(' '), status, browser: str(browser && browser.name) });
  };
  this.onBrowserError = (browser, error) => { report.errors.push(str(browser && browser.name) + ': ' + (typeof error === 'string' ? error : str(error && error.message) || 'an error outside any spec')); };
  this.onRunComplete = (browsers, results) => {
    if (results && results.disconnected) report.errors.push('a browser disconnected before the run ended');
    if (results && results.error && !report.errors.length) report.errors.push('karma reported an error outside any spec');
    report.done = true;
    save();
  };
}
FixbenchReporter.$inject = [];

module.exports = function (config) {
  const finish = () => {
    config.basePath = path.resolve(path.dirname(configFile), config.basePath || '');
    config.set({
      plugins: (config.plugins || ['karma-*']).concat([{ 'reporter:fixbench': ['type', FixbenchReporter] }]),
      reporters: (config.reporters || ['progress']).filter((r) => r !== 'fixbench').concat(['fixbench']),
      // One run, then exit: fixbench reads the report when the command ends.
      singleRun: true,
      autoWatch: false,
    });
  };
  // Before the task's configuration too: it may read them (Chart.js: \`failFast: !!karma.autoWatch\`,
  // karma's default autoWatch being true, stops the run at the first failure).
  config.set({ singleRun: true, autoWatch: false });
  const fn = typeof base === 'function' ? base : base && typeof base.default === 'function' ? base.default : null;
  const r = fn ? fn(config) : config.set(base || {});
  if (r && typeof r.then === 'function') return r.then(finish);
  finish();
};
`;
}
