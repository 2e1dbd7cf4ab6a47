// run.lock's takeover file (src/store/lock.ts): one left by a process killed inside the takeover is
// recovered when its taker is provably gone; a live taker's is waited for, never removed; one whose
// taker cannot be checked from here is named and left. Damaged lock files are no live writer's.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { lockRun } from '../../../src/store/lock.ts';
import { pidScope, processStart } from '../../../src/core/work-owner.ts';
import { ROOT } from '../../helpers/cli.ts';
import { expectOneHolderAtATime } from '../../helpers/lock-race.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-lock-takeover-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const here = await pidScope();
const host = os.hostname();

/** A pid that was this host's and this namespace's, now gone (reaped). */
async function deadPid(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid!;
}

const lockFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('run.lock')).sort();

describe('run.lock.takeover left behind', () => {
  it('regression: a process kill -9ed inside the takeover window left run.lock.takeover, and the next run stopped; now it is recovered', async () => {
    const dir = mkdtempSync(path.join(root, 'killed-'));
    const lock = path.join(dir, 'run.lock');
    // What a taker killed inside its window leaves: the stale lock it was taking over, and its own
    // takeover file, written while it lived (its pid, start time, namespace and boot).
    const taker = execa('sleep', ['30'], { reject: false });
    await writeFile(`${lock}.takeover`, JSON.stringify({ pid: taker.pid, host, start: await processStart(taker.pid!), ...here }));
    await writeFile(lock, JSON.stringify({ pid: await deadPid(), host, start: '1', ...here }));
    taker.kill('SIGKILL');
    await taker;
    const release = await lockRun(dir);
    expect(JSON.parse(await readFile(lock, 'utf8')).pid).toBe(process.pid);
    expect(lockFiles(dir)).toEqual(['run.lock']);
    await release();
  }, 60_000);

  it('a damaged takeover file (empty, torn) is recovered: takeover files are written whole, so no live taker holds one', async () => {
    for (const text of ['', '{"pid":12', '[]']) {
      const dir = mkdtempSync(path.join(root, 'damaged-guard-'));
      await writeFile(path.join(dir, 'run.lock'), JSON.stringify({ pid: await deadPid(), host, start: '1', ...here }));
      await writeFile(path.join(dir, 'run.lock.takeover'), text);
      const release = await lockRun(dir);
      expect(lockFiles(dir)).toEqual(['run.lock']);
      await release();
    }
  });

  it("a live taker's takeover file is waited for and never removed; the lock is taken once it is released", async () => {
    const dir = mkdtempSync(path.join(root, 'live-'));
    await writeFile(path.join(dir, 'run.lock'), JSON.stringify({ pid: await deadPid(), host, start: '1', ...here }));
    const guard = path.join(dir, 'run.lock.takeover');
    await writeFile(guard, JSON.stringify({ pid: process.ppid, host, start: await processStart(process.ppid), ...here }));
    const inode = statSync(guard).ino;
    let taken = false;
    const locking = lockRun(dir).then((release) => ((taken = true), release));
    await new Promise((r) => setTimeout(r, 400));
    expect(taken).toBe(false);
    expect(statSync(guard).ino).toBe(inode); // the live taker's own file, still there
    await rm(guard); // the taker finishes (it found the lock held, say) and lets go
    const release = await locking;
    expect(JSON.parse(await readFile(path.join(dir, 'run.lock'), 'utf8')).pid).toBe(process.pid);
    await release();
  });

  it('a takeover file whose taker cannot be checked from here (another host, pid namespace or boot, none recorded) is named and left', async () => {
    const dead = await deadPid();
    for (const taker of [
      { pid: dead, host: 'ci-runner-7', start: '1', ...here },
      { pid: dead, host, start: '1', pidns: 'pid:[1]', boot: here.boot },
      { pid: dead, host, start: '1', pidns: here.pidns, boot: '00000000-0000-0000-0000-000000000000' },
      { pid: dead, host, start: '1' },
    ]) {
      const dir = mkdtempSync(path.join(root, 'foreign-'));
      await writeFile(path.join(dir, 'run.lock'), JSON.stringify({ pid: dead, host, start: '1', ...here }));
      await writeFile(path.join(dir, 'run.lock.takeover'), JSON.stringify(taker));
      await expect(lockRun(dir)).rejects.toThrow(/run\.lock\.takeover was left by process \d+ .*cannot be checked from here; if no fixbench is writing this run, delete .*run\.lock\.takeover, then resume/);
      expect(JSON.parse(await readFile(path.join(dir, 'run.lock.takeover'), 'utf8'))).toEqual(taker);
      expect(lockFiles(dir)).toEqual(['run.lock', 'run.lock.takeover']);
    }
  });

  it('a recovery left by a process killed while recovering (run.lock.takeover.takeover, its taker dead) is named, not recursed into', async () => {
    const dir = mkdtempSync(path.join(root, 'twice-'));
    const dead = { pid: await deadPid(), host, start: '1', ...here };
    for (const f of ['run.lock', 'run.lock.takeover', 'run.lock.takeover.takeover']) await writeFile(path.join(dir, f), JSON.stringify(dead));
    await expect(lockRun(dir)).rejects.toThrow(/process \d+ died while taking over .*run\.lock\.takeover; delete .*run\.lock\.takeover\.takeover, then resume/);
    expect(lockFiles(dir)).toEqual(['run.lock', 'run.lock.takeover', 'run.lock.takeover.takeover']);
    await writeFile(path.join(dir, 'run.lock.takeover.takeover'), '');
    await expect(lockRun(dir)).rejects.toThrow(/a process \(.*run\.lock\.takeover\.takeover is damaged\) died while taking over .*run\.lock\.takeover; delete .*run\.lock\.takeover\.takeover, then resume/);
  });

  it('several processes recovering one dead takeover at once: never two holders of the lock at a time', async () => {
    for (let round = 0; round < 3; round++) {
      const dir = mkdtempSync(path.join(root, 'race-'));
      const dead = { pid: await deadPid(), host, start: '1', ...here };
      await writeFile(path.join(dir, 'run.lock'), JSON.stringify(dead));
      await writeFile(path.join(dir, 'run.lock.takeover'), JSON.stringify(dead));
      await expectOneHolderAtATime(dir);
      expect(lockFiles(dir)).toEqual([]);
    }
  }, 60_000);
});

describe('damaged run.lock', () => {
  it('an empty or torn run.lock is taken over: locks are linked into place whole, so no live writer has one', async () => {
    for (const text of ['', '{"pid":12', 'null', '{"pid":"123"}', '{"pid":0}']) {
      const dir = mkdtempSync(path.join(root, 'damaged-'));
      await writeFile(path.join(dir, 'run.lock'), text);
      const release = await lockRun(dir);
      expect(JSON.parse(await readFile(path.join(dir, 'run.lock'), 'utf8')).pid).toBe(process.pid);
      await release();
    }
  });

  it('a damaged lock naming another host is still refused', async () => {
    const dir = mkdtempSync(path.join(root, 'damaged-host-'));
    await writeFile(path.join(dir, 'run.lock'), JSON.stringify({ host: 'ci-runner-7' }));
    await expect(lockRun(dir)).rejects.toThrow(/being written on host ci-runner-7/);
  });

  it('what makes that safe: a reader never sees a lock being written (never empty or torn while processes take and release it)', async () => {
    const dir = mkdtempSync(path.join(root, 'whole-'));
    const lock = path.join(dir, 'run.lock');
    const churn = execa(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test', 'fixtures', 'lock', 'churn-lock.mts'), dir, '400'], { cwd: ROOT });
    let seen = 0;
    let done = false;
    void churn.finally(() => (done = true)).catch(() => undefined);
    while (!done) {
      const text = await readFile(lock, 'utf8').catch(() => null);
      if (text === null) continue;
      seen++;
      expect(JSON.parse(text).pid).toBe(churn.pid); // throws on an empty or torn lock
    }
    await churn;
    expect(seen).toBeGreaterThan(0);
  }, 60_000);
});
