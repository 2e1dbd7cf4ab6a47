// Read-only binds inside the workspace (round 10 atk-repro/9): the arguments, and in a real bwrap
// container that a locked file cannot be written, truncated, renamed, removed or swapped out with
// its folder, while the rest of the workspace stays writable.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { lockedBindArgs, MAX_LOCKED_MOUNTS } from '../../../src/sandbox/locked-binds.ts';
import { bwrapUsable } from './bwrap-usable.ts';

let root: string;
let ws: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fixbench-locked-'));
  ws = join(root, 'ws');
  mkdirSync(join(ws, 'test', 'sub'), { recursive: true });
  mkdirSync(join(ws, 'src'));
  writeFileSync(join(ws, 'test', 'sub', 'a.test.js'), 'A\n');
  writeFileSync(join(ws, 'test', 'b.test.js'), 'B\n');
  writeFileSync(join(ws, 'x.test.js'), 'X\n');
  writeFileSync(join(ws, 'src', 'index.js'), 'S\n');
  writeFileSync(join(root, 'secret'), 'host\n');
  symlinkSync(join(root, 'secret'), join(ws, 'link.test.js'));
  symlinkSync(join(root), join(ws, 'up'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('lockedBindArgs', () => {
  it('binds the folders above each file onto themselves, then the files read-only, shallow first', () => {
    expect(lockedBindArgs(ws, ['test/sub/a.test.js', 'x.test.js', 'test/b.test.js'])).toEqual([
      '--bind', join(ws, 'test'), join(ws, 'test'),
      '--ro-bind', join(ws, 'x.test.js'), join(ws, 'x.test.js'),
      '--ro-bind', join(ws, 'test/b.test.js'), join(ws, 'test/b.test.js'),
      '--bind', join(ws, 'test/sub'), join(ws, 'test/sub'),
      '--ro-bind', join(ws, 'test/sub/a.test.js'), join(ws, 'test/sub/a.test.js'),
    ]);
  });
  it('skips absent paths, links, paths through a link and unsafe paths (a link is never bound: its target may be outside)', () => {
    expect(lockedBindArgs(ws, ['gone.test.js', 'link.test.js', 'up/secret', '../secret', '/etc/passwd', 'test//b.test.js', 'test/./b.test.js'])).toEqual([]);
  });
  it(`stays within ${MAX_LOCKED_MOUNTS} mounts (folders above counted), keeping the first paths given`, () => {
    const many = ['test/sub/a.test.js', ...Array.from({ length: MAX_LOCKED_MOUNTS + 5 }, (_, i) => `f${i}.test.js`)];
    for (const f of many.slice(1)) writeFileSync(join(ws, f), 'F\n');
    const args = lockedBindArgs(ws, many);
    expect(args.length / 3).toBe(MAX_LOCKED_MOUNTS);
    expect(args).toContain(join(ws, 'test/sub/a.test.js'));
    expect(args).not.toContain(join(ws, `f${MAX_LOCKED_MOUNTS}.test.js`));
  });
});

describe.runIf(bwrapUsable)('locked paths in a bwrap container', () => {
  const sandbox = new BwrapSandbox({ roots: [tmpdir()] });
  afterAll(() => sandbox.cleanup());
  const run = (cmd: string) => sandbox.exec(cmd, { cwd: ws, timeoutMs: 30_000, lockedPaths: ['test/sub/a.test.js', 'test/b.test.js', 'x.test.js', 'link.test.js'] });

  it.each([
    ['write', 'echo evil > test/sub/a.test.js'],
    ['truncate', 'truncate -s 0 test/b.test.js'],
    ['rename the file', 'mv x.test.js y.js'],
    ['remove the file', 'rm -f test/b.test.js'],
    ['rename its folder', 'mv test test-old'],
    ['rename the folder above', 'mv test/sub test/sub2'],
    ['replace through sed -i', "sed -i 's/A/evil/' test/sub/a.test.js"],
  ])('cannot %s', async (_, cmd) => {
    const r = await run(cmd);
    expect(r.exitCode).not.toBe(0);
    expect(readFileSync(join(ws, 'test/sub/a.test.js'), 'utf8')).toBe('A\n');
    expect(readFileSync(join(ws, 'test/b.test.js'), 'utf8')).toBe('B\n');
    expect(readFileSync(join(ws, 'x.test.js'), 'utf8')).toBe('X\n');
  });

  it('leaves the rest writable: other files, new files beside locked ones, and reads of locked ones', async () => {
    const r = await run('echo new > src/index.js && echo n > test/new.txt && cat test/sub/a.test.js && rm test/new.txt');
    expect(r).toMatchObject({ exitCode: 0, stdout: 'A\n' });
    expect(readFileSync(join(ws, 'src/index.js'), 'utf8')).toBe('new\n');
  });

  it('does not bind a linked path: the host file it points to stays unseen', async () => {
    const r = await run('cat link.test.js');
    expect(r.exitCode).not.toBe(0);
  });
});
