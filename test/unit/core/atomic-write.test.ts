import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../src/core/atomic-write.ts';

const scratch = () => mkdtemp(path.join(tmpdir(), 'fixbench-atomic-'));

describe('writeFileAtomic', () => {
  it('writes a new file and replaces an existing one, leaving no temporary file', async () => {
    const dir = await scratch();
    const file = path.join(dir, 'run.json');
    await writeFileAtomic(file, 'one\n');
    await writeFileAtomic(file, Buffer.from('two\n'), { fsync: false });
    expect(await readFile(file, 'utf8')).toBe('two\n');
    expect(await readdir(dir)).toEqual(['run.json']);
  });

  it('creates the parent folders only when asked', async () => {
    const dir = await scratch();
    const file = path.join(dir, 'a', 'b', 't.json');
    await expect(writeFileAtomic(file, 'x')).rejects.toMatchObject({ code: 'ENOENT' });
    await writeFileAtomic(file, 'x', { mkdirs: true });
    expect(await readFile(file, 'utf8')).toBe('x');
  });

  it('on failure leaves the old content and removes its temporary file', async () => {
    const dir = await scratch();
    const target = path.join(dir, 'target');
    await mkdir(target); // renaming a file over a folder fails (EISDIR)
    await writeFile(path.join(target, 'keep'), 'old');
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect(await readFile(path.join(target, 'keep'), 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['target']);
  });

  it('concurrent writers each use their own temporary file; the file holds one whole write', async () => {
    const dir = await scratch();
    const file = path.join(dir, 'f');
    const writes = Array.from({ length: 20 }, (_, i) => String(i).repeat(10_000));
    await Promise.all(writes.map((w) => writeFileAtomic(file, w, { fsync: false })));
    expect(writes).toContain(await readFile(file, 'utf8'));
    expect(await readdir(dir)).toEqual(['f']);
  });

  it('refuses an empty path', async () => {
    await expect(writeFileAtomic('', 'x')).rejects.toThrow(TypeError);
  });
});
