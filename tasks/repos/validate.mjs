#!/usr/bin/env node
// Stand-alone validation of the bundled task fixtures (DESIGN.md §2), independent of the
// fixbench pipeline so that each can check the other.
//
//   node tasks/repos/validate.mjs [--runs N] [--write] [instance_id ...]
//
// For every task (default: every tasks/<id>/task.yaml) and each of N runs (default 3):
//   1. fresh clone of tasks/repos/<repo>.bundle, detached at base_commit; check that
//      gold.patch and test.patch are not already in any commit of the bundle;
//   2. run `setup`, then `test_cmd` (the suite as the agent sees it: all must pass);
//   3. `git apply test.patch`, run `test_cmd`   -> "before" results;
//   4. `git apply gold.patch`, run `test_cmd`   -> "after" results.
// Test ids come from the JUnit report with the rule of fixbench's parser: enclosing
// <testsuite> names, then the <testcase> name, joined with ' > '; a classname containing
// '/' or ending in a file extension is put first unless it already is.
// FAIL_TO_PASS = passes after, fails or is absent before; PASS_TO_PASS = passes in both.
// Every run must give the same results; with --write the lists are written into task.yaml,
// otherwise they are compared with it (exit 1 on any difference).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';

const reposDir = dirname(fileURLToPath(import.meta.url));
const tasksDir = dirname(reposDir);

const args = process.argv.slice(2);
let runs = 3;
let write = false;
const only = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i]);
  else if (args[i] === '--write') write = true;
  else only.push(args[i]);
}

const ids = only.length > 0
  ? only
  : readdirSync(tasksDir).filter((d) => existsSync(join(tasksDir, d, 'task.yaml'))).sort();

let failures = 0;
const problem = (id, msg) => {
  failures += 1;
  console.log(`  FAIL ${id}: ${msg}`);
};

for (const id of ids) {
  const dir = join(tasksDir, id);
  const doc = parseDocument(readFileSync(join(dir, 'task.yaml'), 'utf8'));
  const task = doc.toJS();
  console.log(`== ${id}  (${task.repo} @ ${task.base_commit.slice(0, 12)})`);
  if (task.instance_id !== id) problem(id, `instance_id ${task.instance_id} != folder name`);
  const bundle = join(reposDir, `${task.repo}.bundle`);
  const goldPatch = join(dir, 'gold.patch');
  const testPatch = join(dir, 'test.patch');
  checkPatchFiles(id, goldPatch, (f) => !isTestFile(f), 'gold.patch must touch source files only');
  checkPatchFiles(id, testPatch, isTestFile, 'test.patch must touch test files only');

  const results = [];
  for (let run = 0; run < runs; run++) {
    const ws = mkdtempSync(join(tmpdir(), `fixbench-validate-${id}-`));
    try {
      git(['clone', '-q', bundle, ws]);
      git(['-C', ws, 'checkout', '-q', '--detach', task.base_commit]);
      if (run === 0) checkNotInHistory(id, ws, task.base_commit, goldPatch, testPatch);
      const t0 = Date.now();
      if (task.setup) sh(task.setup, ws, 600);
      const setupMs = Date.now() - t0;
      const base = runTests(task, ws);
      git(['-C', ws, 'apply', testPatch]);
      const before = runTests(task, ws);
      git(['-C', ws, 'apply', goldPatch]);
      const after = runTests(task, ws);
      results.push({ base, before, after });
      console.log(
        `  run ${run + 1}: setup ${setupMs} ms; base ${summary(base)}; test.patch ${summary(before)}; ` +
          `gold+test ${summary(after)}`,
      );
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  }

  const first = results[0];
  for (const [i, r] of results.entries()) {
    if (JSON.stringify(r.before.status) !== JSON.stringify(first.before.status) ||
        JSON.stringify(r.after.status) !== JSON.stringify(first.after.status) ||
        JSON.stringify(r.base.status) !== JSON.stringify(first.base.status)) {
      problem(id, `run ${i + 1} differs from run 1 (flaky)`);
    }
  }
  const baseFailing = Object.entries(first.base.status).filter(([, s]) => s !== 'passed');
  if (baseFailing.length > 0) problem(id, `tests fail at base_commit: ${baseFailing.map(([t]) => t).join('; ')}`);
  const afterFailing = Object.entries(first.after.status).filter(([, s]) => s !== 'passed');
  if (afterFailing.length > 0) problem(id, `tests fail with gold+test: ${afterFailing.map(([t]) => t).join('; ')}`);
  if (first.before.exit === 0 && Object.values(first.before.status).every((s) => s === 'passed') &&
      Object.keys(first.before.status).length === Object.keys(first.after.status).length) {
    problem(id, 'test.patch alone makes nothing fail');
  }

  const f2p = [];
  const p2p = [];
  for (const [test, s] of Object.entries(first.after.status)) {
    if (s !== 'passed') continue;
    if (first.before.status[test] === 'passed') p2p.push(test);
    else f2p.push(test);
  }
  const duplicates = [...first.after.duplicates, ...first.before.duplicates];
  if (duplicates.length > 0) problem(id, `duplicate test ids: ${duplicates.join('; ')}`);

  if (write) {
    doc.set('FAIL_TO_PASS', f2p);
    doc.set('PASS_TO_PASS', p2p);
    writeFileSync(join(dir, 'task.yaml'), doc.toString({ lineWidth: 0 }));
    console.log(`  wrote FAIL_TO_PASS (${f2p.length}) and PASS_TO_PASS (${p2p.length})`);
  } else {
    compareList(id, 'FAIL_TO_PASS', task.FAIL_TO_PASS ?? [], f2p);
    compareList(id, 'PASS_TO_PASS', task.PASS_TO_PASS ?? [], p2p);
    console.log(`  FAIL_TO_PASS ${f2p.length}, PASS_TO_PASS ${p2p.length}`);
  }
}

console.log(failures === 0 ? `all ${ids.length} tasks valid` : `${failures} problem(s)`);
process.exit(failures === 0 ? 0 : 1);

// ---------------------------------------------------------------------------------------

function git(argv) {
  return execFileSync('git', argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function sh(command, cwd, timeoutS) {
  const r = spawnSync('bash', ['-c', command], { cwd, encoding: 'utf8', timeout: timeoutS * 1000 });
  if (r.status !== 0) throw new Error(`\`${command}\` failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

function runTests(task, ws) {
  const report = join(ws, task.test_report.replace(/^junit:/, ''));
  rmSync(report, { force: true });
  const t0 = Date.now();
  const r = spawnSync('bash', ['-c', task.test_cmd], {
    cwd: ws,
    encoding: 'utf8',
    timeout: task.timeout_s * 1000,
    env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const ms = Date.now() - t0;
  if (!existsSync(report)) throw new Error(`no report written by ${task.test_cmd}:\n${r.stdout}\n${r.stderr}`);
  const { status, duplicates } = parseJUnit(readFileSync(report, 'utf8'));
  rmSync(report, { force: true });
  return { status, duplicates, exit: r.status, ms };
}

function summary(r) {
  const values = Object.values(r.status);
  const passed = values.filter((s) => s === 'passed').length;
  return `${passed}/${values.length} passed, exit ${r.exit}, ${r.ms} ms`;
}

/** JUnit XML -> { status: { id: 'passed' | 'failed' | 'skipped' }, duplicates }. */
function parseJUnit(xml) {
  const status = {};
  const duplicates = [];
  const suites = [];
  let current = null; // open <testcase>
  const tag = /<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  for (const m of xml.matchAll(tag)) {
    if (m[2] === undefined) continue;
    const [, closing, name, rawAttrs, selfClosing] = m;
    if (closing) {
      if (name === 'testsuite') suites.pop();
      if (name === 'testcase' && current) {
        record(current);
        current = null;
      }
      continue;
    }
    const attrs = {};
    for (const a of rawAttrs.matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attrs[a[1]] = decode(a[2] ?? a[3]);
    }
    if (name === 'testsuite') {
      if (!selfClosing) suites.push(attrs.name ?? '');
    } else if (name === 'testcase') {
      const parts = [...suites, attrs.name ?? ''];
      const cls = attrs.classname;
      if (cls && (cls.includes('/') || /\.[A-Za-z0-9]+$/.test(cls)) && parts[0] !== cls) parts.unshift(cls);
      current = { id: parts.join(' > '), status: 'passed' };
      if (selfClosing) {
        record(current);
        current = null;
      }
    } else if (current && (name === 'failure' || name === 'error')) {
      current.status = 'failed';
    } else if (current && name === 'skipped' && current.status === 'passed') {
      current.status = 'skipped';
    }
  }
  return { status, duplicates };

  function record(tc) {
    if (tc.id in status) duplicates.push(tc.id);
    status[tc.id] = tc.status;
  }
}

function decode(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[e];
  });
}

function isTestFile(path) {
  return /^(test|tests|__tests__)\//.test(path) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(path);
}

function patchFiles(patchPath) {
  const files = new Set();
  for (const line of readFileSync(patchPath, 'utf8').split('\n')) {
    const m = /^diff --git a\/(\S+) b\/(\S+)$/.exec(line);
    if (m) files.add(m[1]).add(m[2]);
  }
  return [...files];
}

function checkPatchFiles(id, patchPath, ok, message) {
  const files = patchFiles(patchPath);
  if (files.length === 0) problem(id, `${patchPath} touches no file`);
  const bad = files.filter((f) => !ok(f));
  if (bad.length > 0) problem(id, `${message}: ${bad.join(', ')}`);
}

/** Neither patch may already be present in any commit of the bundle. */
function checkNotInHistory(id, ws, baseCommit, ...patches) {
  const refs = git(['-C', ws, 'for-each-ref', '--format=%(objectname)']).split('\n').filter(Boolean);
  const commits = git(['-C', ws, 'rev-list', ...refs]).split('\n').filter(Boolean);
  for (const patch of patches) {
    for (const commit of commits) {
      git(['-C', ws, 'checkout', '-q', '--detach', commit]);
      const r = spawnSync('git', ['-C', ws, 'apply', '--check', '-R', patch], { encoding: 'utf8' });
      if (r.status === 0) problem(id, `${patch} is already applied in commit ${commit}`);
    }
  }
  git(['-C', ws, 'checkout', '-q', '--detach', baseCommit]);
}

function compareList(id, key, declared, observed) {
  const want = new Set(declared);
  const have = new Set(observed);
  const missing = observed.filter((t) => !want.has(t));
  const extra = declared.filter((t) => !have.has(t));
  if (missing.length > 0) problem(id, `${key} lacks: ${missing.join('; ')}`);
  if (extra.length > 0) problem(id, `${key} lists tests not observed as such: ${extra.join('; ')}`);
  if (want.size !== declared.length) problem(id, `${key} has duplicates`);
}
