import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expectRanAsCommand, OPTION_LIKE } from '../../helpers/option-like.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InfraError } from '../../../src/core/errors.ts';
import { LocalSandbox } from '../../../src/sandbox/local.ts';
import { alive, gone } from '../../helpers/process.ts';

const BIN = resolve(import.meta.dirname, '../../fixtures/bin');
const MiB = 1024 * 1024;


describe('LocalSandbox', () => {
  let cwd: string;
  const sandbox = new LocalSandbox();
  const run = (command: string, opts: { timeoutMs?: number; env?: Record<string, string>; maxOutputBytes?: number; input?: string } = {}) =>
    sandbox.exec(command, { cwd, timeoutMs: 60_000, ...opts });

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'fixbench-sbx-test-'));
  });
  afterAll(async () => {
    await sandbox.cleanup();
    await rm(cwd, { recursive: true, force: true });
  });

  it('returns exit code, stdout and stderr of a failing command without throwing', async () => {
    const res = await run('echo out; echo err >&2; exit 7');
    expect(res).toMatchObject({ exitCode: 7, signal: null, timedOut: false, stdout: 'out\n', stderr: 'err\n', truncated: false });
    expect(res.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('runs in the given cwd and pipes input to stdin', async () => {
    const res = await run('pwd; cat', { input: 'hello' });
    expect(res.stdout).toBe(`${cwd}\nhello`);
  });

  it('runs a command text starting with - or + as a command, not as bash\'s options (`bash -c -O` would print shopt, exit 0)', async () => {
    for (const [command] of OPTION_LIKE) {
      const res = await run(command);
      expectRanAsCommand(command, res);
    }
  });

  it('gives an empty stdin when no input is given (a reader does not hang)', async () => {
    const res = await run('cat; echo done');
    expect(res.stdout).toBe('done\n');
  });

  describe('environment scrubbing', () => {
    const planted = { OPENROUTER_API_KEY: 'sk-or-secret', GITHUB_TOKEN: 'ghp_secret', SOME_PASSWORD: 'hunter2' };
    beforeAll(() => Object.assign(process.env, planted));
    afterAll(() => {
      for (const k of Object.keys(planted)) delete process.env[k];
    });

    it('passes no variable of the parent, so no API key or token reaches the command', async () => {
      const res = await run('env');
      for (const secret of Object.values(planted)) expect(res.stdout).not.toContain(secret);
      const names = res.stdout.split('\n').filter(Boolean).map((l) => l.split('=')[0]);
      expect(names.filter((n) => /(_API_KEY|_TOKEN|PASSWORD)$/.test(n!))).toEqual([]);
    });

    it('sets the fixed variables and the caller\'s extra ones', async () => {
      const res = await run('echo "$NO_COLOR $CI $FORCE_COLOR $TERM $LANG $LC_ALL $EXTRA"', { env: { EXTRA: 'yes' } });
      expect(res.stdout).toBe('1 1 0 dumb C.UTF-8 C.UTF-8 yes\n');
    });

    it('uses a temp HOME and TMPDIR, not the user\'s', async () => {
      const res = await run('echo "$HOME"; echo "$TMPDIR"; test -d "$HOME" && test -d "$TMPDIR" && echo ok');
      const [home, tmp, ok] = res.stdout.trim().split('\n');
      expect(home).not.toBe(process.env.HOME);
      expect(home).toContain('fixbench-sandbox-');
      expect(tmp).toContain('fixbench-sandbox-');
      expect(ok).toBe('ok');
    });
  });

  describe('timeouts', () => {
    let pidFile: string;
    afterEach(async () => {
      const pid = Number(await readFile(pidFile, 'utf8').catch(() => '0'));
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
    });

    it('on timeout kills the whole process group, grandchildren included', async () => {
      pidFile = join(cwd, 'grandchild.pid');
      const res = await run(`node ${BIN}/forever.mjs ${pidFile}`, { timeoutMs: 2000 });
      expect(res).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
      expect(res.stdout).toBe('started\n');
      const grandchild = Number(await readFile(pidFile, 'utf8'));
      expect(grandchild).toBeGreaterThan(0);
      expect(await gone(grandchild)).toBe(true);
    });

    it('kills what a finished command left running in the background, without waiting for the timeout', async () => {
      pidFile = join(cwd, 'bg.pid');
      const res = await run(`sleep 1000 & echo $! > ${pidFile}; exit 0`, { timeoutMs: 600_000 });
      expect(res).toMatchObject({ timedOut: false, exitCode: 0 });
      expect(await gone(Number(await readFile(pidFile, 'utf8')))).toBe(true);
    });
  });

  describe('output', () => {
    it('caps each stream at maxOutputBytes, marks truncated, and lets the command finish', async () => {
      const res = await run(`node ${BIN}/noisy.mjs ${3 * MiB} ${2 * MiB}`, { maxOutputBytes: MiB });
      expect(res.exitCode).toBe(0);
      expect(res.truncated).toBe(true);
      expect(res.stdout.length).toBe(MiB);
      expect(res.stderr.length).toBe(MiB);
      expect(res.stdout).toMatch(/^x+$/);
    });

    it('is not truncated when output fits the cap', async () => {
      const res = await run(`node ${BIN}/noisy.mjs 1000 0`, { maxOutputBytes: 1000 });
      expect(res).toMatchObject({ truncated: false, exitCode: 0 });
      expect(res.stdout.length).toBe(1000);
    });

    it('decodes multi-byte characters written one byte at a time', async () => {
      const res = await run(`node ${BIN}/split-utf8.mjs`);
      expect(res.stdout).toBe('é€😀\n');
    });

    it('replaces invalid UTF-8 with U+FFFD instead of failing', async () => {
      const res = await run("printf 'a\\377b'");
      expect(res.stdout).toBe('a\uFFFDb');
    });
  });

  it('throws InfraError for a cwd that does not exist (the harness\'s fault, not the command\'s)', async () => {
    await expect(sandbox.exec('true', { cwd: join(cwd, 'missing'), timeoutMs: 1000 })).rejects.toBeInstanceOf(InfraError);
    await expect(sandbox.exec('true', { cwd: 'relative', timeoutMs: 1000 })).rejects.toBeInstanceOf(InfraError);
  });

  it('throws InfraError for a cwd outside its roots, as an isolating backend would', async () => {
    const err = await sandbox.exec('true', { cwd: '/usr', timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfraError);
    expect((err as Error).message).toMatch(/outside the sandbox's roots/);
    await expect(sandbox.exec('true', { cwd: tmpdir(), timeoutMs: 1000 })).rejects.toBeInstanceOf(InfraError);
  });
});

describe('LocalSandbox timer', () => {
  it('treats a timeout beyond setTimeout\'s range as "very long", not as "now"', async () => {
    const sandbox = new LocalSandbox();
    const cwd = await mkdtemp(join(tmpdir(), 'fixbench-sbx-test-'));
    const res = await sandbox.exec('sleep 0.2; echo done', { cwd, timeoutMs: 2 ** 40 });
    await sandbox.cleanup();
    await rm(cwd, { recursive: true, force: true });
    expect(res).toMatchObject({ timedOut: false, exitCode: 0, stdout: 'done\n' });
  });
});
