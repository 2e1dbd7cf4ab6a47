// Hostile or odd surroundings of the work-folder sweep and the run lock (src/core/work-owner.ts,
// src/store/lock.ts): a FIFO where an owner or lock file should be never blocks a run, and a /proc
// mounted for another pid namespace never makes a live owner look gone; a run.lock that is a link or a
// folder is refused, never read through or taken over.
import { execFileSync } from 'node:child_process';
import { constants, existsSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { OWNER_FILE, sweepDeadWorkFolders } from '../../../src/core/work-owner.ts';
import { lockRun } from '../../../src/store/lock.ts';
import { UserInputError } from '../../../src/core/errors.ts';

const base = mkdtempSync(path.join(os.tmpdir(), 'fbsweep-hostile-'));
const fifos: string[] = [];
afterAll(() => {
  // a reader still blocked in open() (the old code) is let go, so no thread of this worker stays stuck
  for (const f of fifos) {
    try {
      closeSync(openSync(f, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      /* no reader left: nothing to release */
    }
  }
  rmSync(base, { recursive: true, force: true });
});

function fifo(file: string): void {
  execFileSync('mkfifo', [file]);
  fifos.push(file);
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | 'blocked'> => Promise.race([p, new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), ms).unref())]);

describe('FIFOs in place of fixbench files', () => {
  it('the sweep passes over a FIFO named .fixbench-owner at once and leaves its folder', async () => {
    const dir = path.join(base, 'fixbench-attempt-Fifo01');
    mkdirSync(dir);
    fifo(path.join(dir, OWNER_FILE));
    expect(await within(sweepDeadWorkFolders(base), 5000)).toEqual([]);
    expect(existsSync(dir)).toBe(true);
  });

  it('a FIFO named run.lock is no live holder: the lock is taken, without blocking', async () => {
    const run = mkdtempSync(path.join(base, 'run-'));
    fifo(path.join(run, 'run.lock'));
    const unlock = await within(lockRun(run), 5000);
    expect(unlock).toBeTypeOf('function');
    if (typeof unlock === 'function') await unlock();
  });
});

describe('a /proc of another pid namespace', () => {
  it('a live owner is never judged gone when /proc shows other processes under its pid (unshare -p without --mount-proc)', async () => {
    // Inside the new namespace this process is pid 1 and /proc/1 is the host's init: its start time is
    // not the owner's, which must not read as "pid reused".
    const script = [
      "import { readFileSync } from 'node:fs';",
      "import { provablyGone, pidScope } from './src/core/work-owner.ts';",
      "const own = readFileSync('/proc/self/stat', 'utf8');",
      "const start = own.slice(own.lastIndexOf(')') + 2).split(' ')[19];",
      'console.log(JSON.stringify({ pid: process.pid, gone: await provablyGone({ pid: process.pid, start, ...(await pidScope()) }) }));',
    ].join('\n');
    const r = await execa('unshare', ['-pf', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: path.resolve(import.meta.dirname, '../../..') });
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({ pid: 1, gone: false });
  });
});

describe('run.lock that is no file', () => {
  it('a run.lock linking elsewhere is refused, naming it, and nothing it points to is read', async () => {
    const run = mkdtempSync(path.join(base, 'run-link-'));
    const secret = path.join(base, 'secret.json');
    writeFileSync(secret, JSON.stringify({ pid: 4242, host: 'SECRET-FROM-OUTSIDE' }));
    symlinkSync(secret, path.join(run, 'run.lock'));
    const err = await lockRun(run).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect(err!.message).toMatch(/run\.lock: is a symbolic link/);
    expect(err!.message).not.toMatch(/SECRET/);
  });

  it('a folder named run.lock is refused with a clear error, not taken over', async () => {
    const run = mkdtempSync(path.join(base, 'run-dir-'));
    mkdirSync(path.join(run, 'run.lock'));
    const err = await lockRun(run).then(() => null, (e: Error) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect(err!.message).toMatch(/run\.lock: is a folder/);
    expect(existsSync(path.join(run, 'run.lock'))).toBe(true);
  });
});
