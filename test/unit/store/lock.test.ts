// run.lock: one writer per run folder; a lock left by a killed process is taken over.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { lockRun } from '../../../src/store/lock.ts';
import { UserInputError } from '../../../src/core/errors.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const lockFile = path.join(root, 'run.lock');

describe('lockRun', () => {
  it('takes the lock, refuses a second writer while it is held, and frees it on release', async () => {
    const release = await lockRun(root);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toEqual({ pid: process.pid, host: os.hostname() });
    await release();
    await release();
    await expect(readFile(lockFile)).rejects.toThrow();
  });

  it('refuses a lock held by a live process on this host, or by another host', async () => {
    await writeFile(lockFile, JSON.stringify({ pid: process.ppid, host: os.hostname() }));
    const err = await lockRun(root).catch((e) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect(err.message).toMatch(new RegExp(`still being written by process ${process.ppid}; wait for it to finish or stop it`));
    await writeFile(lockFile, JSON.stringify({ pid: 1, host: 'ci-runner-7' }));
    await expect(lockRun(root)).rejects.toThrow(/being written on host ci-runner-7 \(pid 1\); resume it there, or delete .*run\.lock/);
  });

  it('takes over a lock whose process is gone (killed, crashed)', async () => {
    const child = execa('true');
    const pid = child.pid!;
    await child;
    await writeFile(lockFile, JSON.stringify({ pid, host: os.hostname() }));
    const release = await lockRun(root);
    expect(JSON.parse(await readFile(lockFile, 'utf8')).pid).toBe(process.pid);
    await release();
  });
});
