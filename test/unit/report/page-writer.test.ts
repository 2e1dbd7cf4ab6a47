// The report's page writer (src/report/page-writer.ts): every queued file is on disk when `close`
// resolves (folders made as needed, checked: src/core/owned-tree.ts), and a failed write surfaces as an error naming the file; fewer
// files than a batch are written without starting the worker thread, more start it.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PageWriter } from '../../../src/report/page-writer.ts';
import { OwnedTree } from '../../../src/core/owned-tree.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-page-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('PageWriter', () => {
  it('writes every queued file, across batches and folders, before close resolves', async () => {
    const w = new PageWriter(new OwnedTree(tmp));
    const files = Array.from({ length: 300 }, (_, i) => path.join(tmp, 'ok', String(i % 7), `${i}.html`));
    for (const [i, f] of files.entries()) await w.write(f, `page ${i} · ü`);
    await w.close();
    for (const [i, f] of files.entries()) expect(readFileSync(f, 'utf8')).toBe(`page ${i} · ü`);
    expect(w.threaded).toBe(true);
  });

  it('a few files (less than one batch) are written on the main thread: no worker is started', async () => {
    const w = new PageWriter(new OwnedTree(tmp));
    const files = Array.from({ length: 6 }, (_, i) => path.join(tmp, 'few', String(i % 2), `${i}.html`));
    for (const [i, f] of files.entries()) await w.write(f, `page ${i} · ü`);
    await w.close();
    expect(w.threaded).toBe(false);
    for (const [i, f] of files.entries()) expect(readFileSync(f, 'utf8')).toBe(`page ${i} · ü`);
  });

  it('a failed write on the main thread names its file, and later writes are refused', async () => {
    const bad = path.join(tmp, 'blocker-few', '0.html');
    mkdirSync(path.join(bad, 'x'), { recursive: true }); // a folder where the page should be: the rename fails
    const w = new PageWriter(new OwnedTree(tmp));
    await w.write(path.join(tmp, 'few-ok', 'a.html'), 'a');
    await w.write(bad, 'x');
    await expect(w.close()).rejects.toThrow(`cannot write ${bad}: EISDIR`);
    expect(w.threaded).toBe(false);
    await expect(w.write(path.join(tmp, 'later-few.html'), 'y')).rejects.toThrow(`cannot write ${bad}`);
  });

  it('rejects with the file that could not be written (by the worker)', async () => {
    const bad = path.join(tmp, 'blocker', '0.html');
    mkdirSync(path.join(bad, 'x'), { recursive: true });
    const w = new PageWriter(new OwnedTree(tmp));
    await w.write(bad, 'x');
    for (let i = 0; i < 63; i++) await w.write(path.join(tmp, 'fill', `${i}.html`), 'f'); // a full batch: the worker writes it
    await expect(w.close()).rejects.toThrow(`cannot write ${bad}`);
    // a failure is kept: later writes are refused too
    await expect(w.write(path.join(tmp, 'later.html'), 'y')).rejects.toThrow(`cannot write ${bad}`);
  });

  it('a file where a folder should be is refused when queued, naming it; nothing is written there', async () => {
    writeFileSync(path.join(tmp, 'not-a-folder'), 'a file where a folder should be');
    const w = new PageWriter(new OwnedTree(tmp));
    await expect(w.write(path.join(tmp, 'not-a-folder', 'sub', '0.html'), 'x')).rejects.toThrow(`${path.join(tmp, 'not-a-folder')} is not a folder`);
    await w.close();
    expect(readFileSync(path.join(tmp, 'not-a-folder'), 'utf8')).toBe('a file where a folder should be');
  });

  it('the worker replaces a hard or symbolic link at a page\'s name, never writing through it', async () => {
    const { linkSync, symlinkSync, lstatSync } = await import('node:fs');
    const victim = path.join(tmp, 'victim.txt');
    writeFileSync(victim, 'keep me');
    mkdirSync(path.join(tmp, 'linked'), { recursive: true });
    linkSync(victim, path.join(tmp, 'linked', '0.html'));
    symlinkSync(victim, path.join(tmp, 'linked', '1.html'));
    const w = new PageWriter(new OwnedTree(tmp));
    for (let i = 0; i < 130; i++) await w.write(path.join(tmp, 'linked', `${i}.html`), `page ${i}`); // two full batches: the worker writes them
    await w.close();
    expect(w.threaded).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(lstatSync(victim).nlink).toBe(1);
    for (const i of [0, 1, 2]) {
      expect(lstatSync(path.join(tmp, 'linked', `${i}.html`)).isFile()).toBe(true);
      expect(readFileSync(path.join(tmp, 'linked', `${i}.html`), 'utf8')).toBe(`page ${i}`);
    }
  });
});
