// The build's staleness check (scripts/build-stale.mjs) on a tiny package of its own: the bundle
// holds a frozen copy of npm packages, so a changed lock file or a changed install (npm's
// node_modules/.package-lock.json) makes the build stale, as a changed source does; so does an edit
// that keeps its old mtime (cp -p, touch -r, tar x, rsync -a) and a change of tsconfig.json.
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.ts';

let pkg: string;
let stale: () => string | null;
let mod: typeof import('../../../scripts/build-stale.mjs');

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
  for (const f of ['build.mjs', 'build-stale.mjs', 'bundle-load.mjs', 'warm-cache.mjs']) await cp(path.join(ROOT, 'scripts', f), path.join(pkg, 'scripts', f));
  await mkdir(path.join(pkg, 'src'));
  await writeFile(path.join(pkg, 'src', 'a.ts'), 'export const a = 1;\n');
  await writeFile(path.join(pkg, 'package.json'), '{"name":"p"}\n');
  await writeFile(path.join(pkg, 'package-lock.json'), LOCK);
  await mkdir(path.join(pkg, 'node_modules'));
  await writeFile(path.join(pkg, 'node_modules', '.package-lock.json'), LOCK);
  // the copied module's ROOT is the tiny package
  await writeFile(path.join(pkg, 'tsconfig.json'), '{"compilerOptions":{"strict":true}}\n');
  mod = (await import(pathToFileURL(path.join(pkg, 'scripts', 'build-stale.mjs')).href)) as typeof import('../../../scripts/build-stale.mjs');
  await mkdir(path.join(pkg, 'dist'));
  await stampNow();
  stale = mod.buildStale;
});

/**
 * Writes the build stamp of the sources as they are now, as scripts/build.mjs does. Its stat record
 * is dated 5 s ahead, so no file counts as racily changed (a ctime within 2 s of the record is hashed).
 */
async function stampNow(fields: Record<string, unknown> = {}): Promise<void> {
  const sources = { ...mod.sourceStampFields(), stats_at: Date.now() + 5000 };
  await writeFile(path.join(pkg, 'dist', mod.BUILD_STAMP), JSON.stringify({ built_at: new Date().toISOString(), ...sources, dist_hash: mod.distHash(path.join(pkg, 'dist')), ...fields }));
}

/** Writes `file` with `text`, then puts its old mtime (and atime) back, as `cp -p` or `touch -r` does. */
async function editKeepingMtime(file: string, text: string): Promise<void> {
  const abs = path.join(pkg, file);
  const before = await stat(abs);
  await writeFile(abs, text);
  await utimes(abs, before.atime, before.mtime);
}
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

describe('buildStale and an edit that keeps its mtime', () => {
  it('a same-size edit with its old mtime put back makes the build stale (the ctime moved)', async () => {
    await stampNow();
    expect(stale()).toBeNull();
    await editKeepingMtime('src/a.ts', 'export const a = 2;\n');
    expect(stale()).toBe('src/a.ts changed since the last build');
    await editKeepingMtime('src/a.ts', 'export const a = 1;\n');
    expect(stale()).toBeNull(); // the stat moved, the bytes are as built
  });

  it('tsconfig.json is a build input (esbuild reads it)', async () => {
    await stampNow();
    await editKeepingMtime('tsconfig.json', '{"compilerOptions":{"strict":true,"useDefineForClassFields":false}}\n');
    expect(stale()).toBe('tsconfig.json changed since the last build');
    await editKeepingMtime('tsconfig.json', '{"compilerOptions":{"strict":true}}\n');
  });

  it('unchanged stats skip the content hash; a stamp without a stat record hashes every time', async () => {
    await stampNow({ src_hash: 'not-the-hash' });
    expect(stale()).toBeNull(); // the stats decide: nothing moved, nothing is hashed
    const { src_stats: _s, stats_at: _t, ...older } = JSON.parse(await readFile(path.join(pkg, 'dist', mod.BUILD_STAMP), 'utf8')) as Record<string, unknown>;
    await writeFile(path.join(pkg, 'dist', mod.BUILD_STAMP), JSON.stringify({ ...older, src_hash: mod.sourceHash() }));
    expect(stale()).toBeNull();
    await editKeepingMtime('src/a.ts', 'export const a = 3;\n');
    expect(stale()).toBe('a source or build input changed since the last build');
    await editKeepingMtime('src/a.ts', 'export const a = 1;\n');
  });

  it('a file added or removed under src/ makes the build stale', async () => {
    await stampNow();
    await writeFile(path.join(pkg, 'src', 'b.ts'), 'export const b = 1;\n');
    expect(stale()).toBe('src/b.ts changed since the last build');
    await rm(path.join(pkg, 'src', 'b.ts'));
    expect(stale()).toBeNull();
  });

  it('regression (atkA): a symbolic link under src/, to a file or a folder, makes the build stale for good (neither stat record nor hash sees its target)', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'fixbench-build-stale-outside-'));
    try {
      await writeFile(path.join(outside, 'c.ts'), 'export const c = 1;\n');
      await symlink(path.join(outside, 'c.ts'), path.join(pkg, 'src', 'c.ts'));
      await stampNow(); // as if built with the link: still not current
      expect(stale()).toBe('src/c.ts is a symbolic link or special file: the build reads only regular files and folders under src/ (put the file itself there)');
      expect(mod.buildCheck().state).toBe('stale');
      await rm(path.join(pkg, 'src', 'c.ts'));
      await symlink(outside, path.join(pkg, 'src', 'shared'));
      await stampNow();
      expect(stale()).toMatch(/^src\/shared is a symbolic link/);
      await rm(path.join(pkg, 'src', 'shared'));
      await stampNow();
      expect(stale()).toBeNull();
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('buildCheck and a stamp without content hashes', () => {
  it('regression (atkA8): is `modified` for commands that record results (an old-format stamp skipped the dist/ check)', async () => {
    await writeFile(path.join(pkg, 'dist', 'main.js'), 'export {};\n');
    await stampNow();
    expect(mod.buildCheck({ strict: true }).state).toBe('ok');
    await writeFile(path.join(pkg, 'dist', 'main.js'), 'export {}; // TAMPERED\n');
    expect(mod.buildCheck({ strict: true }).state).toBe('modified');
    for (const stamp of ['"2026-12-05T00:00:00Z"', '{"built_at":"2026-12-05T00:00:00Z"}', 'not json']) {
      await writeFile(path.join(pkg, 'dist', mod.BUILD_STAMP), stamp);
      const check = mod.buildCheck({ strict: true });
      expect(check.state).toBe('modified');
      expect(check.reason).toMatch(/holds no content hashes/);
      expect(mod.buildCheck().state).not.toBe('modified'); // other commands: read by mtimes, as before
    }
    await rm(path.join(pkg, 'dist', 'main.js'));
    await stampNow();
  });
});

describe('buildCheck keep', () => {
  it('keeps every file under a folder named with a trailing `/`, as hashed (atkS10 #4: templates read after start-up)', async () => {
    await mkdir(path.join(pkg, 'dist', 'agents', 'templates'), { recursive: true });
    await writeFile(path.join(pkg, 'dist', 'agents', 'templates', 'system.hbs'), 'system v1\n');
    await writeFile(path.join(pkg, 'dist', 'agents', 'templates', 'instance.hbs'), 'instance v1\n');
    await writeFile(path.join(pkg, 'dist', 'other.js'), 'x\n');
    await stampNow();
    const check = mod.buildCheck({ strict: true, keep: ['agents/templates/', 'other.js'] });
    expect(check.state).toBe('ok');
    expect([...check.kept!.keys()].sort()).toEqual(['agents/templates/instance.hbs', 'agents/templates/system.hbs', 'other.js']);
    expect(check.kept!.get('agents/templates/system.hbs')?.toString()).toBe('system v1\n');
    await rm(path.join(pkg, 'dist', 'agents'), { recursive: true });
    await rm(path.join(pkg, 'dist', 'other.js'));
    await stampNow();
  });
});
