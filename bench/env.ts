// Environment cache: delegates to bench/env-cache.ts (written with the environment cache, issue 7)
// when it exists; otherwise reports that it is not built yet.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { single } from './lib/measure.ts';
import type { BenchContext, SectionResult } from './lib/types.ts';

/** Cached setup should be at least this many times faster than the first (bench's own target). */
export const ENV_CACHE_TARGET = { op: '>=', limit: 5, unit: '×' } as const;

/** The shape bench/env-cache.ts exports. */
type BenchEnvCache = () => Promise<{ first_ms: number; cached_ms: number; ratio: number }>;

export async function benchEnvironment(ctx: BenchContext): Promise<SectionResult> {
  const file = path.join(ctx.root, 'bench', 'env-cache.ts');
  if (!existsSync(file)) {
    ctx.log('environment cache: not built yet');
    return { section: 'environment cache', measurements: [], profile: [], notes: ['environment cache: not built yet (bench/env-cache.ts is missing)'] };
  }
  const mod = (await import(pathToFileURL(file).href)) as { benchEnvCache?: BenchEnvCache };
  if (typeof mod.benchEnvCache !== 'function') throw new Error(`${file} does not export benchEnvCache()`);
  ctx.log('environment cache: first setup against cached setup (bench/env-cache.ts)');
  const r = await mod.benchEnvCache();
  // bench/env-cache.ts reports first ÷ cached; shown as the speed-up of the cached setup.
  const speedup = r.cached_ms > 0 ? r.first_ms / r.cached_ms : Number.NaN;
  return {
    section: 'environment cache',
    measurements: [
      single('environment cache: first setup ÷ cached setup', speedup, '×', ENV_CACHE_TARGET),
      single('environment cache: first setup', r.first_ms, ' ms', null, 0),
      single('environment cache: cached setup', r.cached_ms, ' ms', null, 0),
    ],
    profile: [],
    notes: [],
  };
}
