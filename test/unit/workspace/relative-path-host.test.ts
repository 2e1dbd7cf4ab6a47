// A workspace holding its own executable `git` and `patch` (atkB F2): with fixbench's PATH holding
// `.` or an empty entry before git's folder, host git (cwd = the workspace) and `patch` (cwd = the
// checkout) would run the agent's files on the host. They never do: host commands search absolute
// PATH entries only (src/core/host-path.ts), and the real programs are used.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { applyPatch } from '../../../src/evaluation/apply-patch.ts';
import { extractPatch } from '../../../src/workspace/extract-patch.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';
import { gitRepo, patchFor, type GitRepo } from '../../helpers/git-repo.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-relpath-'));
const marker = join(root, 'PWNED');
const repos: GitRepo[] = [];
const realPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = realPath;
  rmSync(marker, { force: true });
});
afterAll(() => {
  cleanupHostRepos();
  for (const r of repos) r.cleanup();
  rmSync(root, { recursive: true, force: true });
});

/** Writes an executable `name` at the top of `dir` that leaves the marker when run. */
function plant(dir: string, name: string): void {
  writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $*" >> '${marker}'\n`);
  chmodSync(join(dir, name), 0o755);
}

describe.each([
  ['.:$PATH', (p: string) => `.:${p}`],
  [':$PATH', (p: string) => `:${p}`],
  ['a::b with a relative entry', (p: string) => `bin::${p}`],
])('PATH=%s', (_name, pathOf) => {
  it('host git extracts the patch with the real git, never the workspace\'s own', async () => {
    const repo = gitRepo({ 'a.txt': 'a\n' });
    repos.push(repo);
    plant(repo.dir, 'git');
    writeFileSync(join(repo.dir, 'a.txt'), 'a\nedited\n');
    const host = await hostRepoOf(repo.dir);
    process.env.PATH = pathOf(realPath!);
    const { patch } = await extractPatch(host);
    expect(existsSync(marker), existsSync(marker) ? 'the workspace\'s git ran on the host' : '').toBe(false);
    expect(patch).toContain('+edited');
  });

  it('the patch strategy runs the real patch, never the checkout\'s own', async () => {
    const repo = gitRepo({ 'a.txt': 'one\ntwo\nthree\n' });
    repos.push(repo);
    const diff = patchFor(repo, { 'a.txt': 'one\nTWO\nthree\n' });
    plant(repo.dir, 'patch');
    const host = await hostRepoOf(repo.dir);
    process.env.PATH = pathOf(realPath!);
    const r = await applyPatch(host, diff, { strategies: ['patch --fuzz'] });
    expect(existsSync(marker), existsSync(marker) ? 'the checkout\'s patch ran on the host' : '').toBe(false);
    expect([r.ok, r.strategy], r.log).toEqual([true, 'patch --fuzz']);
  });
});
