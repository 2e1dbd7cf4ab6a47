// The sandboxes' own temp folders (`fixbench-bwrap-*`: setup HOMEs; `fixbench-sandbox-*`: the local
// sandbox's HOME/TMPDIR) carry an owner file like the run's and the attempts' (src/core/work-owner.ts):
// a killed process's are swept, a live one's never; the owner file lies where no container reaches it;
// foreign, linked or forged ones are left.
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { OWNER_FILE, pidScope, processStart, sweepDeadWorkFolders } from '../../../src/core/work-owner.ts';
import { isolateAttempt } from '../../../src/sandbox/attempt.ts';
import { BwrapSandbox } from '../../../src/sandbox/bwrap.ts';
import { ROOT } from '../../helpers/cli.ts';
import { gone } from '../../helpers/process.ts';
import { bwrapUsable } from '../sandbox/bwrap-usable.ts';

const base = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'fbsweep-sb-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const here = await pidScope();
const HOLD = path.join(ROOT, 'test', 'fixtures', 'work-owner', 'hold-sandbox-folders.mts');

async function until(ok: () => boolean, limitMs = 30_000): Promise<void> {
  for (const end = Date.now() + limitMs; !ok() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 20));
}

async function deadPid(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid!;
}

describe('the sandboxes\' temp folders', () => {
  it('regression: a kill -9ed process left fixbench-bwrap-* and fixbench-sandbox-* for good; now the next sweep removes them, never while their owner runs', async () => {
    const tmp = mkdtempSync(path.join(base, 'kill-'));
    const cwd = mkdtempSync(path.join(tmp, 'ws-'));
    const backend = bwrapUsable ? 'bwrap' : 'local';
    const child = execa(process.execPath, ['--import', 'tsx', HOLD, backend, cwd], { cwd: ROOT, env: { TMPDIR: tmp }, reject: false });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => out.includes('READY') || child.exitCode !== null);
    expect(out).toContain('READY');
    const folders = () => readdirSync(tmp).filter((n) => n.startsWith('fixbench-')).map((n) => path.join(tmp, n)).sort();
    const kinds = bwrapUsable ? ['bwrap', 'sandbox'] : ['sandbox'];
    expect(folders().map((f) => path.basename(f).split('-')[1])).toEqual(kinds);
    let setupHome = '';
    if (bwrapUsable) {
      const homes = folders()[0]!;
      await until(() => readdirSync(homes).some((n) => n.startsWith('home-') && existsSync(path.join(homes, n, 'where'))));
      setupHome = path.join(homes, readdirSync(homes).find((n) => n.startsWith('home-'))!);
    }
    for (const f of folders()) expect(JSON.parse(readFileSync(path.join(f, OWNER_FILE), 'utf8'))).toEqual({ pid: child.pid, start: await processStart(child.pid!), ...here });

    expect(await sweepDeadWorkFolders(tmp)).toEqual([]); // its owner runs: left
    expect(folders()).toHaveLength(kinds.length);

    child.kill('SIGKILL');
    await child;
    expect(await gone(child.pid!)).toBe(true);
    const left = folders();
    expect((await sweepDeadWorkFolders(tmp)).sort()).toEqual(left);
    expect(folders()).toEqual([]);
    if (bwrapUsable) expect(existsSync(setupHome)).toBe(false);
  }, 90_000);

  it.runIf(bwrapUsable)('a sandboxed command cannot reach the owner file: the setup HOMEs\' folder and the attempt\'s folder are never bound', async () => {
    const cwd = mkdtempSync(path.join(base, 'ws-'));
    const sandbox = new BwrapSandbox();
    try {
      const forge = 'for d in "$HOME" "$TMPDIR"; do p=$(dirname "$d"); ls -A "$p"; printf \'{"pid":1}\' > "$p/.fixbench-owner"; rm -rf "$p/.fixbench-owner" 2>/dev/null; done; echo "HOME=$HOME"';
      // a setup (network, no HOME given): a fresh HOME inside the sandbox's fixbench-bwrap-* folder
      const setup = await sandbox.exec(forge, { cwd, network: true, timeoutMs: 60_000 });
      expect(setup.exitCode).toBe(0);
      const home = /HOME=(.*)/.exec(setup.stdout)![1]!;
      const homes = path.dirname(home);
      expect(path.basename(homes)).toMatch(/^fixbench-bwrap-/);
      expect(setup.stdout).not.toContain(OWNER_FILE); // not even seen
      expect(JSON.parse(readFileSync(path.join(homes, OWNER_FILE), 'utf8')).pid).toBe(process.pid);
      // an attempt's commands: HOME and TMPDIR are folders below the attempt's fixbench-attempt-*
      const own = await isolateAttempt(sandbox, base);
      try {
        const r = await own.sandbox.exec(forge, { cwd, timeoutMs: 60_000 });
        expect(r.exitCode).toBe(0);
        expect(r.stdout).not.toContain(OWNER_FILE);
        expect(JSON.parse(readFileSync(path.join(path.dirname(own.home), OWNER_FILE), 'utf8')).pid).toBe(process.pid);
      } finally {
        await own.cleanup();
      }
    } finally {
      await sandbox.cleanup();
    }
  }, 90_000);

  it('foreign, linked or forged owner files of these folders are left; a dead owner\'s folder beside them goes', async () => {
    const dir = mkdtempSync(path.join(base, 'forged-'));
    const dead = await deadPid();
    const mk = (name: string, owner: unknown | null): string => {
      const f = path.join(dir, name);
      mkdirSync(path.join(f, 'home-aaaaaa'), { recursive: true });
      writeFileSync(path.join(f, 'home-aaaaaa', 'x'), 'x');
      if (owner !== null) writeFileSync(path.join(f, OWNER_FILE), JSON.stringify(owner));
      return f;
    };
    const gone1 = mk('fixbench-sandbox-gggggg', { pid: dead, start: '1', ...here });
    const otherNs = mk('fixbench-bwrap-aaaaaa', { pid: dead, start: '1', pidns: 'pid:[1]', boot: here.boot });
    const liveForged = mk('fixbench-bwrap-bbbbbb', { pid: process.ppid, start: await processStart(process.ppid), ...here });
    const linkedOwner = mk('fixbench-bwrap-cccccc', null);
    writeFileSync(path.join(base, 'owner-elsewhere'), JSON.stringify({ pid: dead, start: '1', ...here }));
    symlinkSync(path.join(base, 'owner-elsewhere'), path.join(linkedOwner, OWNER_FILE));
    const victim = mk('victim', { pid: dead, start: '1', ...here });
    symlinkSync(victim, path.join(dir, 'fixbench-sandbox-dddddd'));
    const kept = [otherNs, liveForged, linkedOwner, victim, path.join(dir, 'fixbench-sandbox-dddddd')];
    if (process.getuid?.() === 0) {
      // another user's folder, and our folder holding another user's owner file
      const theirs = mk('fixbench-sandbox-eeeeee', { pid: dead, start: '1', ...here });
      chownSync(theirs, 12345, 12345);
      const theirOwner = mk('fixbench-bwrap-ffffff', { pid: dead, start: '1', ...here });
      chownSync(path.join(theirOwner, OWNER_FILE), 12345, 12345);
      kept.push(theirs, theirOwner);
    }
    expect(await sweepDeadWorkFolders(dir)).toEqual([gone1]);
    for (const f of kept) expect(existsSync(f)).toBe(true);
    expect(readdirSync(victim).sort()).toEqual([OWNER_FILE, 'home-aaaaaa']);
  });
});
