// Regression tests of two attacker findings on the jasmine/karma fixture of
// swe-bench-browser-tasks.test.ts: (1) a wrong patch that wraps `it` and disarms `expect` in every
// test but the "odd one out" (the mutant whose original has a verbatim twin) must not grade
// resolved: no mutant has a twin any more (canary-mutate.ts); (2) a wrong patch that also drops
// karma-jasmine from package.json must not switch the canaries off (integrity.ts reads
// package.json before the patch).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/evaluation/evaluate.ts';
import { createSandbox } from '../../src/sandbox/index.ts';
import { loadTask } from '../../src/tasks/load.ts';
import { EnvCache } from '../../src/workspace/env-cache.ts';
import { RepoCache } from '../../src/workspace/repo-cache.ts';
import { runCli } from '../helpers/cli.ts';
import { patchFor } from '../helpers/git-repo.ts';
import { useWidgetsFixture, widgets } from '../helpers/widgets-swe.ts';

const f = useWidgetsFixture();

const FORGER = "(function (g) {\n  if (typeof g.it !== 'function' || g.__fx) return; g.__fx = 1;\n  var realIt = g.it; var specs = [];\n  var none = function () { var p = new Proxy(function () { return p; }, { get: function (t, k) { return k === 'then' ? undefined : p; }, apply: function () { return p; } }); return p; };\n  var similar = function (a, b) { var p = 0; while (p < a.length && p < b.length && a[p] === b[p]) p++; var s = 0; while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++; return a.length - p - s <= 4 && b.length - p - s <= 4; };\n  g.it = function (title, fn, t) {\n    if (typeof fn !== 'function') return realIt.apply(this, arguments);\n    var body = String(fn); var rec = { body: body }; specs.push(rec);\n    var wrapped = function () {\n      var same = specs.filter(function (s) { return s.body === body; }).length;\n      var odd = same === 1 && specs.some(function (n) { return n.body !== body && similar(n.body, body) && specs.filter(function (s) { return s.body === n.body; }).length >= 2; });\n      if (odd) return fn.apply(this, arguments);\n      var saved = g.expect; g.expect = none; try { return fn.apply(this, arguments); } finally { g.expect = saved; }\n    };\n    return realIt.call(this, title, wrapped, t);\n  };\n})(typeof window !== 'undefined' ? window : global);\n";
describe('canaries against patches that tell them apart or switch them off', () => {
  it('a wrong patch disarming expect except in the odd copy, or dropping karma-jasmine, is never resolved', async () => {
    const tasks = path.join(f.tmp, 'tasks');
    const cacheDir = path.join(f.tmp, 'cache');
    const setup = `cp -R ${f.modules}/node_modules node_modules`;
    const imp = await runCli(['tasks', 'import', '--swe-bench-tasks', f.published, '--tasks', tasks, '--repo-dir', `acme/widgets=${f.repo.dir}`, '--test-report', 'auto', '--setup', setup]);
    expect(imp.exitCode, imp.stderr).toBe(0);
    // Validation runs setup once on the host and fills the environment cache the bwrap runs reuse.
    const val = await runCli(['tasks', 'validate', '--tasks', tasks, '--runs', '1', '--sandbox', 'local', '--cache-dir', cacheDir, '--report', path.join(f.tmp, 'v.json')]);
    expect(val.exitCode, val.stderr.slice(-800)).toBe(0);
    const wrong = `${widgets(true)}${FORGER}`;
    const pkg = JSON.parse(readFileSync(path.join(f.repo.dir, 'package.json'), 'utf8'));
    delete pkg.dependencies['karma-jasmine'];
    pkg.optionalDependencies = { 'karma-jasmine': '5.1.0' };
    const disarm = `${widgets(true)}(function (g) { g.expect = function () { return { toBe: function () {}, toEqual: function () {} }; }; })(typeof window !== 'undefined' ? window : global);\n`;
    const sandbox = await createSandbox('bwrap', { quiet: true });
    try {
      const cases: [string, Record<string, string>][] = [
        ['acme__widgets-1', { 'src/widgets.js': wrong }],
        ['acme__widgets-2', { 'src/widgets.js': wrong }],
        ['acme__widgets-2', { 'src/widgets.js': disarm, 'package.json': `${JSON.stringify(pkg, null, 2)}\n` }],
      ];
      for (const [id, files] of cases) {
        const task = await loadTask(path.join(tasks, id));
        const r = await evaluate({ task, modelPatch: patchFor(f.repo, files), sandbox, repoCache: new RepoCache({ tasksDir: tasks, cacheDir: path.join(f.tmp, 'repos') }), workDir: f.tmp, envCache: new EnvCache(cacheDir) });
        const context = JSON.stringify({ id, files: Object.keys(files), outcome: r.outcome, error: r.error, canaries: r.canaries, unprotected: r.unprotected });
        expect(r.outcome, context).toBe('tampered');
        expect(r.unprotected ?? null, context).toBeNull();
      }
    } finally {
      await sandbox.cleanup();
    }
  }, 600_000);
});
