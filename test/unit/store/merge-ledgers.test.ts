// `fixbench merge` carries the shards' ledgers/ over (atkF9 3): a shard killed mid-attempt holds that
// attempt's billed call only in its ledger; a resume of the merged run folds it into the attempt's
// record, as a resume of the shard would, so the merged run counts every billed call once.
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeCommand } from '../../../src/cli/merge.ts';
import { RunWriter, readRun } from '../../../src/store/store.ts';
import { inShard } from '../../../src/store/shard.ts';
import { mergeUnfinished } from '../../../src/store/merge.ts';
import { attemptKey } from '../../../src/core/ids.ts';
import { zeroUsage } from '../../../src/core/usage.ts';
import { ledgerPath, unsettledLedger } from '../../../src/store/ledger.ts';
import { RunBudget } from '../../../src/runner/budget.ts';
import { openAttemptLedger } from '../../../src/runner/ledger-fold.ts';
import type { CallRecord } from '../../../src/models/types.ts';
import { makeAttempt, makeHeader, referenceContender } from '../analysis/fixtures.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-merge-ledgers-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const call = (): CallRecord => ({ usage: { ...zeroUsage(), input_uncached: 1000, output: 100 }, raw_usage: null, list_usd: 0.0028, billed_usd: null, ms: 5 });

/** Bills one call on `key`'s live ledger in `runDir`, as an attempt does before its record is appended. */
async function bill(runDir: string, r: { key: string; contender: string; instance_id: string; attempt: number }): Promise<void> {
  const ledger = await openAttemptLedger(runDir, { key: r.key, model: r.contender, instance_id: r.instance_id, attempt: r.attempt }, false, new RunBudget(null, null));
  await ledger.billed(call());
  ledger.close();
}

describe('merge and ledgers', () => {
  it("carries a killed shard's unsettled ledger (a resume of the merged run counts its call) and settles those of recorded attempts", async () => {
    const dir = mkdtempSync(path.join(root, 'l-'));
    const suite = { hash: 'suite-l', instance_ids: Array.from({ length: 6 }, (_, i) => `t${i + 1}`) };
    const records = suite.instance_ids.map((id) => makeAttempt('gold', id, 'resolved', 0, { agent: 'gold', attempt: 0, key: attemptKey(id, { agent: 'gold' }, 0) }));
    const shards: string[] = [];
    const killed = records.find((r) => inShard(r.key, { index: 1, count: 2 }))!; // shard 1 was killed in it: billed, never recorded
    const unsettled = records.find((r) => inShard(r.key, { index: 2, count: 2 }))!; // shard 2 was killed between its append and settleLedger
    for (const index of [1, 2]) {
      const shard = { index, count: 2 };
      const s = path.join(dir, `S${index}`);
      const w = await RunWriter.create(s, makeHeader({ run_id: `S${index}`, suite, contenders: [referenceContender('gold')], shard, status: index === 1 ? 'running' : 'finished' }));
      for (const r of records.filter((r) => inShard(r.key, shard) && r !== killed)) await w.appendAttempt({ ...r, run_id: `S${index}` });
      shards.push(s);
    }
    await bill(shards[0]!, killed);
    await bill(shards[1]!, unsettled);
    const out = path.join(dir, 'M');
    await mergeCommand(out, shards, { json: true });
    const merged = await readRun(out);
    expect(merged.attempts).toHaveLength(records.length - 1);
    // a merged run of a "running" shard is "running" too, but is no stopped merge: a resume may continue it
    expect([merged.header.status, merged.header.merging, mergeUnfinished(merged.header)]).toEqual(['running', undefined, false]);
    expect(mergeUnfinished({ status: 'finished', note: null, merging: true })).toBe(true);
    // the killed attempt's billed call is in the merged run, byte for byte
    expect(await readFile(ledgerPath(out, killed.key), 'utf8')).toBe(await readFile(ledgerPath(shards[0]!, killed.key), 'utf8'));
    // the recorded attempt's ledger is marked as counted by its record: a --retry-errors re-run never counts it again
    expect((await readdir(path.join(out, 'ledgers'))).sort()).toEqual([`${killed.key}.jsonl`, `${unsettled.key}.recorded.jsonl`].sort());
    // a resume of the merged run re-runs the killed attempt with the shard's billed call carried into it
    const budget = new RunBudget(null, null);
    const resumed = await openAttemptLedger(out, { key: killed.key, model: 'gold', instance_id: killed.instance_id, attempt: 0 }, true, budget);
    resumed.close();
    expect(resumed.carried?.calls).toBe(1);
    expect(resumed.carried?.list_usd).toBeCloseTo(0.0028, 10);
    const again = await openAttemptLedger(out, { key: unsettled.key, model: 'gold', instance_id: unsettled.instance_id, attempt: 0 }, true, budget);
    again.close();
    expect(again.carried).toBeNull();
  });

  it('unsettledLedger: live and unfolded interrupted ledgers only', () => {
    expect(['k.jsonl', 'k.interrupted-2.jsonl', 'k.recorded.jsonl', 'k.recorded-3.jsonl', 'k.interrupted-1.folded.jsonl', 'k.tmp'].map(unsettledLedger)).toEqual([true, true, false, false, false, false]);
  });
});
