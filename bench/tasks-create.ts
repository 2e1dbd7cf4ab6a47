// `tasks create` overhead on real recipe tasks (issue 15: create costs at most the two test runs it
// needs plus 10%). For each recipe: the wall time of building it with create's code (planCreate →
// buildTask → saveTask, as `tasks fetch` does) against the wall time of its two test runs (the
// `evaluate` calls before and after the fix, setup restored from the environment cache as in
// `tasks validate`). The setup is warmed first (one untimed build), so both sides exclude the
// first install. Run: npx tsx bench/tasks-create.ts recipes/js-bugfixes.yaml [ids...] [--mirrors <dir>]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createSandbox } from '../src/sandbox/index.ts';
import { fetchSuite } from '../src/tasks/fetch.ts';
import { loadSuiteFile } from '../src/tasks/recipe.ts';
import { EnvCache } from '../src/workspace/env-cache.ts';
import { RepoCache } from '../src/workspace/repo-cache.ts';

/** The issue's bound: build time ÷ the two test runs' time. */
export const CREATE_TARGET = 1.1;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mi = args.indexOf('--mirrors');
  const mirrorDirs = mi >= 0 ? [args[mi + 1]!] : [];
  const rest = args.filter((_, i) => i !== mi && i !== mi + 1);
  const [file, ...ids] = rest;
  if (!file) throw new Error('usage: tsx bench/tasks-create.ts <suite-file> [ids...] [--mirrors <dir>]');
  const suite = await loadSuiteFile(file);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-bench-create-'));
  const sandbox = await createSandbox('auto', { untrusted: 'the recipes of the bench' });
  try {
    const common = {
      sandbox, repoCache: new RepoCache({ tasksDir: tmp, cacheDir: path.join(tmp, 'repos-cache') }), envCache: new EnvCache(path.join(tmp, 'env')),
      workDir: tmp, mirrorDirs, ids, force: true,
    };
    // Warm-up: installs the setups and clones the repositories (untimed).
    await fetchSuite(suite, { ...common, tasksDir: path.join(tmp, 'warm') });
    const rows = await fetchSuite(suite, { ...common, tasksDir: path.join(tmp, 'timed') });
    console.log('instance_id\tbuild_s\ttest_runs_s\tratio');
    for (const r of rows) {
      if (!r.result) {
        console.log(`${r.instance_id}\tfailed: ${r.error}`);
        continue;
      }
      const runs = r.result.run_ms.reduce((a, b) => a + b, 0);
      console.log(`${r.instance_id}\t${(r.wall_ms / 1000).toFixed(1)}\t${(runs / 1000).toFixed(1)}\t${(r.wall_ms / runs).toFixed(3)}${r.wall_ms / runs <= CREATE_TARGET ? '' : ' (over 1.10)'}`);
    }
  } finally {
    await sandbox.cleanup();
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
