// markedPids' scan of /proc, on a fake proc folder: which environments hold the marker as a whole
// entry, which folders are skipped, and that a scan of more than one batch finds every match.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { holdsEntry, MARKER_VAR, markedPids, SCAN_BATCH } from '../../../src/sandbox/reap.ts';

let dir: string | null = null;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = null;
});

const marker = 'a1b2c3d4e5f6a1b2c3d4e5f6';
const mine = `${MARKER_VAR}=${marker}`;

async function fakeProc(envs: Record<string, string | null>): Promise<string> {
  const proc = await mkdtemp(path.join(os.tmpdir(), 'fixbench-reap-scan-'));
  dir = proc;
  for (const [name, env] of Object.entries(envs)) {
    await mkdir(path.join(proc, name));
    // null: a process whose environ cannot be read (here a folder where the file should be)
    if (env === null) await mkdir(path.join(proc, name, 'environ'));
    else await writeFile(path.join(proc, name, 'environ'), env);
  }
  return proc;
}

describe('holdsEntry', () => {
  const has = (env: string, entry = mine) => holdsEntry(Buffer.from(env), Buffer.from(entry));
  it('finds the entry first, in the middle, last, alone, with or without a trailing NUL', () => {
    expect(has(`${mine}\0PATH=/bin\0`)).toBe(true);
    expect(has(`HOME=/h\0${mine}\0PATH=/bin\0`)).toBe(true);
    expect(has(`HOME=/h\0${mine}\0`)).toBe(true);
    expect(has(`HOME=/h\0${mine}`)).toBe(true);
    expect(has(mine)).toBe(true);
  });
  it('refuses a longer value, a longer name, the entry inside a value, and an empty environment', () => {
    expect(has(`${mine}0\0`)).toBe(false);
    expect(has(`X${mine}\0`)).toBe(false);
    expect(has(`OTHER=${mine}\0`)).toBe(false);
    expect(has('')).toBe(false);
  });
  it('finds a whole entry after a partial match of the same text', () => {
    expect(has(`X${mine}\0${mine}\0`)).toBe(true);
    expect(has(`${mine}0\0A=1\0${mine}`)).toBe(true);
  });
  it('reads a view into a larger buffer by its own bounds', () => {
    const big = Buffer.from(`JUNK${mine}0\0`);
    expect(holdsEntry(big.subarray(4, 4 + mine.length), Buffer.from(mine))).toBe(true);
    expect(holdsEntry(big.subarray(4), Buffer.from(mine))).toBe(false);
  });
});

describe('markedPids on a proc folder', () => {
  it('names the processes holding the marker, skipping non-pids, unreadable entries and its own pid', async () => {
    const proc = await fakeProc({
      '10': `HOME=/h\0${mine}\0`,
      '11': `HOME=/h\0${MARKER_VAR}=${marker}ff\0`,
      '12': null,
      '13': `${mine}\0`,
      self: `${mine}\0`,
      [String(process.pid)]: `${mine}\0`,
    });
    expect((await markedPids(marker, proc)).sort((a, b) => a - b)).toEqual([10, 13]);
  });

  it('finds every match across batches', async () => {
    const envs: Record<string, string> = {};
    const n = SCAN_BATCH * 2 + 5;
    for (let i = 1; i <= n; i++) envs[String(100000 + i)] = i % 7 === 0 ? `A=1\0${mine}\0` : 'A=1\0';
    const proc = await fakeProc(envs);
    const want = Object.keys(envs).filter((k) => (Number(k) - 100000) % 7 === 0).map(Number);
    expect((await markedPids(marker, proc)).sort((a, b) => a - b)).toEqual(want);
  });

  it('answers [] for a folder that does not exist', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'fixbench-reap-scan-'));
    dir = empty;
    expect(await markedPids(marker, path.join(empty, 'absent'))).toEqual([]);
  });
});
