// StrayCheck (src/store/checks.ts), the scan's form of strayRecord: for the same records in the same
// order it returns exactly strayRecord's answers (messages included) and records the same ones.
import { describe, expect, it } from 'vitest';
import { StrayCheck, strayRecord, type RecordIdentity } from '../../../src/store/checks.ts';
import type { RunHeader } from '../../../src/core/records.ts';
import { INDEX_FIELDS, scanAttempts } from '../../../src/store/scan.ts';
import { makeHeader, referenceContender } from '../analysis/fixtures.ts';

const FILE = '/runs/r1/attempts.jsonl';

/** Both checks over `records` (record i read at line i + 1): each answer, strayRecord's then StrayCheck's. */
function both(header: RunHeader, records: RecordIdentity[]): { old: Array<string | null>; now: Array<string | null> } {
  const seen = new Map<string, string>();
  const check = new StrayCheck(header, FILE);
  return {
    old: records.map((r, i) => strayRecord(header, r, `${FILE}:${i + 1}`, seen)),
    now: records.map((r, i) => check.check(r, i + 1)),
  };
}

const id = (contender: string, instance_id: string, attempt: number): RecordIdentity => ({ key: `k-${contender}-${instance_id}-${attempt}`, contender, instance_id, attempt });

/** Every case at once: in range, again (another key), beyond attempts_per_task (and again), unknown contender or task, again after a rejected line. */
const RECORDS: RecordIdentity[] = [
  id('gold', 't1', 0),
  id('noop', 't1', 0),
  id('gold', 't2', 1),
  { ...id('gold', 't1', 0), key: 'other' },
  id('gold', 't4', 1),
  id('gold', 't3', 7),
  { ...id('gold', 't3', 7), key: 'other-7' },
  id('intruder', 't1', 0),
  id('gold', 'alien', 0),
  { ...id('noop', 't1', 0), key: 'other-noop' },
  id('noop', 't4', 1),
  { ...id('noop', 't4', 1), key: 'again' },
  id('gold', 't1', 2), // attempts_per_task 2: beyond the slots, where attempt 0 of the next task would be
  id('gold', 't2', 0),
  id('noop', 't1', 1),
];

describe('StrayCheck', () => {
  it('answers as strayRecord does, line by line, on a header with contenders', () => {
    const header = makeHeader({ contenders: [referenceContender('gold'), referenceContender('noop')], attempts_per_task: 2 });
    const { old, now } = both(header, RECORDS);
    expect(now).toEqual(old);
    // the cases are all there: in range and beyond it, twice each, an alien contender and task
    expect(old.filter((x) => x === null)).toHaveLength(9);
    expect(old.filter((x) => x?.includes('(under another key)'))).toHaveLength(4);
    expect(old[3]).toBe(`${FILE}:4: gold t1#0 is already recorded at ${FILE}:1 (under another key); an attempt is recorded once — remove one of the two lines`);
    expect(old[6]).toContain(`already recorded at ${FILE}:6`);
    expect(old.filter((x) => x?.includes('is not among the run\'s contenders (gold, noop)'))).toHaveLength(1);
    expect(old.filter((x) => x?.includes('task "alien" is not in the run\'s suite'))).toHaveLength(1);
  });

  it('answers as strayRecord does on a header listing no contender, and with a task listed twice', () => {
    expect(both(makeHeader({ attempts_per_task: 2 }), RECORDS).now).toEqual(both(makeHeader({ attempts_per_task: 2 }), RECORDS).old);
    const twice = makeHeader({ contenders: [referenceContender('gold'), referenceContender('noop')], attempts_per_task: 2, suite: { hash: 'h', instance_ids: ['t1', 't2', 't2', 't3', 't4'] } });
    const { old, now } = both(twice, RECORDS);
    expect(now).toEqual(old);
    expect(old.filter((x) => x === null)).toHaveLength(9); // (a slot per index of the list would put gold t4 where noop t1 is)
  });
});

describe('scanAttempts lines', () => {
  it('takes only an empty map, and none with a start other than the file\'s', async () => {
    const header = makeHeader();
    await expect(scanAttempts('/nonexistent', header, INDEX_FIELDS, () => {}, { offset: 0, linesBefore: 0, seen: [] }, { lines: new Map() })).rejects.toThrow(/`lines` must be an empty map/);
    await expect(scanAttempts('/nonexistent', header, INDEX_FIELDS, () => {}, undefined, { lines: new Map([['k', { line: 1, offset: 0, bytes: 1 }]]) })).rejects.toThrow(/`lines` must be an empty map/);
    await expect(scanAttempts('/nonexistent', header, INDEX_FIELDS, () => {}, undefined, { lines: new Map() })).resolves.toBeUndefined(); // no file: no record
  });
});
