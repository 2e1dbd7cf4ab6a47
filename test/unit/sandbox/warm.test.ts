// Warm containers (src/sandbox/warm.ts) through an attempt's sandbox view: the same results as a
// cold container, one container per command, nothing alive between commands, unused ones reaped.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectRanAsCommand, OPTION_LIKE } from '../../helpers/option-like.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolateAttempt, type AttemptIsolation } from '../../../src/sandbox/attempt.ts';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { killGroup } from '../../../src/sandbox/process-group.ts';
import type { ExecOptions, ExecResult } from '../../../src/sandbox/types.ts';
import { WARM_DELAY_MS } from '../../../src/sandbox/warm.ts';
import { bwrapUsable } from './bwrap-usable.ts';
import { processesMarked, until } from '../../helpers/proc-marked.ts';

/** The parts of a result both paths must agree on (not the time). */
const same = (r: ExecResult) => ({ ...r, durationMs: 0 });

describe.runIf(bwrapUsable)('warm containers (bwrap, an attempt\'s sandbox view)', () => {
  const sandbox = new BwrapSandbox();
  let root: string;
  let cwd: string;
  let own: AttemptIsolation;
  const opts = (more: Partial<ExecOptions> = {}): ExecOptions => ({ cwd, timeoutMs: 30_000, ...more });
  /** The command through a warm container of the view (started first, and running when dispatched). */
  const warmExec = async (command: string, o: ExecOptions, mark = randomUUID()): Promise<ExecResult> => {
    const withMark = { ...o, env: { ...o.env, WARM_MARK: mark } };
    own.sandbox.warmNext!(withMark);
    expect(await until(() => processesMarked(mark).length > 0)).toBe(true);
    return own.sandbox.exec(command, withMark);
  };
  /** The same command cold, with the view's own options (HOME, TMPDIR, info folder). */
  const coldExec = (command: string, o: ExecOptions, mark: string): Promise<ExecResult> =>
    sandbox.exec(command, { ...o, env: { ...o.env, WARM_MARK: mark }, home: own.home, tmpDir: own.tmpDir, readOnly: [own.infoDir] });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-warm-test-'));
    cwd = mkdtempSync(join(root, 'ws-'));
    own = await isolateAttempt(sandbox);
  });
  afterAll(async () => {
    await own.cleanup();
    await sandbox.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('gives the cold path\'s output, exit code and stdin, for text the launcher must not interpret', async () => {
    const commands: [string, Partial<ExecOptions>][] = [
      ['echo out; echo err >&2; exit 7', {}],
      ['-x', {}], // a leading dash: a command (not found), as cold
      ["printf '%s|' \"$0\" \"$#\"; echo 'a\\b'\n\n  echo \"  x  \"\n\n", {}],
      ['cat; echo; ls -l /proc/self/fd/0 | sed "s/.*-> //"', {}], // empty stdin: /dev/null, as cold
      ['cat', { input: 'line 1\nline 2 \\ $HOME' }],
      ['echo "$WARM_MARK" | wc -c; printf %s "$HOME" "$TMPDIR"; pwd', {}],
      [`x='${'y'.repeat(100_000)}'; echo \${#x}; echo ünï`, {}],
    ];
    for (const [command, more] of commands) {
      const mark = randomUUID();
      const warm = await warmExec(command, opts(more), mark);
      const cold = await coldExec(command, opts(more), mark);
      expect(same(warm), command.slice(0, 40)).toEqual(same(cold));
    }
  });

  it('runs a command starting with - or + as a command, not as bash\'s options (warm and cold alike)', async () => {
    for (const [command] of OPTION_LIKE) {
      const mark = randomUUID();
      for (const res of [await warmExec(command, opts(), mark), await coldExec(command, opts(), mark)]) {
        expectRanAsCommand(command, res);
      }
    }
  }, 60_000);

  it('a NUL byte or a command over one argument\'s limit goes the cold way, with the cold result', async () => {
    for (const command of ['echo a\0b', `echo ${'z'.repeat(140_000)}`]) {
      const mark = randomUUID();
      const warm = await warmExec(command, opts(), mark).then(same, (e: Error) => e.message);
      const cold = await coldExec(command, opts(), mark).then(same, (e: Error) => e.message);
      expect(warm).toEqual(cold);
      expect(await until(() => processesMarked(mark).length === 0)).toBe(true);
    }
  });

  it('times out from the dispatch, not from the container\'s start, and kills the group; durationMs counts from the dispatch', async () => {
    const mark = randomUUID();
    own.sandbox.warmNext!(opts({ env: { WARM_MARK: mark } }));
    expect(await until(() => processesMarked(mark).length > 0)).toBe(true);
    await new Promise((r) => setTimeout(r, 1200));
    // the container (its PID 1) started over a second before the command: the warm one was used
    const age = 'echo $(( $(cut -d" " -f22 /proc/self/stat) - $(cut -d" " -f22 /proc/1/stat) ))';
    const ok = await own.sandbox.exec(`sleep 0.2; echo done; ${age}`, opts({ env: { WARM_MARK: mark }, timeoutMs: 1000 }));
    expect(ok).toMatchObject({ exitCode: 0, timedOut: false });
    const [done, ticks] = ok.stdout.trim().split('\n');
    expect(done).toBe('done');
    expect(Number(ticks)).toBeGreaterThanOrEqual(100); // clock ticks: 100 per second
    expect(ok.durationMs).toBeLessThan(1000);
    const late = await warmExec(`sleep 30 & echo started; wait`, opts({ timeoutMs: 300 }), mark);
    expect(late).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: true, stdout: 'started\n' });
    expect(await until(() => processesMarked(mark).length === 0)).toBe(true);
  });

  it('an abort kills the command as it does cold (timedOut stays false)', async () => {
    const mark = randomUUID();
    const ac = new AbortController();
    own.sandbox.warmNext!(opts({ signal: ac.signal, env: { WARM_MARK: mark } }));
    expect(await until(() => processesMarked(mark).length > 0)).toBe(true);
    setTimeout(() => ac.abort(), 300);
    const res = await own.sandbox.exec('echo up; sleep 30', opts({ signal: ac.signal, env: { WARM_MARK: mark } }));
    expect(res).toMatchObject({ exitCode: null, signal: 'SIGKILL', timedOut: false, stdout: 'up\n' });
    expect(await until(() => processesMarked(mark).length === 0)).toBe(true);
  });

  it('no process of a command survives it: a background sleep of command 1 is gone before command 2\'s container starts', async () => {
    const bg = randomUUID();
    const first = await warmExec(`BG_MARK=${bg} setsid sleep 1000 >/dev/null 2>&1 & echo bg`, opts());
    expect(first.stdout).toBe('bg\n');
    // killed with the container's PID namespace, which the kernel empties just after the command ends (as cold)
    expect(await until(() => processesMarked(bg).length === 0, 2000)).toBe(true);
    const mark = randomUUID();
    own.sandbox.warmNext!(opts({ env: { WARM_MARK: mark } }));
    expect(await until(() => processesMarked(mark).length > 0)).toBe(true);
    expect(processesMarked(bg)).toEqual([]);
    // the waiting container runs no command: its processes are bwrap's and the launcher's only
    const names = processesMarked(mark).map((p) => readFileSync(`/proc/${p}/comm`, 'utf8').trim());
    expect(names.filter((n) => n !== 'bwrap' && n !== 'bash')).toEqual([]);
    // and the command, once dispatched, sees only its own container's processes
    const ps = await own.sandbox.exec('ls /proc | grep -c "^[0-9]"', opts({ env: { WARM_MARK: mark } }));
    expect(Number(ps.stdout)).toBeLessThanOrEqual(4);
  });

  it('a command whose options differ discards the waiting container and runs with its own options', async () => {
    const mark = randomUUID();
    own.sandbox.warmNext!(opts({ env: { WARM_MARK: mark, WHICH: 'warm' } }));
    expect(await until(() => processesMarked(mark).length > 0)).toBe(true);
    const res = await own.sandbox.exec('echo "$WHICH"', opts({ env: { WHICH: 'other' } }));
    expect(res.stdout).toBe('other\n');
    expect(await until(() => processesMarked(mark).length === 0)).toBe(true);
  });

  it('a waiting container that was killed falls back to a fresh container (no error)', async () => {
    const mark = randomUUID();
    own.sandbox.warmNext!(opts({ env: { WARM_MARK: mark } }));
    expect(await until(() => processesMarked(mark).length > 0)).toBe(true);
    for (const p of processesMarked(mark)) {
      try {
        killGroup(p);
      } catch {
        process.kill(p, 'SIGKILL');
      }
    }
    expect(await until(() => processesMarked(mark).length === 0)).toBe(true);
    const res = await own.sandbox.exec('echo fresh; exit 4', opts({ env: { WARM_MARK: mark } }));
    expect(res).toMatchObject({ exitCode: 4, stdout: 'fresh\n', timedOut: false });
  });

  it('an unused container is killed by dropWarm and by the attempt\'s cleanup', async () => {
    const a = randomUUID();
    own.sandbox.warmNext!(opts({ env: { WARM_MARK: a } }));
    expect(await until(() => processesMarked(a).length > 0)).toBe(true);
    own.sandbox.dropWarm!();
    expect(await until(() => processesMarked(a).length === 0)).toBe(true);

    const other = await isolateAttempt(sandbox);
    const b = randomUUID();
    other.sandbox.warmNext!(opts({ env: { WARM_MARK: b } }));
    expect(await until(() => processesMarked(b).length > 0)).toBe(true);
    await other.cleanup();
    expect(await until(() => processesMarked(b).length === 0)).toBe(true);
  });

  it('an abort before the command kills the waiting container; the next hint starts a fresh one', async () => {
    const mark = randomUUID();
    const ac = new AbortController();
    own.sandbox.warmNext!(opts({ signal: ac.signal, env: { WARM_MARK: mark } }));
    expect(await until(() => processesMarked(mark).length > 0)).toBe(true);
    ac.abort();
    expect(await until(() => processesMarked(mark).length === 0)).toBe(true);
    const next = randomUUID();
    const res = await warmExec('echo again', opts(), next);
    expect(res.stdout).toBe('again\n');
  });

  it('a command sent before the container is due runs cold, and no container starts after it', async () => {
    const mark = randomUUID();
    own.sandbox.warmNext!(opts({ env: { WARM_MARK: mark } }));
    const res = await own.sandbox.exec('echo now', opts({ env: { WARM_MARK: mark } }));
    expect(res.stdout).toBe('now\n');
    await new Promise((r) => setTimeout(r, WARM_DELAY_MS + 300));
    expect(processesMarked(mark)).toEqual([]);
  });
});
