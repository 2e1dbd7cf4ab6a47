import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifiedBuildHash } from '../../../src/report/page-digest.ts';

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
