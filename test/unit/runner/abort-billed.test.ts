// An aborted model call (the attempt's time limit, Ctrl-C) keeps what the provider billed: the tries
// billed before the abort, and the try in flight at its pending line's bound, are in the thrown
// ModelCallError (kind `aborted`), on the ledger's billed line, and in the run budget.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zeroUsage } from '../../../src/core/usage.ts';
import { callWithRetries, type TryResult } from '../../../src/models/call-loop.ts';
import { ModelCallError, type CallRecord, type ChatReply, type ModelClient } from '../../../src/models/types.ts';
import { RunBudget, meteredClient } from '../../../src/runner/budget.ts';
import { callLedger, openAttemptLedger } from '../../../src/runner/ledger-fold.ts';
import { ledgerPath, readLedgerLines } from '../../../src/store/ledger.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-abort-billed-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ids = { key: 'k1', model: 'm', instance_id: 't', attempt: 0 };
const cut = (): CallRecord => ({ usage: zeroUsage(), raw_usage: null, list_usd: null, billed_usd: null, ms: 1, usage_unknown: true, cap_usd: 0.01, cap_bound: true });
const cutFailure = (): TryResult<string> => ({ failure: { kind: 'network', retry: true, status: null, message: 'cut', call: cut() } });
const never = () => ({ kind: 'network' as const, retry: false, status: null, message: 'x', call: null });
const caught = (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => e);

describe('callWithRetries aborted', () => {
  it('during a back-off: ModelCallError kind aborted with the billed tries, no try in flight, the reason as cause', async () => {
    const ctl = new AbortController();
    const reason = new Error('time limit');
    let n = 0;
    const sleep = async () => {
      if (n === 2) ctl.abort(reason);
      if (ctl.signal.aborted) throw ctl.signal.reason;
    };
    const e = await caught(callWithRetries('m', async () => (n++, cutFailure()), never, { sleep }, ctl.signal));
    expect(e).toBeInstanceOf(ModelCallError);
    const m = e as ModelCallError;
    expect([m.kind, m.inFlight, m.cause, m.call?.tries]).toEqual(['aborted', false, reason, 2]);
    expect(m.call!.cap_usd).toBeCloseTo(0.02, 12);
  });

  it('during a try: inFlight, and the tries billed before it', async () => {
    const ctl = new AbortController();
    let n = 0;
    const tryOnce = (): Promise<TryResult<string>> => {
      if (++n === 1) return Promise.resolve(cutFailure());
      return new Promise((_r, reject) => {
        ctl.signal.addEventListener('abort', () => reject(new Error('The operation was aborted')));
        ctl.abort(new Error('Ctrl-C'));
      });
    };
    const m = (await caught(callWithRetries('m', tryOnce, never, { sleep: async () => {} }, ctl.signal))) as ModelCallError;
    expect([m.kind, m.inFlight, m.call?.tries, m.call?.cap_usd]).toEqual(['aborted', true, 1, 0.01]);
  });
});

describe('meteredClient, an aborted call with a ledger', () => {
  it('records and budgets the billed tries and the try in flight at its bound; the pending line is settled', async () => {
    const bound = { usd: 0.3, price_key: 'm', bounded: true };
    const ledger = await openAttemptLedger(dir, ids, false, new RunBudget(null));
    const ctl = new AbortController();
    const hangs: ModelClient = {
      id: 'm',
      async chat(_m, o): Promise<ChatReply> {
        let n = 0;
        const tryOnce = (): Promise<TryResult<Omit<ChatReply, 'call'>>> =>
          ++n <= 2 ? Promise.resolve({ failure: { kind: 'network', retry: true, status: null, message: 'cut', call: cut() } }) : new Promise((_r, reject) => (o!.signal!.addEventListener('abort', () => reject(new Error('aborted'))), ctl.abort(new Error('time limit'))));
        const { reply, call } = await callWithRetries('m', tryOnce, never, { sleep: async () => {} }, o?.signal, o?.billedTry);
        return { ...reply, call };
      },
    };
    const budget = new RunBudget(null);
    const e = (await caught(meteredClient(hangs, budget, () => {}, callLedger(ledger, () => bound)).chat([], { signal: ctl.signal }))) as ModelCallError;
    ledger.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(e).toBeInstanceOf(ModelCallError);
    expect([e.kind, e.call?.tries, e.call?.usage_unknown]).toEqual(['aborted', 3, true]);
    expect(e.call!.cap_usd).toBeCloseTo(0.32, 12); // two billed cut streams at 0.01, the hung try at its bound 0.3
    expect(budget.spentUsd).toBeCloseTo(0.32, 12);
    const lines = await readLedgerLines(ledgerPath(dir, 'k1'));
    const whole = lines.filter((l) => l.kind !== 'pending' && l.kind !== 'unbilled' && l.try === undefined);
    expect(whole).toHaveLength(1);
    expect((whole[0] as { cap_usd?: number }).cap_usd).toBeCloseTo(0.32, 12);
  });

  it('regression: a call aborted before its first try was sent is settled unbilled (a resume counted it at its bound)', async () => {
    const ledger = await openAttemptLedger(dir, ids, false, new RunBudget(null));
    const ctl = new AbortController();
    ctl.abort(new Error('Ctrl-C'));
    let sent = 0;
    const client: ModelClient = {
      id: 'm',
      async chat(_m, o): Promise<ChatReply> {
        const tryOnce = (): Promise<TryResult<Omit<ChatReply, 'call'>>> => (sent++, Promise.reject(new Error('never sent')));
        const { reply, call } = await callWithRetries('m', tryOnce, never, { sleep: async () => {} }, o?.signal, o?.billedTry);
        return { ...reply, call };
      },
    };
    const budget = new RunBudget(null);
    const e = (await caught(meteredClient(client, budget, () => {}, callLedger(ledger, () => ({ usd: 0.3, price_key: 'm', bounded: true }))).chat([], { signal: ctl.signal }))) as ModelCallError;
    ledger.close();
    await new Promise((r) => setTimeout(r, 20));
    expect([e.kind, e.inFlight, e.call, sent]).toEqual(['aborted', false, null, 0]);
    const lines = await readLedgerLines(ledgerPath(dir, 'k1'));
    expect(lines.map((l) => l.kind)).toEqual(['pending', 'unbilled']);
    // a resume of this key carries nothing: no billed call, no unsettled one
    const resumed = await openAttemptLedger(dir, ids, true, new RunBudget(null));
    resumed.close();
    expect(resumed.carried).toBeNull();
  });
});
