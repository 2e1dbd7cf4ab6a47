// run.lock: one writer per run folder; a lock left by a killed process is taken over.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { lockRun } from '../../../src/store/lock.ts';
import { pidScope, processStart } from '../../../src/core/work-owner.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { ROOT } from '../../helpers/cli.ts';
import { expectOneHolderAtATime } from '../../helpers/lock-race.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const lockFile = path.join(root, 'run.lock');
const here = await pidScope();

describe('lockRun', () => {
  it('takes the lock, refuses a second writer while it is held, and frees it on release', async () => {
    const release = await lockRun(root);
    expect(JSON.parse(await readFile(lockFile, 'utf8'))).toEqual({ pid: process.pid, host: os.hostname(), start: await processStart(process.pid), ...here });
    await release();
    await release();
    await expect(readFile(lockFile)).rejects.toThrow();
  });

  it('refuses a lock held by a live process on this host, or by another host', async () => {
    await writeFile(lockFile, JSON.stringify({ pid: process.ppid, host: os.hostname(), start: await processStart(process.ppid), ...here }));
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
    await writeFile(lockFile, JSON.stringify({ pid, host: os.hostname(), ...here }));
    const release = await lockRun(root);
    expect(JSON.parse(await readFile(lockFile, 'utf8')).pid).toBe(process.pid);
    await release();
  });

  it('a stale lock taken over by several processes at once: never two holders at a time', async () => {
    const child = execa('true');
    const dead = child.pid!;
    await child;
    for (let round = 0; round < 4; round++) {
      const dir = mkdtempSync(path.join(root, 'race-'));
      await writeFile(path.join(dir, 'run.lock'), JSON.stringify({ pid: dead, host: os.hostname(), ...here }));
      await expectOneHolderAtATime(dir);
      expect(readdirSync(dir).filter((f) => f.startsWith('run.lock'))).toEqual([]);
    }
  }, 60_000);

  // A takeover file left by a process that died taking a lock over: test/unit/store/lock-takeover.test.ts.

  it('takes over a lock whose pid is now another process (start time differs)', async () => {
    const dir = mkdtempSync(path.join(root, 'reused-'));
    await writeFile(path.join(dir, 'run.lock'), JSON.stringify({ pid: process.ppid, host: os.hostname(), start: `${await processStart(process.ppid)}9`, ...here }));
    const release = await lockRun(dir);
    await release();
  });

  it('regression: never takes over a holder of another pid namespace or boot, or one that recorded none (a container on this host looked dead and was taken over)', async () => {
    const child = execa('true');
    const dead = child.pid!;
    await child;
    for (const holder of [{ pidns: 'pid:[1]', boot: here.boot }, { pidns: here.pidns, boot: '00000000-0000-0000-0000-000000000000' }, {}]) {
      const dir = mkdtempSync(path.join(root, 'ns-'));
      await writeFile(path.join(dir, 'run.lock'), JSON.stringify({ pid: dead, host: os.hostname(), start: '1', ...holder }));
      await expect(lockRun(dir)).rejects.toThrow(/another pid namespace or boot .*cannot be checked from here; if that run is gone, delete .*run\.lock, then resume/);
      expect(JSON.parse(await readFile(path.join(dir, 'run.lock'), 'utf8')).pid).toBe(dead);
    }
  });
});
