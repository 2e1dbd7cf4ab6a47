// Test helper: fixbench's own git directory for a test repository (as `createWorkspace` makes one
// for a workspace), so unit tests can drive host-side git (`extractPatch`, `applyPatch`, …) on a
// plain repository built with `gitRepo`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHostGitDir, type HostRepo } from '../../src/workspace/host-git.ts';
import { testGitEnv } from './git-repo.ts';

const made: string[] = [];

/**
 * A host git directory (in a new temp folder) for the repository at `dir`, as fixbench would own
 * it: objects borrowed from `<dir>/.git/objects`, a copy of its index, HEAD at its current HEAD.
 * Made at the time of the call: later commits in the repository do not move it.
 */
export async function hostRepoOf(dir: string): Promise<HostRepo & { baseCommit: string; cleanup: () => Promise<void> }> {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, env: testGitEnv(), encoding: 'utf8' }).trim();
  const root = mkdtempSync(join(tmpdir(), 'fixbench-hostgit-'));
  made.push(root);
  const gitDir = join(root, 'host.git');
  await createHostGitDir(gitDir, { objects: join(dir, '.git', 'objects'), index: join(dir, '.git', 'index'), head });
  return { dir, gitDir, baseCommit: head, cleanup: async () => rmSync(root, { recursive: true, force: true }) };
}

/** Removes every host git directory this helper made. */
export function cleanupHostRepos(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
