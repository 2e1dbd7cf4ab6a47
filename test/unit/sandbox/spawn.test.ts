import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/core/errors.ts';
import { spawnHelperPid } from '../../../src/sandbox/spawn-client.ts';
import { runProcessGroup } from '../../../src/sandbox/spawn.ts';
import { alive, gone } from '../../helpers/process.ts';

// runProcessGroup forks through fixbench's spawn helper (src/sandbox/spawn-helper.mjs): the
// contracts of a direct spawn hold, and the helper's death fails its commands closed.
describe('runProcessGroup through the spawn helper', () => {
  let dir: string;
  const bash = (script: string, extra: Partial<Parameters<typeof runProcessGroup>[0]> = {}) =>
    runProcessGroup({ file: '/bin/bash', args: ['--norc', '-c', script], cwd: dir, env: { PATH: '/usr/bin:/bin' }, timeoutMs: 30_000, ...extra });

  /** Polls until `file` holds a line (a pid the command wrote). */
  async function pidIn(file: string): Promise<number> {
    for (let i = 0; i < 500; i++) {
      const text = await readFile(file, 'utf8').catch(() => '');
      if (text.endsWith('\n')) return Number(text.trim());
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${file}: no pid written`);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fixbench-spawn-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the environment whole and adds nothing of the parent environment', async () => {
    const { result } = await runProcessGroup({ file: '/usr/bin/env', args: [], cwd: dir, env: { ONLY: 'this one' }, timeoutMs: 30_000 });
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false, stdout: 'ONLY=this one\n', stderr: '' });
  });

  it('returns what the command wrote to fd 3 with statusFd, and pipes input to stdin', async () => {
    const { result, status } = await bash('echo started >&3; cat; echo err >&2; exit 3', { statusFd: true, input: 'héllo' });
    expect(status).toBe('started\n');
    expect(result).toMatchObject({ exitCode: 3, stdout: 'héllo', stderr: 'err\n' });
  });

  it('caps the capture of a command printing more than the cap, and drains the rest', async () => {
    const { result } = await bash('head -c 3000000 /dev/zero | tr "\\0" x; echo done >&2', { maxOutputBytes: 1000 });
    expect(result.stdout).toBe('x'.repeat(1000));
    expect(result).toMatchObject({ truncated: true, exitCode: 0, stderr: 'done\n' });
  });

  it('runs the command as a process group leader, and kills what the leader leaves behind', async () => {
    const { result } = await bash(`echo "$$ $(ps -o pgid= $$)" ; sleep 30 & echo $! > ${dir}/bg`);
    const [pid, pgid] = result.stdout.trim().split(/\s+/).map(Number);
    expect(pgid).toBe(pid);
    expect(await gone(Number((await readFile(join(dir, 'bg'), 'utf8')).trim()))).toBe(true);
  });

  it('an abort kills the whole group', async () => {
    const ac = new AbortController();
    const running = bash(`sleep 30 & echo $! > ${dir}/abort-bg; wait`, { signal: ac.signal });
    const bg = await pidIn(join(dir, 'abort-bg'));
    ac.abort();
    const { result } = await running;
    expect(result.signal).toBe('SIGKILL');
    expect(await gone(bg)).toBe(true);
  });

  it('a program that does not exist is an InfraError', async () => {
    await expect(runProcessGroup({ file: join(dir, 'no-such-program'), args: [], cwd: dir, env: {}, timeoutMs: 30_000 })).rejects.toThrow(/sandbox could not start .*no-such-program/);
  });

  it('the helper dying mid-command fails the command as InfraError, kills its group, and the next command gets a new helper', async () => {
    const running = bash(`sleep 30 & echo $! > ${dir}/die-bg; echo $$ > ${dir}/die-leader; wait`);
    const leader = await pidIn(join(dir, 'die-leader'));
    const bg = await pidIn(join(dir, 'die-bg'));
    const helper = spawnHelperPid();
    expect(helper).toBeGreaterThan(0);
    expect(alive(leader) && alive(bg)).toBe(true);
    process.kill(helper!, 'SIGKILL');
    const err = await running.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toMatch(/spawn helper died/);
    expect(await gone(leader)).toBe(true);
    expect(await gone(bg)).toBe(true);
    const { result } = await bash('echo again');
    expect(result.stdout).toBe('again\n');
    expect(spawnHelperPid()).not.toBe(helper);
  });
});
