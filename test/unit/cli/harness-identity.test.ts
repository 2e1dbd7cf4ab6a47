import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessIdentity, PACKAGE_ROOT } from '../../../src/cli/paths.ts';

const git = (...args: string[]): string | null => {
  try {
    return execFileSync('git', args, { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
};

describe('harnessIdentity', () => {
  it('names the package version and the checkout commit, marked +dirty exactly when tracked files changed', async () => {
    const id = await harnessIdentity();
    expect(id.version).toBe(JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')).version);
    const head = git('rev-parse', 'HEAD');
    const status = git('status', '--porcelain', '--untracked-files=no');
    expect(id.commit).toBe(!head || status === null ? null : status ? `${head}+dirty` : head);
  });

  it('carries the build hash bin/fixbench.mjs sets, and only a well-formed one', async () => {
    const saved = process.env.FIXBENCH_BUILD_HASH;
    try {
      process.env.FIXBENCH_BUILD_HASH = 'a'.repeat(64);
      expect((await harnessIdentity()).build).toBe('a'.repeat(64));
      process.env.FIXBENCH_BUILD_HASH = 'not a hash';
      expect(await harnessIdentity()).not.toHaveProperty('build');
    } finally {
      if (saved === undefined) delete process.env.FIXBENCH_BUILD_HASH;
      else process.env.FIXBENCH_BUILD_HASH = saved;
    }
  });
});
