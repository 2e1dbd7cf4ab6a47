import { appendFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { RunWriter, readRun } from '../../../src/store/store.ts';
import { STORE_FORMAT_VERSION, type AttemptRecord, type RunHeader } from '../../../src/store/records.ts';
import { zeroUsage } from '../../../src/core/usage.ts';
import { UserInputError } from '../../../src/core/errors.ts';
import { secretRedactor } from '../../../src/core/redact.ts';

const header: RunHeader = {
  format_version: STORE_FORMAT_VERSION,
  run_id: 'r1',
  status: 'running',
  started_at: '2026-04-01T00:00:00.000Z',
  finished_at: null,
  harness: { version: '0.1.0', commit: null },
  suite: { hash: 'abc', instance_ids: ['t-1'] },
  contenders: [],
  skipped: [],
  price_sheet: { file: 'prices/2026-03-31.yaml', as_of: '2026-03-31', source: 's' },
  limits: { steps: 1, attempt_usd: null, wall_ms: 1, command_timeout_ms: 1, run_budget_usd: null },
  attempts_per_task: 1,
  rerun_failed: 0,
  concurrency: 1,
  sandbox: 'local',
  host: { platform: 'linux', node: 'v20', cpus: 2 },
  note: null,
};

const record = (attempt: number): AttemptRecord => ({
  format_version: STORE_FORMAT_VERSION,
  run_id: 'r1',
  instance_id: 't-1',
  model: 'gold',
  agent: 'gold',
  attempt,
  key: `k${attempt}`,
  outcome: 'resolved',
  exit_status: 'submitted',
  model_patch: 'diff --git a/x b/x\n',
  tests_status: null,
  apply_strategy: 'git apply',
    binary_hunks_dropped: 0,
  test_files_edited: [],
  usage: zeroUsage(),
  calls: 0,
  list_usd: 0,
  billed_usd: null,
  price_sheet: 'p',
  steps: 0,
  wall_ms: 1,
  model_ms: 0,
  test_ms: 1,
  visible_check: true,
  test_runs: 1,
  flaky_tests: [],
  error: null,
  finished_at: '2026-04-01T00:00:01.000Z',
});

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
  });

  it('rejects an unknown format version, naming it and what to do', async () => {
    const dir = await mkdtemp(path.join(root, 'r-'));
    await writeFile(path.join(dir, 'run.json'), JSON.stringify({ ...header, format_version: 99 }));
    const err = await readRun(dir).catch((e) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect(err.message).toMatch(/format_version 99 is not the one this fixbench reads \(1\)/);
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
    const stored = await w.appendAttempt({ ...record(0), error: `401 for Bearer ${secret}`, model_patch: `+key=${secret}\n` });
    await w.writeLog('gold', 't-1', 0, 'test_output.txt', `env: ${secret}`);
    expect(stored.error).toBe('401 for Bearer [REDACTED]');
    const files = await Promise.all(['run.json', 'attempts.jsonl', 'logs/gold/t-1/0/test_output.txt'].map((f) => readFile(path.join(dir, f), 'utf8')));
    for (const f of files) {
      expect(f).not.toContain(secret);
      expect(f).toContain('[REDACTED]');
    }
  });
});

