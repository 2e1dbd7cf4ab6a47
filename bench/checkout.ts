// Checkout: a workspace made from the repo cache (`createWorkspace`: fetch of base_commit from the
// bare mirror) against a fresh `git clone` of the bundle plus checkout, interleaved, per repository.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { loadTasks } from '../src/tasks/load.ts';
import { RepoCache, createWorkspace, resolveRepoSource } from '../src/workspace/index.ts';
import { median, pairedRatio, summarize } from './lib/stats.ts';
import { measurement, single } from './lib/measure.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** A workspace from the cache should cost no more than cloning the bundle (bench's own target). */
export const CHECKOUT_TARGET = { op: '<=', limit: 1.0, unit: '×' } as const;

export async function benchCheckout(ctx: BenchContext): Promise<SectionResult> {
  const tasksDir = path.join(ctx.root, 'tasks');
  const tasks = await loadTasks(tasksDir);
  const byRepo = new Map<string, string>();
  for (const t of tasks) if (!byRepo.has(t.repo)) byRepo.set(t.repo, t.base_commit);
  const n = ctx.quick ? 3 : 15;
  ctx.log(`checkout: ${[...byRepo.keys()].join(', ')}; ${n} checkouts each way per repository, interleaved`);
  const repoCache = new RepoCache({ tasksDir, cacheDir: path.join(ctx.scratch, 'repo-cache') });
  const work = path.join(ctx.scratch, 'checkouts');
  await mkdir(work, { recursive: true });

  const cacheMs: number[] = [];
  const cloneMs: number[] = [];
  const mirrorMs: number[] = [];
  const profile: string[] = [];
  for (const [repo, sha] of byRepo) {
    const t0 = performance.now();
    await repoCache.mirror(repo, { commit: sha });
    mirrorMs.push(performance.now() - t0);
    const bundle = resolveRepoSource(repo, tasksDir).location;
    const fromCache = async () => {
      const s = performance.now();
      const ws = await createWorkspace({ repoCache, repo, baseCommit: sha, parentDir: work });
      const ms = performance.now() - s;
      await ws.cleanup();
      return ms;
    };
    const fresh = async (i: number) => {
      const dir = path.join(work, `clone-${i}`);
      const s = performance.now();
      await execa('git', ['clone', '--quiet', '--no-checkout', bundle, dir]);
      await execa('git', ['-C', dir, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', sha]);
      const ms = performance.now() - s;
      await rm(dir, { recursive: true, force: true });
      return ms;
    };
    await fromCache(); // warm-up
    await fresh(-1);
    const c: number[] = [];
    const f: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i % 2 === 0) { c.push(await fromCache()); f.push(await fresh(i)); }
      else { f.push(await fresh(i)); c.push(await fromCache()); }
    }
    cacheMs.push(...c);
    cloneMs.push(...f);
    profile.push(`${repo}: from the cache ${median(c).toFixed(0)} ms, git clone of the bundle ${median(f).toFixed(0)} ms per checkout (mirror made once in ${mirrorMs.at(-1)!.toFixed(0)} ms)`);
  }
  return {
    section: 'checkout',
    measurements: [
      measurement('checkout: repo cache ÷ git clone of the bundle', pairedRatio(cacheMs, cloneMs), '×', CHECKOUT_TARGET),
      measurement('checkout: ms per workspace from the repo cache', summarize(cacheMs), ' ms', null, 0),
      measurement('checkout: ms per fresh git clone of the bundle', summarize(cloneMs), ' ms', null, 0),
      single('checkout: mirror creation, once per repository (ms, median)', median(mirrorMs), ' ms', null, 0),
    ],
    profile,
    notes: [],
  };
}
