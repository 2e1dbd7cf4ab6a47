import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkoutCommit, harnessIdentity, PACKAGE_ROOT } from '../../../src/cli/paths.ts';

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

describe('checkoutCommit', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const tmp = (): string => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'fixbench-commit-'));
    made.push(d);
    return d;
  };
  const g = (dir: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();

  it('gives HEAD, +dirty exactly when a tracked file changed (untracked files do not count), null without a commit or a checkout, in one git process', async () => {
    const plain = tmp();
    expect(await checkoutCommit(plain)).toBeNull(); // not a checkout
    const repo = tmp();
    g(repo, 'init', '-q');
    expect(await checkoutCommit(repo)).toBeNull(); // no commit yet
    writeFileSync(path.join(repo, 'a.txt'), 'one\n');
    g(repo, 'add', 'a.txt');
    g(repo, 'commit', '-q', '-m', 'one');
    const head = g(repo, 'rev-parse', 'HEAD');
    expect(await checkoutCommit(repo)).toBe(head);
    writeFileSync(path.join(repo, 'new.txt'), 'untracked\n');
    expect(await checkoutCommit(repo)).toBe(head);
    writeFileSync(path.join(repo, 'a.txt'), 'two\n');
    expect(await checkoutCommit(repo)).toBe(`${head}+dirty`);
    g(repo, 'add', 'a.txt'); // staged counts too
    expect(await checkoutCommit(repo)).toBe(`${head}+dirty`);
    g(repo, 'commit', '-q', '-m', 'two');
    g(repo, 'checkout', '-q', '--detach', 'HEAD~1'); // a detached HEAD is still a commit
    expect(await checkoutCommit(repo)).toBe(head);

    // git's processes, counted through a logging `git` first on PATH
    const bin = tmp();
    const log = path.join(bin, 'calls.log');
    const real = execFileSync('sh', ['-c', 'command -v git']).toString().trim();
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(path.join(bin, 'git'), 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `${bin}${path.delimiter}${saved}`;
    try {
      expect(await checkoutCommit(repo)).toBe(head);
    } finally {
      process.env.PATH = saved;
    }
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
  });
});
