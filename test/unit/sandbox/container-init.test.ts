// Nothing of the agent runs before its command, and no container outlives its command or its drop:
// (1) no container bash sources the agent's ~/.bashrc (warm or cold, stdin a socket or not);
// (2) a container's init that left bwrap's process group (bwrap's child after --new-session, before
// --die-with-parent is armed) is killed from the pid bwrap reports on --info-fd, and exec / drop
// resolve only once it is gone.
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolateAttempt, type AttemptIsolation } from '../../../src/sandbox/attempt.ts';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import type { ExecOptions } from '../../../src/sandbox/types.ts';
import { WARM_DELAY_MS } from '../../../src/sandbox/warm.ts';
import { bwrapUsable } from './bwrap-usable.ts';
import { processesMarked, until } from '../../helpers/proc-marked.ts';

describe.runIf(bwrapUsable)('no startup file of the agent runs in a container (bwrap)', () => {
  const sandbox = new BwrapSandbox();
  let root: string;
  let cwd: string;
  let own: AttemptIsolation;
  const opts = (more: Partial<ExecOptions> = {}): ExecOptions => ({ cwd, timeoutMs: 30_000, ...more });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'fixbench-rc-test-'));
    cwd = mkdtempSync(join(root, 'ws-'));
    own = await isolateAttempt(sandbox);
  });
  afterAll(async () => {
    await own.cleanup();
    await sandbox.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('the agent\'s ~/.bashrc and ~/.bash_profile never run: not in a waiting warm container, not for a command given input', async () => {
    const planted = await own.sandbox.exec(
      `for f in .bashrc .bash_profile .profile; do echo 'echo "$0 $$" >> "$PWD/rc-ran.log"; echo RC-OUTPUT' > ~/$f; done; echo planted`,
      opts(),
    );
    expect(planted.stdout).toBe('planted\n');
    const mark = randomUUID();
    own.sandbox.warmNext!(opts({ env: { WARM_MARK: mark } }));
    expect(await until(() => processesMarked(mark).length > 0)).toBe(true);
    await new Promise((r) => setTimeout(r, 300)); // a startup file would have run by now
    const warm = await own.sandbox.exec('echo warm', opts({ env: { WARM_MARK: mark } }));
    expect(warm).toMatchObject({ exitCode: 0, stdout: 'warm\n' });
    const warmIn = await own.sandbox.exec('cat', opts({ input: 'in\n' }));
    expect(warmIn.stdout).toBe('in\n');
    for (const input of ['x\n', undefined]) {
      const cold = await sandbox.exec('cat; echo cold', { ...opts(input === undefined ? {} : { input }), home: own.home, tmpDir: own.tmpDir });
      expect(cold.stdout).toBe(`${input ?? ''}cold\n`);
    }
    expect(existsSync(join(cwd, 'rc-ran.log')) ? readFileSync(join(cwd, 'rc-ran.log'), 'utf8') : '').toBe('');
  });

  it('warm containers dropped at random moments of their set-up, and cold commands with tiny timeouts, are gone once dropWarm / exec resolve', async () => {
    const mark = randomUUID();
    const o = opts({ env: { WARM_MARK: mark } });
    for (let i = 0; i < 12; i++) {
      own.sandbox.warmNext!(o);
      await new Promise((r) => setTimeout(r, WARM_DELAY_MS + Math.random() * 60));
      await own.sandbox.dropWarm!();
      expect(processesMarked(mark), `drop ${i}`).toEqual([]);
      const res = await sandbox.exec('while :; do sleep 0.05; done', { ...o, timeoutMs: 1 + Math.floor(Math.random() * 40) });
      expect(res.timedOut || res.exitCode !== 0, `cold ${i}`).toBe(true);
      expect(processesMarked(mark), `cold ${i}`).toEqual([]);
    }
  });
});

describe('a container init outside bwrap\'s process group is killed with it (a stand-in bwrap)', () => {
  // The stand-in does what bwrap's window between --new-session and --die-with-parent amounts to: its
  // "init" runs in a session of its own and outlives a kill of bwrap's group; it is reported on
  // --info-fd as bwrap reports its child (with its PID namespace: here the host's). The launcher runs
  // on the host (test commands only).
  const mark = `fixbench-init-${randomUUID()}`;
  let dir: string;
  let fake: string;
  let sandbox: BwrapSandbox;
  let root: string;

  /** The stand-in's "init reported on the info fd" marks, one per container. */
  const reported = () => readdirSync(dir).filter((f) => f.startsWith('reported.'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fixbench-init-test-'));
    root = mkdtempSync(join(dir, 'ws-'));
    fake = join(dir, 'bwrap');
    writeFileSync(
      fake,
      [
        '#!/bin/bash',
        '[ "$1" = --version ] && { echo "bubblewrap 0.8.0"; exit 0; }', // init() asks for it (--size), as of bwrap itself: no container
        'info=',
        'while [ $# -gt 0 ]; do case $1 in --info-fd) info=$2; shift 2;; --) shift; break;; *) shift;; esac; done',
        `setsid bash -c 'trap "" HUP TERM; while :; do sleep 0.05; done; : ${mark}' </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- &`,
        'ns=$(readlink /proc/$!/ns/pid); ns=${ns//[^0-9]/}',
        'if [ -n "$info" ]; then printf \'{\\n    "child-pid": %d,\\n    "pid-namespace": %s\\n}\\n\' $! "$ns" >&"$info"; eval "exec $info>&-"; fi',
        // Only now is the init's pid in the helper's hands: a stand-in has no --die-with-parent, so a kill before this line would orphan it (real bwrap's init dies with bwrap).
        `touch ${join(dir, 'reported')}.$$`,
        'exec "$@"',
        '',
      ].join('\n'),
    );
    chmodSync(fake, 0o755);
    sandbox = new BwrapSandbox({ bwrap: fake, roots: [dir] });
    await sandbox.init();
  });
  afterAll(async () => {
    await sandbox.cleanup();
    for (const p of processesMarked(mark)) process.kill(p, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a command that exits, one that times out and an unused warm container leave no init behind once exec / dropWarm resolve', async () => {
    expect(processesMarked(mark)).toEqual([]); // init()'s trial run left none
    const ok = await sandbox.exec('echo hi', { cwd: root, timeoutMs: 30_000 });
    expect(ok).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
    expect(processesMarked(mark)).toEqual([]);
    const late = await sandbox.exec('sleep 100', { cwd: root, timeoutMs: 300 });
    expect(late.timedOut).toBe(true);
    expect(processesMarked(mark)).toEqual([]);
    const own = await isolateAttempt(sandbox);
    try {
      const reportedBefore = reported().length;
      own.sandbox.warmNext!({ cwd: root, timeoutMs: 30_000 });
      expect(await until(() => processesMarked(mark).length > 0 && reported().length > reportedBefore)).toBe(true);
      await own.sandbox.dropWarm!();
      expect(processesMarked(mark)).toEqual([]);
    } finally {
      await own.cleanup();
    }
  });
});
