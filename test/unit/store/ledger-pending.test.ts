// Ledger format 2: a pending line fsynced before each model call is sent, settled by its billed or
// unbilled line; a call left pending by a kill counts at its bound on --resume.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zeroUsage } from '../../../src/core/usage.ts';
import { ModelCallError, type ChatReply, type ModelClient } from '../../../src/models/types.ts';
import { RunBudget, meteredClient } from '../../../src/runner/budget.ts';
import { callLedger, carriedCapUsd, foldInterrupted, openAttemptLedger } from '../../../src/runner/ledger-fold.ts';
import { LedgerWriter, ledgerDir, ledgerPath, readLedger, readLedgerLines, splitLedger } from '../../../src/store/ledger.ts';
import { makeAttempt } from '../analysis/fixtures.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-ledger-pending-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ids = { key: 'k1', model: 'm', instance_id: 't', attempt: 0 };
const call = (usd: number | null) => ({ usage: { ...zeroUsage(), input_uncached: 1000, output: 100 }, raw_usage: null, list_usd: usd, billed_usd: null, ms: 1 });
const reply = (usd: number | null): ChatReply => ({ message: { content: 'ok', tool_calls: [] }, finish_reason: 'stop', call: call(usd) });
const bound = { usd: 0.3, price_key: 'm', bounded: true };

describe('ledger pending lines', () => {
  it('a format-1 ledger stays readable', async () => {
    mkdirSync(ledgerDir(dir), { recursive: true });
    writeFileSync(ledgerPath(dir, 'k1'), `${JSON.stringify({ format_version: 1, ...ids, at: 'x', usage: zeroUsage(), list_usd: 0.01, billed_usd: null, ms: 1 })}\n`);
    expect((await readLedger(ledgerPath(dir, 'k1'))).map((e) => e.list_usd)).toEqual([0.01]);
    const budget = new RunBudget(null);
    const l = await openAttemptLedger(dir, ids, true, budget);
    l.close();
    expect(l.carried).toMatchObject({ calls: 1, list_usd: 0.01 });
    expect(l.carried!.unsettled_calls).toBeUndefined();
  });

  it('the metered client writes the pending line before the request is sent and settles it with the bill', async () => {
    const budget = new RunBudget(null);
    const l = await openAttemptLedger(dir, ids, false, budget);
    let seenBeforeSend: string[] = [];
    const inner: ModelClient = {
      id: 'm',
      async chat() {
        seenBeforeSend = (await readLedgerLines(ledgerPath(dir, 'k1'))).map((x) => x.kind ?? 'billed');
        return reply(0.01);
      },
    };
    const client = meteredClient(inner, budget, () => {}, callLedger(l, () => bound));
    await client.chat([]);
    l.close();
    expect(seenBeforeSend).toEqual(['pending']);
    const lines = await readLedgerLines(ledgerPath(dir, 'k1'));
    expect(lines.map((x) => x.kind)).toEqual(['pending', undefined]);
    expect(lines[1]!.call_id).toBe(lines[0]!.call_id);
    expect(splitLedger(lines).unsettled).toEqual([]);
  });

  it('a provider failure without a bill settles the pending line as unbilled; an aborted call or another error stays pending', async () => {
    const budget = new RunBudget(null);
    const l = await openAttemptLedger(dir, ids, false, budget);
    const failing: ModelClient = { id: 'm', chat: async () => { throw new ModelCallError('HTTP 500', 'server', 500); } };
    await expect(meteredClient(failing, budget, () => {}, callLedger(l, () => bound)).chat([])).rejects.toThrow('HTTP 500');
    const ctl = new AbortController();
    const aborting: ModelClient = { id: 'm', chat: async () => { ctl.abort(new Error('interrupted')); throw new Error('interrupted'); } };
    await expect(meteredClient(aborting, budget, () => {}, callLedger(l, () => bound)).chat([], { signal: ctl.signal })).rejects.toThrow('interrupted');
    const buggy: ModelClient = { id: 'm', chat: async () => { throw new TypeError('a bug after the reply arrived'); } };
    await expect(meteredClient(buggy, budget, () => {}, callLedger(l, () => bound)).chat([])).rejects.toThrow(TypeError);
    l.close();
    await new Promise((r) => setTimeout(r, 50));
    const lines = await readLedgerLines(ledgerPath(dir, 'k1'));
    expect(lines.map((x) => x.kind)).toEqual(['pending', 'unbilled', 'pending', 'pending']);
    expect(splitLedger(lines).unsettled.map((p) => p.call_id)).toEqual([lines[2]!.call_id, lines[3]!.call_id]);
  });

  it('on --resume a pending line never settled counts at its bound in the budget and budget_usd, not in list_usd', async () => {
    const w = new LedgerWriter(ledgerPath(dir, 'k1'));
    const first = { format_version: 2 as const, ...ids, at: 'x' };
    w.append({ ...first, kind: 'pending', call_id: 'a', price_key: 'm', bound_usd: 0.3, bounded: true });
    w.append({ ...first, call_id: 'a', usage: call(0.01).usage, list_usd: 0.01, billed_usd: null, ms: 1 });
    w.append({ ...first, kind: 'pending', call_id: 'b', price_key: 'm', bound_usd: 0.3, bounded: true });
    w.append({ ...first, kind: 'unbilled', call_id: 'b' });
    w.append({ ...first, kind: 'pending', call_id: 'c', price_key: 'm', bound_usd: 0.25, bounded: true });
    w.close();
    const budget = new RunBudget(1);
    const l = await openAttemptLedger(dir, ids, true, budget);
    l.close();
    expect(l.carried).toMatchObject({ calls: 1, list_usd: 0.01, unsettled_calls: 1, unsettled_usd: 0.25 });
    expect(l.carried!.budget_usd).toBeCloseTo(0.26, 12);
    expect(budget.spentUsd).toBeCloseTo(0.26, 12);
    const rec = foldInterrupted({ ...makeAttempt('m', 't', 'resolved', 0.5, { calls: 1 }), budget_usd: 0.5 }, l.carried);
    expect(rec.list_usd).toBeCloseTo(0.51, 12);
    expect(rec.budget_usd).toBeCloseTo(0.76, 12);
    expect(rec.calls).toBe(2);
    // the re-run try's --attempt-usd starts from the billed calls only (the unsettled bound is an estimate)
    expect(carriedCapUsd(l.carried)).toBeCloseTo(0.01, 12);
    expect(carriedCapUsd(null)).toBe(0);
    // the interrupted ledger is set aside whole (pending lines included)
    expect(readFileSync(path.join(ledgerDir(dir), 'k1.interrupted-1.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
  });

  it('a torn pending line (killed before its fsync returned: the request was never sent) is skipped', async () => {
    mkdirSync(ledgerDir(dir), { recursive: true });
    writeFileSync(ledgerPath(dir, 'k1'), '{"format_version":2,"kind":"pending","call_id":"a","ke');
    const budget = new RunBudget(null);
    const l = await openAttemptLedger(dir, ids, true, budget);
    l.close();
    expect(l.carried).toBeNull();
  });
});
