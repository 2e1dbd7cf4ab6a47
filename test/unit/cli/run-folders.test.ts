// runFolders lists runs newest first by their run.json's times, never by folder name (newcomer14 #8):
// error messages and the merge hint that say "newest first" mean it.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFolders } from '../../../src/cli/run-lookup.ts';

let dir: string;
const run = async (name: string, json: unknown) => {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, 'run.json'), typeof json === 'string' ? json : JSON.stringify(json));
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-run-folders-'));
  await run('zzz-oldest', { started_at: '2026-01-01T00:00:00.000Z' });
  await run('20260301-newest', { started_at: '2026-03-01T00:00:00.000Z' });
  await run('merge-a', { started_at: '2026-02-01T00:00:00.000Z', merged_at: '2026-02-03T00:00:00.000Z' });
  await run('merge-b', { started_at: '2026-02-01T00:00:00.000Z', merged_at: '2026-02-02T00:00:00.000Z' });
  await run('broken', '{ not json');
  await mkdir(path.join(dir, 'not-a-run'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runFolders', () => {
  it('orders by started_at, then merged_at (the later merge first); a run.json without times comes last', () => {
    expect(runFolders(dir)).toEqual(['20260301-newest', 'merge-a', 'merge-b', 'zzz-oldest', 'broken']);
  });

  it('is empty for a missing folder', () => {
    expect(runFolders(path.join(dir, 'nope'))).toEqual([]);
  });
});
