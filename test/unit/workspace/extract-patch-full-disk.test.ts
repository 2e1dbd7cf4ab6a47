// A full disk (ENOSPC) met by patch extraction: the agent's failure (WorkspaceOverflowError, graded
// as an empty patch, in the denominator) when its workspace grew by more than half of what was free
// before it ran; the harness's (InfraError: infra_error) when the workspace did not grow (another
// attempt, another process filled it) or when nothing was recorded before the agent ran.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The disk is "full" for the index copy extraction makes beside fixbench's git directory.
vi.mock('node:fs/promises', async (importOriginal) => {
  const m = await importOriginal<typeof import('node:fs/promises')>();
  const copyFile: typeof m.copyFile = async (src, dest, mode) => {
    if (String(dest).includes('fixbench-index-')) throw Object.assign(new Error(`ENOSPC: no space left on device, copyfile '${String(src)}' -> '${String(dest)}'`), { code: 'ENOSPC' });
    return m.copyFile(src, dest, mode);
  };
  // `inodesOut`: the file system now reports (almost) no free inode.
  const statfs = (async (path: string, o?: object) => {
    const st = await m.statfs(path, o as never);
    return (globalThis as { inodesOut?: boolean }).inodesOut ? Object.assign(st, { files: 1_000_000, ffree: 0 }) : st;
  }) as typeof m.statfs;
  return { ...m, copyFile, statfs, default: { ...m, copyFile, statfs } };
});
const { extractPatch, WorkspaceOverflowError } = await import('../../../src/workspace/extract-patch.ts');
const { filledByAgent, isNoSpace, spaceBefore } = await import('../../../src/workspace/disk-fill.ts');
const { gitRepo } = await import('../../helpers/git-repo.ts');
const { cleanupHostRepos, hostRepoOf } = await import('../../helpers/host-repo.ts');

describe('extractPatch on a full disk', () => {
  let repo: ReturnType<typeof gitRepo>;
  beforeEach(() => {
    repo = gitRepo({ 'a.txt': 'a\n' });
  });
  afterEach(() => {
    repo.cleanup();
    cleanupHostRepos();
  });

  it('regression: the agent that filled it fails its attempt (it was a harness fault: infra_error, re-rolled by --retry-errors)', async () => {
    const host = await hostRepoOf(repo.dir);
    const before = { freeBytes: 1 << 20, freeFiles: 1_000_000, at: Date.now() - 1 };
    writeFileSync(join(repo.dir, 'fill'), Buffer.alloc(2 << 20, 1)); // 2 MiB, more than half of the 1 MiB free
    const err = await extractPatch(host, before).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkspaceOverflowError);
    expect((err as Error).message).toMatch(/the workspace filled its file system/);
  });

  it('stays the harness\'s when the workspace did not grow, or nothing was recorded before the agent', async () => {
    const host = await hostRepoOf(repo.dir);
    writeFileSync(join(repo.dir, 'small'), 'x\n');
    const before = { freeBytes: 1 << 30, freeFiles: 1_000_000, at: Date.now() - 1 };
    for (const space of [before, null]) {
      const err = await extractPatch(host, space).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect(err).not.toBeInstanceOf(WorkspaceOverflowError);
      expect(isNoSpace(err)).toBe(true);
    }
  });

  it('counts only what changed since the agent started, and many new entries like many bytes when inodes ran out', async () => {
    writeFileSync(join(repo.dir, 'old'), Buffer.alloc(2 << 20, 1));
    const at = Date.now() + 1000; // "started" after every file was written
    expect((await filledByAgent(repo.dir, { freeBytes: 1 << 20, freeFiles: 1e6, totalFiles: 2e6, at })).filled).toBe(false);
    const now = { freeBytes: 1 << 30, freeFiles: 4, totalFiles: 1e6, at: Date.now() - 1 };
    for (const n of [1, 2, 3]) writeFileSync(join(repo.dir, `n${n}`), '');
    (globalThis as { inodesOut?: boolean }).inodesOut = true;
    try {
      expect((await filledByAgent(repo.dir, now)).filled).toBe(true);
    } finally {
      (globalThis as { inodesOut?: boolean }).inodesOut = false;
    }
    expect(await spaceBefore(repo.dir)).toMatchObject({ freeBytes: expect.any(Number), freeFiles: expect.any(Number) });
    expect(isNoSpace(new Error('fatal: unable to write: Disk quota exceeded'))).toBe(true);
    expect(isNoSpace(new Error('ENOENT'))).toBe(false);
  });

  it('regression: no inode test on a file system without inode counts (btrfs: f_files 0), nor when bytes (not inodes) ran out (any ENOSPC blamed the agent)', async () => {
    writeFileSync(join(repo.dir, 'new'), 'x\n');
    const at = Date.now() - 1;
    // btrfs: statfs f_files == f_ffree == 0; one new file was "more than half of the 0 free inodes"
    expect((await filledByAgent(repo.dir, { freeBytes: 1 << 30, freeFiles: 0, totalFiles: 0, at })).filled).toBe(false);
    // few free inodes before, but the file system has plenty now: bytes ran out, not inodes
    expect((await filledByAgent(repo.dir, { freeBytes: 1 << 30, freeFiles: 1, totalFiles: 1e6, at })).filled).toBe(false);
    expect((await spaceBefore(repo.dir))?.totalFiles).toEqual(expect.any(Number));
  });

  it('regression: a walk cut short blames the agent once the entries it changed exceed the bound (many empty files hid a fill)', async () => {
    const at = Date.now() - 1;
    // a folder of new files only: which entries a walk cut short at 6 sees first is the file system's readdir order
    const fill = join(repo.dir, 'fill');
    mkdirSync(fill);
    for (let n = 0; n < 8; n++) writeFileSync(join(fill, `e${n}`), '');
    const space = { freeBytes: 1 << 30, freeFiles: 1e6, totalFiles: 2e6, at };
    // cut short at 6 entries, all of them new: more than the bound of 4
    expect((await filledByAgent(fill, space, 6, 4)).filled).toBe(true);
    // cut short but under the bound, or not cut short: not the agent
    expect((await filledByAgent(fill, space, 6, 100)).filled).toBe(false);
    expect((await filledByAgent(fill, space, 1000, 4)).filled).toBe(false);
  });
});
