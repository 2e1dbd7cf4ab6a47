// A run's status as listed has one owner (runStatusLabel): `fixbench history` and the site index
// show a shard and a partial merge alike (newcomer14 #9, #2), and order merges by their own time.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { historyCommand } from '../../../src/cli/compare.ts';
import { runPoint, siteView } from '../../../src/report/site.ts';
import { liveStatusLabel, runStatusLabel } from '../../../src/store/run-label.ts';
import { runWriterState } from '../../../src/store/lock.ts';
import { pidScope } from '../../../src/core/work-owner.ts';
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import { RunWriter } from '../../../src/store/store.ts';
import { makeHeader, referenceContender } from '../analysis/fixtures.ts';

let results: string;
const shardHeader = makeHeader({ run_id: 'night-s2', contenders: [referenceContender('gold')], shard: { index: 2, count: 3 }, status: 'finished' });
const wholeHeader = makeHeader({ run_id: 'night', contenders: [referenceContender('gold')], status: 'interrupted' });
// two merges of the same shards (one partial, one whole) share started_at; each has its own merged_at
const merge = (run_id: string, merged_at: string, missing: boolean) =>
  makeHeader({ run_id, contenders: [referenceContender('gold')], status: 'finished', started_at: '2026-04-01T00:00:00.000Z', merged_from: ['a', 'b'], merged_at, ...(missing ? { missing_shards: [{ index: 2, count: 2 }] } : {}) });
const partialHeader = merge('merged-partial', '2026-04-01T05:00:00.000Z', true);
const laterHeader = merge('merged-whole', '2026-04-01T09:00:00.000Z', false);

beforeAll(async () => {
  results = await mkdtemp(path.join(os.tmpdir(), 'fixbench-run-label-'));
  await RunWriter.create(path.join(results, 'night-s2'), shardHeader);
  await RunWriter.create(path.join(results, 'night'), wholeHeader);
  await RunWriter.create(path.join(results, 'merged-whole'), laterHeader);
  await RunWriter.create(path.join(results, 'merged-partial'), partialHeader);
});
afterAll(async () => {
  await rm(results, { recursive: true, force: true });
});

async function history(): Promise<string> {
  const out: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
  try {
    await historyCommand({ results });
  } finally {
    spy.mockRestore();
  }
  return out.join('');
}

describe('runStatusLabel', () => {
  it('is the status, with the shard in parentheses for a shard run', () => {
    expect(runStatusLabel(shardHeader)).toBe('finished (shard 2/3)');
    expect(runStatusLabel(wholeHeader)).toBe('interrupted');
  });

  it('history and the site show the same label', async () => {
    const text = await history();
    const row = (id: string) => text.split('\n').find((l) => l.startsWith(`${id} `))!;
    expect(row('night-s2')).toMatch(/^night-s2 +\S+ +finished \(shard 2\/3\) /);
    expect(row('night')).toMatch(/^night +\S+ +interrupted /);
    expect(runPoint({ header: shardHeader, attempts: [] }).status).toBe('finished (shard 2/3)');
    expect(runPoint({ header: wholeHeader, attempts: [] }).status).toBe('interrupted');
  });

  it('a partial merge is marked partial in both, naming the missing shards', async () => {
    expect(runStatusLabel(partialHeader)).toBe('finished (partial merge: shard 2/2 missing)');
    expect((await history()).split('\n').find((l) => l.startsWith('merged-partial '))).toMatch(/ finished \(partial merge: shard 2\/2 missing\) /);
    expect(runPoint({ header: partialHeader, attempts: [] }).status).toBe('finished (partial merge: shard 2/2 missing)');
  });

  it('two merges of the same shards (same started_at) are listed newest merge first, by history and the site', async () => {
    const text = await history();
    expect(text.indexOf('merged-whole ')).toBeLessThan(text.indexOf('merged-partial '));
    const { vm } = siteView([runPoint({ header: partialHeader, attempts: [] }), runPoint({ header: laterHeader, attempts: [] })]);
    expect(vm.groups[0]!.runs.map((r) => r.id)).toEqual(['merged-whole', 'merged-partial']);
  });
});

describe('a run left running by a killed process (newcomer16 #2)', () => {
  let dir: string;
  const header = (run_id: string) => makeHeader({ run_id, contenders: [referenceContender('gold')], status: 'running' });
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-live-'));
    const child = execa('true');
    const dead = child.pid!;
    await child;
    const here = await pidScope();
    // killed: its lock names a process that is gone; live: this process holds the lock; no lock at all: killed too
    await RunWriter.create(path.join(dir, 'k9b'), header('k9b'));
    await writeFile(path.join(dir, 'k9b', 'run.lock'), JSON.stringify({ pid: dead, host: os.hostname(), start: '1', ...here }));
    await RunWriter.createLocked(path.join(dir, 'live'), header('live')); // this process holds its lock
    await RunWriter.create(path.join(dir, 'nolock'), header('nolock'));
    await RunWriter.create(path.join(dir, 'elsewhere'), header('elsewhere'));
    await writeFile(path.join(dir, 'elsewhere', 'run.lock'), JSON.stringify({ pid: dead, host: 'another-host', start: '1', ...here }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('runWriterState tells a dead writer from a live one, and one it cannot check', async () => {
    expect(await runWriterState(path.join(dir, 'k9b'))).toBe('gone');
    expect(await runWriterState(path.join(dir, 'nolock'))).toBe('gone');
    expect(await runWriterState(path.join(dir, 'live'))).toBe('alive');
    expect(await runWriterState(path.join(dir, 'elsewhere'))).toBe('unknown');
  });

  it('history says "running (no live process)" with the resume command; a live or uncheckable run stays "running"', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    try {
      await historyCommand({ results: dir, given: ['results'] });
    } finally {
      spy.mockRestore();
    }
    const row = (id: string) => out.join('').split('\n').find((l) => l.startsWith(`${id} `))!;
    expect(row('k9b')).toMatch(new RegExp(` running \\(no live process\\): .*fixbench run --resume k9b --results ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    expect(row('nolock')).toMatch(/ running \(no live process\): .* --resume nolock /);
    expect(row('live')).toMatch(/^live +\S+ +running +gold/);
    expect(row('elsewhere')).toMatch(/^elsewhere +\S+ +running +gold/);
  });

  it('a killed merge says to merge again, not to resume', () => {
    expect(liveStatusLabel({ ...header('m'), merging: true }, 'gone', 'fixbench run --resume m')).toBe('running (no live process): a killed merge: remove its folder and merge again');
    expect(liveStatusLabel({ ...header('m'), status: 'finished' }, 'gone', 'x')).toBe('finished');
  });
});


describe('history lists a shard joined by a merge, marked, as the site does (newcomer16 #6)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-merged-shards-'));
    const shard = (index: number) => makeHeader({ run_id: `n-s${index}`, contenders: [referenceContender('gold')], shard: { index, count: 2 }, status: 'finished' });
    await RunWriter.create(path.join(dir, 'n-s1'), shard(1));
    await RunWriter.create(path.join(dir, 'n-s2'), shard(2));
    await RunWriter.create(path.join(dir, 'n'), makeHeader({ run_id: 'n', contenders: [referenceContender('gold')], status: 'finished', merged_from: ['n-s1', 'n-s2'], merged_at: '2026-04-01T05:00:00.000Z' }));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('text and JSON name the merged run; the merged run is listed as itself', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true));
    try {
      await historyCommand({ results: dir });
      await historyCommand({ results: dir, json: true });
    } finally {
      spy.mockRestore();
    }
    const [text, json] = [out.slice(0, -1).join(''), out.at(-1)!];
    const row = (id: string) => text.split('\n').find((l) => l.startsWith(`${id} `))!;
    expect(row('n-s2')).toMatch(/ finished \(shard 2\/2, merged into n\) /);
    expect(row('n-s1')).toMatch(/ finished \(shard 1\/2, merged into n\) /);
    expect(row('n')).toMatch(/^n +\S+ +finished +gold/);
    const entries = JSON.parse(json) as Array<{ run_id: string; merged_into?: string }>;
    expect(entries.map((e) => [e.run_id, e.merged_into ?? null]).sort()).toEqual([['n', null], ['n-s1', 'n'], ['n-s2', 'n']]);
  });
});
