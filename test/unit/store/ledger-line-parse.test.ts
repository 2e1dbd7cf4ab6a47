// parseLedgerLine (src/store/ledger.ts): the writer's check of a line against the one member of
// LedgerLine its `kind` selects must give the union's verdict and output for every line, valid or not.
import { describe, expect, it } from 'vitest';
import { zeroUsage } from '../../../src/core/usage.ts';
import { LEDGER_FORMAT_VERSION, LedgerLine, parseLedgerLine } from '../../../src/store/ledger.ts';

const ids = { format_version: LEDGER_FORMAT_VERSION, call_id: 'c-1', key: 'k1', model: 'm', instance_id: 't', attempt: 0, at: '2026-01-01T00:00:00Z' };
const billed = { ...ids, usage: { ...zeroUsage(), input_uncached: 2000, output: 100 }, list_usd: 0.0048, billed_usd: null, ms: 1003 };
const pending = { ...ids, kind: 'pending', price_key: 'fake', bound_usd: 0.02, bounded: false };

/** Lines the writer may be handed: every kind, valid and not (a wrong field, a missing one, an extra one, an unknown kind). */
const LINES: unknown[] = [
  billed,
  { ...billed, kind: 'billed' },
  { ...billed, format_version: 1, call_id: undefined },
  { ...billed, try: 2, cap_usd: 0.5, usage_unknown: true },
  { ...billed, extra: 'dropped' },
  pending,
  { ...pending, bound_usd: null, price_key: null },
  { ...ids, kind: 'unbilled' },
  { ...billed, ms: -1 },
  { ...billed, usage: undefined },
  { ...pending, bounded: 'no' },
  { ...pending, call_id: '' },
  { ...ids, kind: 'unbilled', format_version: 1 },
  { ...billed, kind: 'refund' },
  { ...pending, kind: 'billed' },
  null,
  'a line',
  {},
];

describe('parseLedgerLine', () => {
  it.each(LINES.map((l, i) => [i, l]))('line %i: the same verdict and output as LedgerLine.parse', (_i, line) => {
    const union = LedgerLine.safeParse(line);
    if (union.success) expect(parseLedgerLine(line)).toStrictEqual(union.data);
    else expect(() => parseLedgerLine(line)).toThrow();
  });
});
