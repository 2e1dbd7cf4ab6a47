// `fixbench merge` writes the merged folder: a merge killed (kill -9) midway leaves a run.json that says
// "running" (never a finished run lacking attempts), and the shards' set-aside records
// (attempts.superseded.jsonl: paid calls) are merged too (atk-repro R9 /2 and /1).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { mergeCommand } from '../../../src/cli/merge.ts';
import { MERGE_IN_PROGRESS_NOTE } from '../../../src/store/merge.ts';
import { RunWriter, readRun } from '../../../src/store/store.ts';
import { SUPERSEDED_FILE, readSuperseded, recordIdentity } from '../../../src/store/superseded.ts';
import { inShard } from '../../../src/store/shard.ts';
import { attemptKey } from '../../../src/core/ids.ts';
import type { AttemptRecord } from '../../../src/store/records.ts';
import { openForResume } from '../../../src/runner/resume.ts';
import { noRedaction } from '../../../src/core/redact.ts';
import { BIN, ROOT, runCli } from '../../helpers/cli.ts';
import { commandPrefix } from '../../../src/cli/hints.ts';
import { makeAttempt, makeHeader, referenceContender } from '../analysis/fixtures.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-merge-write-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes shards 1..count of a run of `tasks` tasks x `attempts` attempts of `gold` under `dir`; returns their folders and every record. */
async function writeShards(dir: string, count: number, tasks: number, attempts: number): Promise<{ shards: string[]; records: AttemptRecord[] }> {
  const suite = { hash: 'suite-m', instance_ids: Array.from({ length: tasks }, (_, i) => `t${i + 1}`) };
  const records = suite.instance_ids.flatMap((id) =>
    Array.from({ length: attempts }, (_, a) => makeAttempt('gold', id, 'resolved', 0, { agent: 'gold', attempt: a, key: attemptKey(id, { agent: 'gold' }, a) })),
  );
  const shards: string[] = [];
  for (let index = 1; index <= count; index++) {
    const shard = { index, count };
    const s = path.join(dir, `S${index}`);
    const header = makeHeader({ run_id: `S${index}`, suite, contenders: [referenceContender('gold')], shard, status: 'finished' });
    const w = await RunWriter.create(s, header);
    for (const r of records.filter((r) => inShard(r.key, shard))) await w.appendAttempt({ ...r, run_id: `S${index}` });
    shards.push(s);
  }
  return { shards, records };
}

describe('merge killed midway', () => {
  it('leaves a run.json saying "running" with the in-progress note until every record is in; merging again into a new folder is whole and "finished"', async () => {
    const dir = mkdtempSync(path.join(root, 'kill-'));
    const { shards, records } = await writeShards(dir, 2, 40, 25);
    const out = path.join(dir, 'M');
    const child = spawn('node', [BIN, 'merge', out, ...shards], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 60_000;
    for (;;) {
      let size = 0;
      try {
        size = statSync(path.join(out, 'attempts.jsonl')).size;
      } catch {}
      if (size > 0 || Date.now() > deadline) break;
      await new Promise((r) => setImmediate(r));
    }
    child.kill('SIGKILL');
    await exited;
    const left = await readRun(out);
    // the kill came midway (1,000 fsynced appends, each also in the sidecar index, take far longer than the poll)
    expect(left.attempts.length).toBeGreaterThan(0);
    expect(left.attempts.length).toBeLessThan(records.length);
    expect(left.header.status).toBe('running');
    expect(left.header.finished_at).toBeNull();
    expect(left.header.note).toContain(MERGE_IN_PROGRESS_NOTE);
    expect(left.header.merging).toBe(true); // said by a field of run.json, not only by the note
    // the folder is not taken for a new merge's output; a merge into a new folder is whole
    const again = await runCli(['merge', out, ...shards]);
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toContain('already exists (a merge into it was stopped before it finished: it lacks records)');
    await expect(openForResume(out, makeHeader(), { redact: noRedaction, retryErrors: false, contenders: [] })).rejects.toThrow(/merge was stopped before it finished.*resume would run and pay for them again; remove it and merge the shards again/);
    const report = await runCli(['report', out, '--reports', path.join(dir, 'rep')]);
    expect(report.stderr).toContain('is a merged run still being written, or whose merge was stopped: it may lack attempts');
    await rm(out, { recursive: true, force: true });
    const ok = await runCli(['merge', out, ...shards, '--json']);
    expect(ok.exitCode).toBe(0);
    const whole = await readRun(out);
    expect(whole.attempts.length).toBe(records.length);
    expect(whole.header.status).toBe('finished');
    expect(whole.header.finished_at).not.toBeNull();
    expect(whole.header.note ?? '').not.toContain('merge in progress');
    expect(whole.header.merging).toBeUndefined();
    expect((await runCli(['report', out, '--reports', path.join(dir, 'rep')])).stderr).not.toContain('merged run still being written');
  });
});

describe('merge and set-aside records', () => {
  it("copies each shard's attempts.superseded.jsonl records (identity kept, run_id the merged run's), each identity once", async () => {
    const dir = mkdtempSync(path.join(root, 'sup-'));
    const { shards, records } = await writeShards(dir, 2, 4, 2);
    const inS = (i: number): AttemptRecord[] => records.filter((r) => inShard(r.key, { index: i, count: 2 }));
    const setAside = (r: AttemptRecord, run: string): AttemptRecord => ({ ...r, run_id: run, finished_at: '2026-04-01T02:10:00.000Z' });
    const s1 = inS(1).slice(0, 2).map((r) => setAside(r, 'S1'));
    const s2 = inS(2).slice(0, 1).map((r) => setAside(r, 'S2'));
    expect(s1.length + s2.length).toBe(3);
    // shard 1's file repeats a line (a set-aside repeated after a crash, as older versions wrote it)
    await writeFile(path.join(shards[0]!, SUPERSEDED_FILE), [...s1, s1[0]!].map((r) => JSON.stringify(r) + '\n').join(''));
    await writeFile(path.join(shards[1]!, SUPERSEDED_FILE), s2.map((r) => JSON.stringify(r) + '\n').join(''));
    const out = path.join(dir, 'M');
    await mergeCommand(out, shards, { json: true });
    const { header } = await readRun(out);
    const merged = await readSuperseded(out, header.limits);
    expect(merged.map(recordIdentity)).toEqual([...s1, ...s2].map(recordIdentity));
    expect(merged.every((r) => r.run_id === 'M')).toBe(true);
    expect((await readFile(path.join(out, SUPERSEDED_FILE), 'utf8')).trim().split('\n')).toHaveLength(3);
    // a shard with none: no file is made
    const none = await writeShards(path.join(dir, 'n'), 1, 2, 1);
    await mergeCommand(path.join(dir, 'N'), none.shards, { json: true });
    await expect(readFile(path.join(dir, 'N', SUPERSEDED_FILE))).rejects.toThrow(/ENOENT/);
  });
});

describe('merge output', () => {
  it('ends with the report command of the merged run, as run does', async () => {
    const dir = mkdtempSync(path.join(root, 'next-'));
    const { shards } = await writeShards(dir, 2, 2, 1);
    const err: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await mergeCommand(path.join(dir, 'a dir', 'M'), shards, {});
    } finally {
      spy.mockRestore();
      out.mockRestore();
    }
    expect(err.join('')).toBe(`next: build its report: ${commandPrefix()} report '${path.join(dir, 'a dir', 'M')}'\n`);
  });

  it('carries the --reports the user gave into that report command (merge writes no report itself)', async () => {
    const dir = mkdtempSync(path.join(root, 'next-reports-'));
    const { shards } = await writeShards(dir, 2, 2, 1);
    const err: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s) => (err.push(String(s)), true));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await mergeCommand(path.join(dir, 'M'), shards, { reports: 'my reports', given: ['reports'] });
    } finally {
      spy.mockRestore();
      out.mockRestore();
    }
    expect(err.join('')).toBe(`next: build its report: ${commandPrefix()} report ${path.join(dir, 'M')} --reports 'my reports'\n`);
    expect(existsSync(path.join(dir, 'my reports'))).toBe(false);
  });

  it('takes --reports on the command line', async () => {
    const dir = mkdtempSync(path.join(root, 'next-cli-'));
    const { shards } = await writeShards(dir, 2, 2, 1);
    const r = await runCli(['merge', path.join(dir, 'M'), ...shards, '--reports', path.join(dir, 'rep')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain(` report ${path.join(dir, 'M')} --reports ${path.join(dir, 'rep')}`);
  });
});
