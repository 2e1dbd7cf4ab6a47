// A huge sparse file (2^40 bytes, no disk used) in the workspace: `git add` would hash it for hours.
// Killed at the host git silent limit (5 min; 1 s here), the extraction ends as the agent's fault
// (WorkspaceOverflowError: graded as an empty patch, the reason recorded), never an infra error.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../../src/workspace/git-run.ts', async (importOriginal) => {
  const m = await importOriginal<typeof import('../../../src/workspace/git-run.ts')>();
  return { ...m, runGit: (args: readonly string[], o: Parameters<typeof m.runGit>[1]) => m.runGit(args, o.silentLimitMs ? { ...o, silentLimitMs: 1000 } : o) };
});
const { extractPatch, WorkspaceOverflowError } = await import('../../../src/workspace/extract-patch.ts');
const { gitRepo } = await import('../../helpers/git-repo.ts');
const { cleanupHostRepos, hostRepoOf } = await import('../../helpers/host-repo.ts');

describe('extractPatch and a huge sparse file', () => {
  let repo: ReturnType<typeof gitRepo>;
  beforeEach(() => {
    repo = gitRepo({ 'a.txt': 'a\n' });
  });
  afterEach(() => {
    repo.cleanup();
    cleanupHostRepos();
  });

  it('regression: is refused as the workspace\'s overflow once git add outlasts the silent limit (it stalled, then lost every edit silently)', async () => {
    const host = await hostRepoOf(repo.dir);
    repo.write({ 'a.txt': 'a\nedited\n' });
    execFileSync('truncate', ['-s', String(2 ** 40), join(repo.dir, 'huge.bin')]);
    const t0 = Date.now();
    const err = await extractPatch(host).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkspaceOverflowError);
    expect((err as Error).message).toMatch(/git add ran \d+ s without finishing/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
