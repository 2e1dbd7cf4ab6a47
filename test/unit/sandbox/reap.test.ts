// Under `local`, nothing a command starts outlives it (issue 13.7): a `setsid` double-forked
// sleeper writing a heartbeat file is killed when the command returns.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { MARKER_VAR, markedPids } from '../../../src/sandbox/reap.ts';

let dir: string;
const sandboxes: LocalSandbox[] = [];
afterEach(async () => {
  for (const s of sandboxes.splice(0)) await s.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A heartbeat every 50 ms from a process in its own session, reparented away from the command (double fork).
const SLEEPER = `(setsid bash -c 'echo $$ > pid; while true; do date +%s%N > beat; sleep 0.05; done' </dev/null >/dev/null 2>&1 &) ; sleep 0.3; echo started`;

describe('local sandbox: no process outlives its command', () => {
  it('kills a setsid, double-forked heartbeat writer when the command returns', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-reap-'));
    const sandbox = new LocalSandbox();
    sandboxes.push(sandbox);
    const r = await sandbox.exec(SLEEPER, { cwd: dir, timeoutMs: 10_000 });
    expect(r.stdout).toContain('started');
    const pid = Number((await readFile(path.join(dir, 'pid'), 'utf8')).trim());
    const before = (await stat(path.join(dir, 'beat'))).mtimeMs;
    await sleep(400);
    // No heartbeat since, and the process is gone (or a zombie awaiting its reaper).
    expect((await stat(path.join(dir, 'beat'))).mtimeMs).toBe(before);
    const state = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => 'gone');
    expect(state === 'gone' || / Z /.test(state), state).toBe(true);
  }, 20_000);

  it('kills it after a timeout too, and the marker names only that command', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-reap-'));
    const sandbox = new LocalSandbox();
    sandboxes.push(sandbox);
    const r = await sandbox.exec(`${SLEEPER}; echo "$${MARKER_VAR}" > marker; sleep 30`, { cwd: dir, timeoutMs: 1_000 });
    expect(r.timedOut).toBe(true);
    const marker = (await readFile(path.join(dir, 'marker'), 'utf8')).trim();
    expect(marker).toMatch(/^[0-9a-f]{24}$/);
    const before = (await stat(path.join(dir, 'beat'))).mtimeMs;
    await sleep(400);
    expect((await stat(path.join(dir, 'beat'))).mtimeMs).toBe(before);
    expect(await markedPids(marker)).toEqual([]);
  }, 20_000);
});
