// A kill -9 billed calls never lose: after two kills and two resumes every earlier session's calls
// are folded (not just the newest interrupted ledger), and billed tries of a call being retried are
// on the ledger before the retry is sent.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zeroUsage } from '../../../src/core/usage.ts';
import { callWithRetries } from '../../../src/models/call-loop.ts';
import type { CallRecord, ChatReply, ModelClient } from '../../../src/models/types.ts';
import { RunBudget, meteredClient } from '../../../src/runner/budget.ts';
import { callLedger, carriedCapUsd, openAttemptLedger } from '../../../src/runner/ledger-fold.ts';
import { ledgerDir, ledgerPath, readLedgerLines, settleLedger } from '../../../src/store/ledger.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-ledger-rekill-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ids = { key: 'k1', model: 'm', instance_id: 't', attempt: 0 };
const call = (usd: number | null): CallRecord => ({ usage: { ...zeroUsage(), input_uncached: 1000, output: 100 }, raw_usage: null, list_usd: usd, billed_usd: null, ms: 1 });
const flush = async (l: { close(): void }) => {
  l.close();
  await new Promise((r) => setTimeout(r, 20));
};

describe('resume after repeated kills', () => {
  it('kill, resume, kill, resume: every session\'s billed calls are carried, and the cap starts from them all', async () => {
    const s1 = await openAttemptLedger(dir, ids, true, new RunBudget(null));
    await s1.billed(call(0.0028));
    await s1.billed(call(0.0028));
    await flush(s1); // kill -9
    const s2 = await openAttemptLedger(dir, ids, true, new RunBudget(null));
    expect(s2.carried).toMatchObject({ calls: 2 });
    await s2.billed(call(0.0028));
    await flush(s2); // kill -9 again
    const budget = new RunBudget(null);
    const s3 = await openAttemptLedger(dir, ids, true, budget);
    expect(s3.carried).toMatchObject({ calls: 3 });
    expect(s3.carried!.list_usd).toBeCloseTo(0.0084, 12);
    expect(carriedCapUsd(s3.carried)).toBeCloseTo(0.0084, 12);
    expect(budget.spentUsd).toBeCloseTo(0.0084, 12);
    await s3.billed(call(0.0028));
    await flush(s3);
    // the record is appended: every ledger of the key is marked covered, and never folded again
    await settleLedger(dir, 'k1');
    expect(readdirSync(ledgerDir(dir)).sort()).toEqual(['k1.interrupted-1.folded.jsonl', 'k1.interrupted-2.folded.jsonl', 'k1.recorded.jsonl']);
    const again = await openAttemptLedger(dir, ids, true, new RunBudget(null));
    expect(again.carried).toBeNull();
    again.close();
  });
});

describe('billed tries of a retried call', () => {
  it('callWithRetries hands each billed try that is retried to billedTry before the retry, not the last one', async () => {
    const seen: number[] = [];
    let n = 0;
    const tryOnce = async () => (++n < 3 ? { failure: { kind: 'network' as const, retry: true, status: null, message: 'cut', call: call(0.01) } } : { reply: 'ok', call: call(0.01) });
    const out = await callWithRetries('m', tryOnce, () => ({ kind: 'network', retry: false, status: null, message: 'x', call: null }), { sleep: async () => {} }, undefined, async (_c, tryNo) => {
      seen.push(tryNo);
    });
    expect(seen).toEqual([1, 2]);
    expect(out.call.list_usd).toBeCloseTo(0.03, 12);
  });

  it('a kill during the retries: the billed tries count, the try in flight at its bound; a whole call counts its tries once', async () => {
    const bound = { usd: 0.3, price_key: 'm', bounded: true };
    const s1 = await openAttemptLedger(dir, ids, false, new RunBudget(null));
    const whole: ModelClient = {
      id: 'm',
      async chat(_m, o): Promise<ChatReply> {
        await o!.billedTry!(call(0.01), 1);
        return { message: { content: 'ok', tool_calls: [] }, finish_reason: 'stop', call: { ...call(0.02), tries: 2 } };
      },
    };
    await meteredClient(whole, new RunBudget(null), () => {}, callLedger(s1, () => bound)).chat([]);
    let retried = false;
    const hangs: ModelClient = {
      id: 'm',
      async chat(_m, o): Promise<ChatReply> {
        await o!.billedTry!(call(0.01), 1);
        await o!.billedTry!(call(0.01), 2);
        await o!.billedTry!(call(0.01), 3);
        retried = true;
        return new Promise(() => {}); // the 4th try hangs: kill -9
      },
    };
    void meteredClient(hangs, new RunBudget(null), () => {}, callLedger(s1, () => bound)).chat([]);
    while (!retried) await new Promise((r) => setTimeout(r, 5));
    await flush(s1);
    expect((await readLedgerLines(ledgerPath(dir, 'k1'))).map((l) => l.kind ?? 'billed')).toEqual(['pending', 'billed', 'billed', 'pending', 'billed', 'billed', 'billed']);
    const s2 = await openAttemptLedger(dir, ids, true, new RunBudget(null));
    s2.close();
    // the whole call once (0.02, its try line dropped), the three cut tries (0.03), the 4th at its bound (0.3)
    expect(s2.carried).toMatchObject({ calls: 1, unsettled_calls: 1 });
    expect(s2.carried!.list_usd).toBeCloseTo(0.05, 12);
    expect(s2.carried!.budget_usd).toBeCloseTo(0.35, 12);
  });
});
