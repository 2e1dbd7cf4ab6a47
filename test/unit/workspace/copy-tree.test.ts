// copyTree: a workspace's copy of its checkout template — one `cp` through the spawn helper on Linux,
// file-system calls when `cp` fails — gives the same tree: contents, modes, symlinks as links, no hard links.
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyTree, listTree } from '../../../src/workspace/copy-tree.ts';

const root = mkdtempSync(join(tmpdir(), 'fixbench-copytree-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A small template: nested folders, an executable, a symlink (relative, and one leaving the tree). */
function template(): string {
  const t = join(root, 'tpl');
  mkdirSync(join(t, 'src', 'deep'), { recursive: true });
  writeFileSync(join(t, 'a.txt'), 'a\n');
  writeFileSync(join(t, 'src', 'deep', 'b.js'), 'b\n');
  writeFileSync(join(t, 'run.sh'), '#!/bin/sh\n');
  chmodSync(join(t, 'run.sh'), 0o755);
  symlinkSync('a.txt', join(t, 'link.txt'));
  symlinkSync('/etc/passwd', join(t, 'out'));
  return t;
}

/** Checks `to` is a real, independent copy of `from`. */
async function expectSameTree(from: string, to: string): Promise<void> {
  expect(await listTree(to)).toEqual(await listTree(from));
  expect(readFileSync(join(to, 'src', 'deep', 'b.js'), 'utf8')).toBe('b\n');
  expect(statSync(join(to, 'run.sh')).mode & 0o777).toBe(0o755);
  expect(lstatSync(join(to, 'link.txt')).isSymbolicLink()).toBe(true);
  expect(readlinkSync(join(to, 'out'))).toBe('/etc/passwd');
  // never a hard link into the template: a write to the copy leaves the template as it was
  expect(statSync(join(to, 'a.txt')).nlink).toBe(1);
  writeFileSync(join(to, 'a.txt'), 'changed\n');
  expect(readFileSync(join(from, 'a.txt'), 'utf8')).toBe('a\n');
}

describe('copyTree', () => {
  const tpl = template();

  it('copies the template: contents, modes, symlinks as links, no hard links', async () => {
    await copyTree(tpl, join(root, 'ws1'));
    await expectSameTree(tpl, join(root, 'ws1'));
  });

  it('copies by file-system calls when cp fails (a cp that is not GNU): the same tree, the partial copy removed first', async () => {
    const bin = join(root, 'bin');
    mkdirSync(bin);
    // a cp that leaves a partial copy and fails
    writeFileSync(join(bin, 'cp'), `#!/bin/sh\nmkdir -p "$7/partial"\necho "cp: unrecognized option '--preserve=mode'" >&2\nexit 1\n`);
    chmodSync(join(bin, 'cp'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      await copyTree(tpl, join(root, 'ws2'));
    } finally {
      process.env.PATH = path;
    }
    await expectSameTree(tpl, join(root, 'ws2'));
  });
});
