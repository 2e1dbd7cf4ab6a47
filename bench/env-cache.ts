// Benchmark of the environment cache (DESIGN.md §4): `setup` of ts-globlite-1 (`npm ci`, vitest and
// its dependencies) in a fresh workspace — first with an empty cache (a miss: npm ci runs, its
// output is stored), then in a second fresh workspace (a hit: the stored node_modules is copied).
// Needs the npm registry for the first setup. Run: `npx tsx bench/env-cache.ts`.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTasks } from '../src/tasks/load.ts';
import { LocalSandbox } from '../src/sandbox/local.ts';
import { createWorkspace, EnvCache, RepoCache, runSetup } from '../src/workspace/index.ts';
import type { EnvCacheResult } from '../src/workspace/env-cache.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Times setup of ts-globlite-1 with an empty environment cache, then with the entry the first run
 * stored. Both include making the workspace (git checkout from the repo cache).
 * @returns milliseconds of each and `ratio` = cached_ms / first_ms (smaller is better).
 * @throws when a setup is not the expected miss then hit, or fails (e.g. no registry access).
 */
export async function benchEnvCache(): Promise<{ first_ms: number; cached_ms: number; ratio: number }> {
  const tasksDir = path.join(ROOT, 'tasks');
  const [task] = await loadTasks(tasksDir, ['ts-globlite-1']);
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-bench-env-'));
  const sandbox = new LocalSandbox();
  try {
    const repoCache = new RepoCache({ tasksDir, cacheDir: path.join(tmp, 'repos') });
    await repoCache.mirror(task!.repo, { commit: task!.base_commit, tasksDir });
    const envCache = new EnvCache(path.join(tmp, 'env-cache'));
    const once = async (expected: EnvCacheResult): Promise<number> => {
      const t0 = performance.now();
      const ws = await createWorkspace({ repoCache, repo: task!.repo, baseCommit: task!.base_commit, parentDir: tmp });
      let got: EnvCacheResult | null = null;
      await runSetup(ws, task!, sandbox, { envCache, onCache: (r) => (got = r) });
      const ms = performance.now() - t0;
      await ws.cleanup();
      if (got !== expected) throw new Error(`expected an environment cache ${expected}, got ${got}`);
      return ms;
    };
    const first_ms = await once('miss');
    const cached_ms = await once('hit');
    return { first_ms: Math.round(first_ms), cached_ms: Math.round(cached_ms), ratio: Number((cached_ms / first_ms).toFixed(3)) };
  } finally {
    await sandbox.cleanup();
    await rm(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchEnvCache();
  process.stdout.write(`env cache, ts-globlite-1 setup (npm ci): first ${r.first_ms} ms, cached ${r.cached_ms} ms, ratio ${r.ratio} (${(r.first_ms / r.cached_ms).toFixed(1)}× faster)\n`);
}
