// Work folders of dead fixbench processes (src/core/work-owner.ts): removed by the next run's sweep;
// a live owner's folder, one without an owner file, a link, or an owner file that is a link are left.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, chmodSync, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { OWNER_FILE, UNMARKED_AGE_MS, markOwner, mkdtempOwned, pidScope, processStart, sweepDeadWorkFolders } from '../../../src/core/work-owner.ts';

const base = mkdtempSync(path.join(os.tmpdir(), 'fbsweep-'));
const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'fbsweep-target-'));
afterAll(() => {
  for (const d of [base, elsewhere]) rmSync(d, { recursive: true, force: true });
});

function folder(name: string, owner: unknown | null): string {
  const dir = path.join(base, name);
  mkdirSync(path.join(dir, 'home', 'deep'), { recursive: true });
  writeFileSync(path.join(dir, 'home', 'deep', 'f'), 'x');
  if (owner !== null) writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(owner));
  return dir;
}

describe('work folders of dead processes', () => {
  it('markOwner writes this process and its start time', async () => {
    const dir = mkdtempSync(path.join(base, 'mark-'));
    await markOwner(dir);
    const o = JSON.parse(await readFile(path.join(dir, OWNER_FILE), 'utf8'));
    expect(o).toEqual({ pid: process.pid, start: await processStart(process.pid), ...(await pidScope()) });
    expect(o.pidns).toMatch(/^pid:\[\d+\]$/);
    expect(o.boot).toMatch(/^[0-9a-f-]{36}$/);
    expect(o.start).toMatch(/^\d+$/);
  });

  it('the sweep removes only real, named fixbench folders whose owner is dead (pid gone, or reused)', async () => {
    const child = execa('true');
    const dead = child.pid!;
    await child;
    const here = await pidScope();
    const live = { pid: process.ppid, start: await processStart(process.ppid), ...here };
    const gone = folder('fixbench-attempt-aaaaaa', { pid: dead, start: '1', ...here });
    chmodSync(path.join(gone, 'home', 'deep'), 0o000); // as an agent may leave it
    const reused = folder('fixbench-20261206T001122Z-ab12-bbbbbb', { ...live, start: `${live.start}9` });
    // regression: another pid namespace sharing /tmp (a container), another boot, or an older owner
    // file without them: its pid means nothing here, left (the live run's folder was deleted)
    const otherNs = folder('fixbench-attempt-hhhhhh', { pid: dead, start: '1', pidns: 'pid:[1]', boot: here.boot });
    const otherBoot = folder('fixbench-attempt-iiiiii', { pid: dead, start: '1', pidns: here.pidns, boot: '00000000-0000-0000-0000-000000000000' });
    const oldOwner = folder('fixbench-attempt-jjjjjj', { pid: dead, start: '1' });
    const alive = folder('fixbench-attempt-cccccc', live);
    const unowned = folder('fixbench-attempt-dddddd', null);
    const other = folder('notfixbench-eeeeee', { pid: dead, start: '1' });
    // a link named as a work folder, to a folder with a dead owner: neither followed nor removed
    const target = path.join(elsewhere, 'victim');
    mkdirSync(target);
    writeFileSync(path.join(target, OWNER_FILE), JSON.stringify({ pid: dead, start: '1' }));
    symlinkSync(target, path.join(base, 'fixbench-attempt-ffffff'));
    // an owner file that is a link to a dead owner's: not read
    const linkedOwner = folder('fixbench-attempt-gggggg', null);
    writeFileSync(path.join(elsewhere, 'owner'), JSON.stringify({ pid: dead, start: '1' }));
    symlinkSync(path.join(elsewhere, 'owner'), path.join(linkedOwner, OWNER_FILE));

    const removed = await sweepDeadWorkFolders(base);
    expect(removed.sort()).toEqual([reused, gone].sort());
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(reused)).toBe(false);
    for (const d of [alive, unowned, other, linkedOwner, otherNs, otherBoot, oldOwner, path.join(base, 'fixbench-attempt-ffffff')]) expect(existsSync(d)).toBe(true);
    expect(readdirSync(target)).toEqual([OWNER_FILE]);
  });
});

describe('a work folder killed between mkdtemp and its owner mark (atkE12 LOW)', () => {
  const old = (dir: string) => {
    const t = new Date(Date.now() - UNMARKED_AGE_MS - 60_000);
    utimesSync(dir, t, t);
  };

  it('mkdtempOwned gives the named folder (0700) already holding this process as owner, and leaves no staging folder', async () => {
    const b = mkdtempSync(path.join(base, 'owned-'));
    const dir = await mkdtempOwned(b, 'fixbench-attempt-');
    expect(path.basename(dir)).toMatch(/^fixbench-attempt-[A-Za-z0-9]{6}$/);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(path.join(dir, OWNER_FILE), 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(b)).toEqual([path.basename(dir)]);
  });

  it('the sweep removes a staging folder left unmarked (empty, or an empty owner file) once old; a fresh one, one with content, or an unmarked named folder stay', async () => {
    const b = mkdtempSync(path.join(base, 'staging-'));
    const mk = (name: string, files: Record<string, string> = {}, aged = true): string => {
      const d = path.join(b, name);
      mkdirSync(d);
      for (const [f, t] of Object.entries(files)) writeFileSync(path.join(d, f), t);
      if (aged) {
        for (const f of Object.keys(files)) old(path.join(d, f));
        old(d);
      }
      return d;
    };
    const empty = mk('.fixbench-new-aaaaaa');
    const tornOwner = mk('.fixbench-new-bbbbbb', { [OWNER_FILE]: '' });
    const fresh = mk('.fixbench-new-cccccc', {}, false);
    const withContent = mk('.fixbench-new-dddddd', { data: 'x' });
    const named = mk('fixbench-attempt-eeeeee'); // a named folder without an owner: never (it may be another tool's)
    const other = mk('.fixbench-newer-ffffff');
    const removed = await sweepDeadWorkFolders(b);
    expect(removed.sort()).toEqual([empty, tornOwner].sort());
    for (const d of [fresh, withContent, named, other]) expect(existsSync(d)).toBe(true);
  });

  it('a staging folder with a live owner stays; one whose owner is dead goes', async () => {
    const b = mkdtempSync(path.join(base, 'staging-owned-'));
    const child = execa('true');
    const dead = child.pid!;
    await child;
    const here = await pidScope();
    const live = folder(path.relative(base, path.join(b, '.fixbench-new-gggggg')), { pid: process.ppid, start: await processStart(process.ppid), ...here });
    const gone = folder(path.relative(base, path.join(b, '.fixbench-new-hhhhhh')), { pid: dead, start: '1', ...here });
    old(live);
    expect(await sweepDeadWorkFolders(b)).toEqual([gone]);
    expect(existsSync(live)).toBe(true);
  });
});
