// A new run folder is made exclusively and locked before anything is written into it: a run
// refused because the folder exists writes nothing there (atk-repro 1 of round 9: a refused fresh
// run used to overwrite the live run's run.json).
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunWriter } from '../../../src/store/store.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import type { RunHeader } from '../../../src/store/records.ts';
import { makeHeader } from '../analysis/fixtures.ts';

const header = (attempts: number): RunHeader => makeHeader({ run_id: 'R', status: 'running', attempts_per_task: attempts, suite: { hash: 'abc', instance_ids: ['t-1'] } });
const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-new-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a new run folder', () => {
  it('RunWriter.create refuses a folder that exists, naming --resume, and writes nothing into it', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'R');
    await mkdir(dir);
    const live = JSON.stringify(header(3)) + '\n';
    await writeFile(path.join(dir, 'run.json'), live);
    const err = await RunWriter.create(dir, header(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toMatch(/already exists.*--resume R/);
    expect(await readFile(path.join(dir, 'run.json'), 'utf8')).toBe(live); // integ9: overwritten by the refused run's header
    expect(await readdir(dir)).toEqual(['run.json']);
  });

  it('two runs creating one folder at once: one gets it (locked), the other is refused and leaves the winner\'s run.json', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'R');
    const tries = await Promise.allSettled([RunWriter.createLocked(dir, header(1)), RunWriter.createLocked(dir, header(3))]);
    const won = tries.findIndex((t) => t.status === 'fulfilled');
    const lost = tries[1 - won]!;
    expect(lost.status).toBe('rejected');
    expect(String((lost as PromiseRejectedResult).reason)).toMatch(/already exists/);
    const run = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8'));
    expect(run.attempts_per_task).toBe(won === 0 ? 1 : 3);
    expect(JSON.parse(await readFile(path.join(dir, 'run.lock'), 'utf8')).pid).toBe(process.pid);
    await (tries[won] as PromiseFulfilledResult<{ unlock: () => Promise<void> }>).value.unlock();
    expect((await readdir(dir)).sort()).toEqual(['attempts.index.jsonl', 'run.json']);
  });
});
