// Special files an agent leaves in its workspace (a FIFO where a tracked file was, a socket, a
// link to a device, a locked work tree) never hang nor fail the patch extraction: git skips what
// it cannot add, and the rest of the agent's edits are extracted (attackF).
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { extractPatch } from '../../../src/workspace/extract-patch.ts';
import type { HostRepo } from '../../../src/workspace/host-git.ts';
import { gitRepo, type GitRepo } from '../../helpers/git-repo.ts';
import { cleanupHostRepos, hostRepoOf } from '../../helpers/host-repo.ts';

describe('extractPatch and special files', () => {
  let repo: GitRepo;
  let host: HostRepo;
  beforeEach(async () => {
    repo = gitRepo({ 'a.txt': 'a\n', 'fifo.txt': 'was a file\n', 'b.txt': 'b\n' });
    host = await hostRepoOf(repo.dir);
  });
  afterEach(() => {
    chmodSync(repo.dir, 0o755);
    repo.cleanup();
    cleanupHostRepos();
  });

  it('skips a FIFO, a socket and a link to /dev/zero, extracts the rest, with the work tree locked (mode 000)', async () => {
    repo.write({ 'a.txt': 'a\nedited\n' });
    rmSync(join(repo.dir, 'fifo.txt'));
    execFileSync('mkfifo', [join(repo.dir, 'fifo.txt')]);
    execFileSync('mkfifo', [join(repo.dir, 'new-fifo')]);
    const server = createServer();
    await new Promise<void>((r) => server.listen(join(repo.dir, 'sock'), r));
    symlinkSync('/dev/zero', join(repo.dir, 'zero'));
    chmodSync(repo.dir, 0o000);
    try {
      const { patch } = await extractPatch(host);
      expect(patch).toContain('+edited');
      expect(patch).toContain('+++ b/zero'); // the link itself, never read through
      expect(patch).not.toContain('new-fifo');
      expect(patch).not.toContain('b/sock');
    } finally {
      server.close();
    }
  });
});
