// The build's staleness check (scripts/build-stale.mjs) on a tiny package of its own: the bundle
// holds a frozen copy of npm packages, so a changed lock file or a changed install (npm's
// node_modules/.package-lock.json) makes the build stale, as a changed source does.
import { cp, mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.ts';

let pkg: string;
let stale: () => string | null;

let changes = 0;
/** Writes `file` (relative to the package) with `text` and an mtime after the build, later than the previous change's. */
async function change(file: string, text: string): Promise<void> {
  await writeFile(path.join(pkg, file), text);
  const later = new Date(Date.now() + 60_000 + 1000 * ++changes);
  await utimes(path.join(pkg, file), later, later);
}

const LOCK = '{"name":"p","lockfileVersion":3,"packages":{"node_modules/yaml":{"version":"2.8.1"}}}\n';

beforeAll(async () => {
  pkg = await mkdtemp(path.join(os.tmpdir(), 'fixbench-build-stale-'));
  await mkdir(path.join(pkg, 'scripts'));
  for (const f of ['build.mjs', 'build-stale.mjs']) await cp(path.join(ROOT, 'scripts', f), path.join(pkg, 'scripts', f));
  await mkdir(path.join(pkg, 'src'));
  await writeFile(path.join(pkg, 'src', 'a.ts'), 'export const a = 1;\n');
  await writeFile(path.join(pkg, 'package.json'), '{"name":"p"}\n');
  await writeFile(path.join(pkg, 'package-lock.json'), LOCK);
  await mkdir(path.join(pkg, 'node_modules'));
  await writeFile(path.join(pkg, 'node_modules', '.package-lock.json'), LOCK);
  // the copied module's ROOT is the tiny package
  const mod = (await import(pathToFileURL(path.join(pkg, 'scripts', 'build-stale.mjs')).href)) as typeof import('../../../scripts/build-stale.mjs');
  await mkdir(path.join(pkg, 'dist'));
  await writeFile(path.join(pkg, 'dist', mod.BUILD_STAMP), JSON.stringify({ built_at: new Date().toISOString(), src_hash: mod.sourceHash(), dist_hash: mod.distHash(path.join(pkg, 'dist')) }));
  stale = mod.buildStale;
});
afterAll(async () => {
  await rm(pkg, { recursive: true, force: true });
});

describe('buildStale and the npm lock files', () => {
  it('a build is current until the lock file or the installed versions change (bytes, not mtimes, decide)', async () => {
    expect(stale()).toBeNull();
    await change('package-lock.json', LOCK); // touched, same bytes
    expect(stale()).toBeNull();
    await change('package-lock.json', LOCK.replace('2.8.1', '2.8.2'));
    expect(stale()).toBe('package-lock.json changed since the last build');
    await change('package-lock.json', LOCK);
    expect(stale()).toBeNull();
    await change('node_modules/.package-lock.json', LOCK.replace('2.8.1', '2.9.0')); // installed without touching the lock file
    expect(stale()).toBe('node_modules/.package-lock.json changed since the last build');
  });
});
