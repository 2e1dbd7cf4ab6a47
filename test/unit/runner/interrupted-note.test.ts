// The note of a run interrupted by Ctrl-C (newcomer16 #5): attempts cut after a billed call are not
// recorded, but their calls are on the run's ledgers and --resume counts them; the note says so, and
// says "the rest were not started" only of the rest.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { zeroUsage } from '../../../src/core/usage.ts';
import { LEDGER_FORMAT_VERSION, LedgerWriter, ledgerPath, settleLedger, type LedgerEntry } from '../../../src/store/ledger.ts';
import { interruptedNote } from '../../../src/runner/run.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-interrupted-note-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (key: string, usd: number): LedgerEntry => ({
  format_version: LEDGER_FORMAT_VERSION, key, model: 'm', instance_id: 't', attempt: 0, at: '2026-01-01T00:00:00Z',
  usage: { ...zeroUsage(), input_uncached: 1000, output: 100 }, list_usd: usd, billed_usd: null, ms: 5,
});

describe('interruptedNote', () => {
  it('with no cut attempt: finished attempts are recorded, the rest were not started', async () => {
    expect(await interruptedNote(dir)).toBe('interrupted; finished attempts are recorded; the rest were not started (--resume runs them)');
  });

  it('counts the attempts cut after a call (unsettled ledgers), their calls and list USD; a recorded attempt\'s ledger is not counted', async () => {
    for (const [key, usds] of [['cut-a', [0.01, 0.02]], ['cut-b', [0.5]], ['done', [1]]] as const) {
      const w = new LedgerWriter(ledgerPath(dir, key));
      for (const u of usds) w.append(entry(key, u));
      w.close();
    }
    await settleLedger(dir, 'done'); // recorded: its calls are in its record
    expect(await interruptedNote(dir)).toBe(
      "interrupted; finished attempts are recorded; 2 attempt(s) were cut after 3 model call(s) ($0.53 at list price): not recorded, their calls are on the run's ledgers and --resume re-runs them counting those calls; the rest were not started (--resume runs them)",
    );
  });
});
