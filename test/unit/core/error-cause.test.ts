// An error that wraps another keeps it as `Error.cause` (issue 17: errors were prose only), so a
// caller or a debugger can reach the original (errno code, parse error) behind the user message.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadYamlFile } from '../../../src/config/load.ts';
import { listRuns } from '../../../src/history/runs.ts';
import { readRun } from '../../../src/store/store.ts';
import { readLedger } from '../../../src/store/ledger.ts';
import { UserInputError } from '../../../src/core/errors.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-cause-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
const caught = async (p: Promise<unknown>): Promise<Error> => p.then(() => { throw new Error('did not throw'); }, (e: Error) => e);

describe('wrapped errors keep their cause', () => {
  it('loadYamlFile: a missing file (ENOENT) and excessive aliases', async () => {
    const missing = await caught(loadYamlFile(path.join(tmp, 'none.yaml'), z.unknown(), 'fix'));
    expect(missing).toBeInstanceOf(UserInputError);
    expect((missing.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
    const bomb = path.join(tmp, 'bomb.yaml');
    await writeFile(bomb, `a: &a [x, x]\n${Array.from({ length: 120 }, (_, i) => `k${i}: *a`).join('\n')}\n`);
    const aliases = await caught(loadYamlFile(bomb, z.unknown(), 'fix'));
    expect(aliases.message).toContain('not valid YAML');
    expect(aliases.cause).toBeInstanceOf(Error);
  });

  it('readRun: an unparsable run.json; listRuns: an unreadable results folder', async () => {
    const dir = path.join(tmp, 'run');
    await mkdir(dir);
    await writeFile(path.join(dir, 'run.json'), '{not json');
    const e = await caught(readRun(dir));
    expect(e.message).toContain('cannot read run header');
    expect(e.cause).toBeInstanceOf(SyntaxError);
    const list = await caught(listRuns(path.join(tmp, 'no-such-results')));
    expect((list.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('readLedger: a bad line keeps the parse error', async () => {
    const f = path.join(tmp, 'k.jsonl');
    await writeFile(f, '{bad\n{}\n');
    const e = await caught(readLedger(f));
    expect(e.message).toMatch(/k\.jsonl:1: not a ledger entry/);
    expect(e.cause).toBeInstanceOf(Error);
  });
});
