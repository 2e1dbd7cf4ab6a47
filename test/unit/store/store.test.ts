import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { RunWriter, readRun } from '../../../src/store/store.ts';
import type { AttemptRecord, RunHeader } from '../../../src/store/records.ts';
import { makeAttempt, makeHeader, referenceContender } from '../analysis/fixtures.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { secretRedactor } from '../../../src/core/redact.ts';

const header: RunHeader = makeHeader({ run_id: 'r1', status: 'running', suite: { hash: 'abc', instance_ids: ['t-1'] } });

const record = (attempt: number): AttemptRecord =>
  makeAttempt('gold', 't-1', 'resolved', 0, { run_id: 'r1', agent: 'gold', attempt, key: `k${attempt}` });

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('results store', () => {
  it('appends one line per attempt, concurrent appends never interleave', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await Promise.all([0, 1, 2, 3, 4].map((i) => w.appendAttempt(record(i))));
    const run = await readRun(dir);
    expect(run.attempts.map((a) => a.attempt).sort()).toEqual([0, 1, 2, 3, 4]);
    expect((await readFile(path.join(dir, 'attempts.jsonl'), 'utf8')).split('\n')).toHaveLength(6);
  });

  it('ignores a torn last line left by a crash mid-write', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await w.appendAttempt(record(0));
    await appendFile(path.join(dir, 'attempts.jsonl'), '{"format_version":1,"run_id":"r1","inst');
    const run = await readRun(dir);
    expect(run.attempts).toHaveLength(1);
  });

  it('names the line of a corrupt record in the middle', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await appendFile(path.join(dir, 'attempts.jsonl'), 'garbage\n');
    await w.appendAttempt(record(0));
    await expect(readRun(dir)).rejects.toThrow(/attempts\.jsonl:1: not valid JSON/);
    // and says what to do with it
    await expect(readRun(dir)).rejects.toThrow(/this one has records after it — repair the line, or delete it \(`fixbench run --resume` then runs that attempt again\)/);
  });

  it('says a damaged last line that ends with a newline is not a torn write', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await w.appendAttempt(record(0));
    await appendFile(path.join(dir, 'attempts.jsonl'), '{"torn\n');
    await expect(readRun(dir)).rejects.toThrow(/attempts\.jsonl:2: not valid JSON .*this one ends with a newline — repair the line, or delete it/);
  });

  it('names every bad line at once, and what to do', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await appendFile(path.join(dir, 'attempts.jsonl'), 'garbage\n');
    await w.appendAttempt(record(0));
    await appendFile(path.join(dir, 'attempts.jsonl'), '{"format_version":1}\n');
    await w.appendAttempt(record(1));
    const err = (await readRun(dir).catch((e) => e)) as Error;
    expect(err.message).toMatch(/2 bad line\(s\)/);
    expect(err.message).toMatch(/attempts\.jsonl:1: not valid JSON/);
    expect(err.message).toMatch(/attempts\.jsonl:3: invalid record \(format version 1\): run_id: /);
    expect(err.message).toMatch(/fix: .*remove the bad lines/);
  });

  it('rejects an unknown format version, naming it and what to do', async () => {
    const dir = await mkdtemp(path.join(root, 'r-'));
    await writeFile(path.join(dir, 'run.json'), JSON.stringify({ ...header, format_version: 99 }));
    const err = await readRun(dir).catch((e) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect(err.message).toMatch(/run\.json: results store format_version 99, but this fixbench reads format_version 1, 2; upgrade fixbench to read it/);
  });

  it('rejects an older or missing format version, pointing to the fixbench that wrote it', async () => {
    const dir = await mkdtemp(path.join(root, 'r-'));
    await writeFile(path.join(dir, 'run.json'), JSON.stringify({ ...header, format_version: undefined }));
    await expect(readRun(dir)).rejects.toThrow(/run\.json: results store no format_version, but this fixbench reads format_version 1, 2; read it with the fixbench version that wrote it, or re-run/);
  });

  it('rejects a record line of an unknown format version, naming the line', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await w.appendAttempt(record(0));
    await appendFile(path.join(dir, 'attempts.jsonl'), JSON.stringify({ ...record(1), format_version: 3 }) + '\n');
    await expect(readRun(dir)).rejects.toThrow(/attempts\.jsonl:2: results store format_version 3, but this fixbench reads format_version 1, 2; upgrade fixbench/);
  });

  it('rejects an attempt key recorded twice, naming both lines', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await w.appendAttempt(record(0));
    await w.appendAttempt(record(1));
    await w.appendAttempt(record(0));
    await expect(readRun(dir)).rejects.toThrow(/attempts\.jsonl:3: attempt key k0 is already recorded on line 1/);
  });

  it('rejects one attempt recorded twice under two keys, and records of a contender or task not in run.json, naming file and line', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, { ...header, contenders: [referenceContender('gold')] });
    await w.appendAttempt(record(0));
    await w.appendAttempt({ ...record(0), key: 'legacy-key-of-k0' });
    await w.appendAttempt({ ...record(1), contender: 'intruder' });
    await w.appendAttempt({ ...record(2), instance_id: 'not-a-task' });
    const err = (await readRun(dir).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(UserInputError);
    expect(err.message).toMatch(/attempts\.jsonl:2: gold t-1#0 is already recorded at .*attempts\.jsonl:1 \(under another key\)/);
    expect(err.message).toMatch(/attempts\.jsonl:3: contender "intruder" is not among the run's contenders \(gold\)/);
    expect(err.message).toMatch(/attempts\.jsonl:4: task "not-a-task" is not in the run's suite/);
  });

  it('resumes a run torn mid-write: the torn line is cut and the next record starts on its own line', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await w.appendAttempt(record(0));
    await appendFile(path.join(dir, 'attempts.jsonl'), JSON.stringify(record(1)).slice(0, 40));
    const { writer, done } = await RunWriter.open(dir);
    expect(done.map((a) => a.key)).toEqual(['k0']);
    await writer.appendAttempt(record(1));
    expect((await readRun(dir)).attempts.map((a) => a.key)).toEqual(['k0', 'k1']);
  });

  it('cuts a torn last line longer than the 64 KiB block it reads backwards, keeping every whole record byte for byte', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await w.appendAttempt(record(0));
    await w.appendAttempt(record(1));
    const file = path.join(dir, 'attempts.jsonl');
    const whole = await readFile(file, 'utf8');
    await appendFile(file, `{"key":"k2","model_patch":"${'x'.repeat(200_000)}`);
    await RunWriter.open(dir);
    expect(await readFile(file, 'utf8')).toBe(whole);
  });

  it('resumes a run whose only line is torn: the file is emptied; a whole file is left as it is', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    await RunWriter.create(dir, header);
    const file = path.join(dir, 'attempts.jsonl');
    await writeFile(file, JSON.stringify(record(0)).slice(0, 50));
    expect((await RunWriter.open(dir)).done).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe('');
    await writeFile(file, JSON.stringify(record(0)) + '\n');
    await RunWriter.open(dir);
    expect(await readFile(file, 'utf8')).toBe(JSON.stringify(record(0)) + '\n');
  });

  it('drops records atomically and keeps them in attempts.superseded.jsonl', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await w.appendAttempt(record(0));
    await w.appendAttempt({ ...record(1), outcome: 'infra_error' });
    const dropped = await w.dropAttempts((r) => r.outcome === 'infra_error');
    expect(dropped.map((r) => r.key)).toEqual(['k1']);
    expect((await readRun(dir)).attempts.map((a) => a.key)).toEqual(['k0']);
    expect(await readFile(path.join(dir, 'attempts.superseded.jsonl'), 'utf8')).toMatch(/"key":"k1"/);
  });

  it('refuses to write an invalid record', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const w = await RunWriter.create(dir, header);
    await expect(w.appendAttempt({ ...record(0), outcome: 'great' as never })).rejects.toThrow();
  });

  it('redacts known secrets from records, header and logs, and returns the stored record', async () => {
    const dir = path.join(await mkdtemp(path.join(root, 'r-')), 'r1');
    const secret = 'sk-test-0123456789abcdef';
    const w = await RunWriter.create(dir, { ...header, note: `oops ${secret}` }, secretRedactor([secret]));
    const stored = await w.appendAttempt({ ...record(0), error: { stage: 'agent', kind: 'api_error', message: `401 for Bearer ${secret}` }, model_patch: `+key=${secret}\n` });
    await w.writeAttemptLogs(stored, { test_output: `env: ${secret}` });
    expect(stored.error?.message).toBe('401 for Bearer [REDACTED]');
    const files = await Promise.all(['run.json', 'attempts.jsonl', 'logs/gold/t-1/0/test_output.txt'].map((f) => readFile(path.join(dir, f), 'utf8')));
    for (const f of files) {
      expect(f).not.toContain(secret);
      expect(f).toContain('[REDACTED]');
    }
  });
});

