import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeFilesDigest, verifiedBuildHash } from '../../../src/report/page-digest.ts';

// Compiled and checked by bin/fixbench.mjs, the attempt pages' code version is the build's content
// hash (no read of the report, core and store folders); only a hash bin set and the build's stamp
// agree on counts.
describe('verifiedBuildHash', () => {
  const hash = 'ab'.repeat(32);
  let root: string;
  let moduleUrl: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'fixbench-build-hash-'));
    await mkdir(join(root, 'dist', 'report'), { recursive: true });
    await writeFile(join(root, 'dist', '.build-stamp'), JSON.stringify({ src_hash: 'x', dist_hash: hash }));
    moduleUrl = pathToFileURL(join(root, 'dist', 'report', 'page-digest.js')).href;
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is the hash bin set when the stamp beside the running build names the same', () => {
    expect(verifiedBuildHash({ FIXBENCH_BUILD_HASH: hash }, moduleUrl)).toBe(hash);
  });

  it('is null when the stamp names another build (a hash inherited from another checkout)', () => {
    expect(verifiedBuildHash({ FIXBENCH_BUILD_HASH: 'cd'.repeat(32) }, moduleUrl)).toBeNull();
  });

  it('is null without the variable (a process bin did not start) or with a malformed one', () => {
    expect(verifiedBuildHash({}, moduleUrl)).toBeNull();
    expect(verifiedBuildHash({ FIXBENCH_BUILD_HASH: 'AB'.repeat(32) }, moduleUrl)).toBeNull();
  });

  it('is null for the sources (tsx), whatever the variable says', () => {
    expect(verifiedBuildHash({ FIXBENCH_BUILD_HASH: hash }, pathToFileURL(join(root, 'dist', 'report', 'page-digest.ts')).href)).toBeNull();
  });

  it('is null when there is no stamp beside the module', () => {
    expect(verifiedBuildHash({ FIXBENCH_BUILD_HASH: hash }, pathToFileURL(join(root, 'elsewhere', 'report', 'page-digest.js')).href)).toBeNull();
  });
});

// Without a verified build hash (an old-format stamp: bin sets none), the digest reads the code's files.
describe('codeFilesDigest', () => {
  it('regression (atkA8): covers dist/bundle, the code that runs (a tampered bundle kept the digest), not its source maps', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fixbench-code-digest-'));
    try {
      for (const d of ['report', 'core', 'store', 'bundle']) await mkdir(join(root, d));
      await writeFile(join(root, 'report', 'view.js'), 'export const v = 1;\n');
      await writeFile(join(root, 'bundle', 'main.js'), 'export const main = 1;\n');
      const url = pathToFileURL(`${root}/`);
      const before = codeFilesDigest(url);
      await writeFile(join(root, 'bundle', 'main.js.map'), '{}');
      expect(codeFilesDigest(url)).toBe(before);
      await writeFile(join(root, 'bundle', 'main.js'), 'export const main = 1; // TAMPERED\n');
      expect(codeFilesDigest(url)).not.toBe(before);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
