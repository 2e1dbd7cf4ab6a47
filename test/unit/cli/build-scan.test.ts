import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { filesUnder, scanTree, strayEntry } from '../../../scripts/build-stale.mjs';

// The start-up check (bin/fixbench.mjs → buildCheck) walks dist/ and src/ once each (`scanTree`):
// what it finds must be what the two walks it replaces find, the stray entry included.
describe('scanTree', () => {
  let dir: string;
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const tree = async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-scan-'));
    for (const f of ['b.js', 'a/z.js', 'a/b/c.js', 'A.js', 'a-b/x.js']) {
      await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await writeFile(path.join(dir, f), f);
    }
  };

  it('lists the files as filesUnder does and finds no stray in a tree of files and folders', async () => {
    await tree();
    expect(scanTree(dir)).toEqual({ files: filesUnder(dir), stray: null });
    expect(strayEntry(dir)).toBeNull();
  });

  it('names the stray entry strayEntry names (the first in its sorted walk), links and FIFOs alike, and still lists every file', async () => {
    await tree();
    await symlink('/etc', path.join(dir, 'a', 'b', 'link'));
    execFileSync('mkfifo', [path.join(dir, 'a', 'fifo')]);
    await symlink(path.join(dir, 'b.js'), path.join(dir, 'z-link.js'));
    const scan = scanTree(dir);
    expect(scan.stray).toBe(strayEntry(dir));
    expect(scan.stray).toBe(path.join('a', 'b', 'link'));
    expect(scan.files).toEqual(filesUnder(dir));
  });
});
