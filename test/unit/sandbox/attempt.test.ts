// isolateAttempt: every command of the attempt gets the attempt's HOME and TMPDIR (a caller cannot
// swap them), the sandbox's own commands do not, and cleanup removes everything, also folders the
// agent made unreadable.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isolateAttempt } from '../../../src/sandbox/attempt.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!().catch(() => {});
});

describe('isolateAttempt', () => {
  it("gives every command the attempt's HOME and TMPDIR, outside the workspace, and removes them", async () => {
    const sandbox = new LocalSandbox();
    cleanups.push(() => sandbox.cleanup());
    const ws = await mkdtemp(path.join(os.tmpdir(), 'fixbench-iso-ws-'));
    cleanups.push(() => rm(ws, { recursive: true, force: true }));
    const own = await isolateAttempt(sandbox);
    const r = await own.sandbox.exec('echo "$HOME"; echo "$TMPDIR"', { cwd: ws, timeoutMs: 10_000, home: '/elsewhere', tmpDir: '/elsewhere' });
    expect(r.stdout).toBe(`${own.home}\n${own.tmpDir}\n`);
    expect(own.home.startsWith(ws)).toBe(false);
    const setup = await sandbox.exec('echo "$HOME"', { cwd: ws, timeoutMs: 10_000, network: true });
    expect(setup.stdout.trim()).not.toBe(own.home);
    // An agent that hides its leftovers behind a mode-000 folder still gets them removed.
    await mkdir(path.join(own.home, 'locked', 'deep'), { recursive: true });
    await writeFile(path.join(own.home, 'locked', 'deep', 'f'), 'x');
    await chmod(path.join(own.home, 'locked'), 0o000);
    await own.cleanup();
    await own.cleanup();
    expect(existsSync(path.dirname(own.home))).toBe(false);
  });
});
