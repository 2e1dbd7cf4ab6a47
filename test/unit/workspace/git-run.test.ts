// runGit / hostGit: host git through fixbench's spawn helper (off the event loop). The environment
// is exactly the one given (nothing of fixbench's own leaks in), the hermetic `-c` settings apply,
// and every failure is loud: a non-zero exit is a GitError with git's output, a missing git an
// InfraError, output past the cap a GitOutputCapError (never silently cut), a silent git killed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError } from 'simple-git';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/core/errors.ts';
import { GIT_COMMAND_CONFIG, gitEnv, gitTry } from '../../../src/workspace/git.ts';
import { GitOutputCapError, runGit } from '../../../src/workspace/git-run.ts';
import { createHostGitDir, hostGit, type HostRepo } from '../../../src/workspace/host-git.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';
import { closeSpawnHelper, spawnHelperPid } from '../../../src/sandbox/spawn-client.ts';
import { runProcessGroup } from '../../../src/sandbox/spawn.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-gitrun-'));
let repo: GitRepo;
let host: HostRepo;
// 600 KiB of text in one file: `git show` of it is many pipe chunks
const big = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'x'.repeat(20)}\n`).join('');
beforeAll(async () => {
  repo = gitRepo({ 'a.txt': 'a\n', 'big.txt': big });
  host = { dir: repo.dir, gitDir: join(root, 'host.git') };
  await createHostGitDir(host.gitDir, { objects: join(repo.dir, '.git', 'objects'), index: join(repo.dir, '.git', 'index'), head: repo.head });
});
afterAll(() => {
  repo?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

describe('hostGit through the spawn helper', () => {
  it("gets exactly its own environment: fixbench's GIT_* variables and config injection do not leak in", async () => {
    const saved = { ...process.env };
    try {
      process.env.GIT_CONFIG_PARAMETERS = "'user.name'='leaked' 'core.hookspath'='/tmp/evil'";
      process.env.GIT_AUTHOR_NAME = 'leaked';
      process.env.GIT_DIR = '/nonexistent';
      const git = hostGit(host);
      expect((await git.raw(['var', 'GIT_AUTHOR_IDENT'])).startsWith('fixbench <fixbench@localhost>')).toBe(true);
      expect((await git.raw(['config', 'core.hooksPath'])).trim()).toBe('/dev/null');
      expect((await git.raw(['config', 'core.fsmonitor'])).trim()).toBe('false');
      expect((await git.raw(['rev-parse', '--absolute-git-dir'])).trim()).toBe(host.gitDir);
      expect(await git.raw(['config', '--get-all', 'user.name'])).toBe('fixbench\n');
    } finally {
      process.env = saved;
    }
  });

  it('returns large output whole and byte-exact (text and bytes)', async () => {
    const git = hostGit(host);
    expect(await git.raw(['show', `${repo.head}:big.txt`])).toBe(big);
    expect((await git.showBuffer([`${repo.head}:big.txt`])).equals(Buffer.from(big))).toBe(true);
  });

  it("a non-zero exit is a GitError carrying git's output (gitTry reads it as a failure)", async () => {
    const git = hostGit(host);
    const err = await git.raw(['rev-parse', '--verify', 'no-such-ref']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as Error).message).toContain('fatal: Needed a single revision');
    const tried = await gitTry(git, ['cat-file', '-e', `${repo.head}:missing.txt`]);
    expect(tried.ok).toBe(false);
  });

  it('output past the cap kills git and fails loudly (GitOutputCapError), never a cut-short result', async () => {
    const o = { cwd: repo.dir, env: gitEnv({ GIT_DIR: host.gitDir }), config: GIT_COMMAND_CONFIG, maxOutputBytes: 64 * 1024 };
    const err = await runGit(['show', `${repo.head}:big.txt`], o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitOutputCapError);
    expect((err as Error).message).toMatch(/more than 65536 bytes \(maxBuffer\)/);
    expect(err).not.toBeInstanceOf(GitError); // gitTry rethrows it: not mistaken for git's own failure
    // control: under the cap the same command returns everything
    expect((await runGit(['show', `${repo.head}:a.txt`], o)).toString()).toBe('a\n');
  });

  it('a git not on PATH is an InfraError (it could not start), not a git failure', async () => {
    const err = await runGit(['status'], { cwd: repo.dir, env: { PATH: join(root, 'no-bin') }, config: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toMatch(/could not start git/);
    await expect(gitTry({ raw: (a: string[]) => runGit(a, { cwd: repo.dir, env: { PATH: '/nonexistent' }, config: [] }).then(String) }, ['status'])).rejects.toBeInstanceOf(InfraError);
  });

  it('a git that prints nothing for the silent limit is killed and fails (a FIFO named in the tree blocks it)', async () => {
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const o = { cwd: repo.dir, env: gitEnv({ GIT_DIR: host.gitDir }), config: GIT_COMMAND_CONFIG, silentLimitMs: 300 };
    const err = await runGit(['hash-object', fifo], o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GitError);
    expect((err as Error).message).toMatch(/block timeout reached/);
  });

  it('git forks in its own helper (lane `git`), not in the one of sandboxed commands; closing ends both', async () => {
    await hostGit(host).raw(['rev-parse', 'HEAD']);
    const cmd = await runProcessGroup({ file: 'true', args: [], cwd: root, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeoutMs: 10_000 });
    expect(cmd.result.exitCode).toBe(0);
    const [git, commands] = [spawnHelperPid('git'), spawnHelperPid('commands')];
    expect(git).toBeTypeOf('number');
    expect(commands).toBeTypeOf('number');
    expect(git).not.toBe(commands);
    await closeSpawnHelper();
    expect(spawnHelperPid('git')).toBeUndefined();
    expect(spawnHelperPid('commands')).toBeUndefined();
    // a later git call starts a fresh helper
    expect((await hostGit(host).raw(['rev-parse', 'HEAD'])).trim()).toBe(repo.head);
    await closeSpawnHelper();
  });
});
