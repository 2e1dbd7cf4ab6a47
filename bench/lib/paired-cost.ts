// Pure arithmetic of an added-cost bench (bench/canary.ts): interleaved runs of the same work
// without (`off`) and with (`on`) an addition, grouped in slots (one pair per task, measured side by
// side), turned into the added percentage of the whole suite per slot and the added ms per task.
import { median } from './stats.ts';

/** One run's wall time and the CPU time (user + system) of its whole process tree, ms. */
export interface RunCost {
  wallMs: number;
  cpuMs: number;
}

/** One task's pair in one slot. */
export interface CostPair {
  task: string;
  off: RunCost;
  on: RunCost;
}

/**
 * Per slot (an array of pairs, one per task), the suite's added cost in percent:
 * (Σ on − Σ off) ÷ Σ off × 100 over the slot's tasks, for `key`.
 * @throws RangeError for an empty slot or one whose Σ off is not positive.
 */
export function suiteAddedPercent(slots: readonly (readonly CostPair[])[], key: keyof RunCost): number[] {
  return slots.map((slot, i) => {
    const off = slot.reduce((s, p) => s + p.off[key], 0);
    const on = slot.reduce((s, p) => s + p.on[key], 0);
    if (slot.length === 0 || !(off > 0)) throw new RangeError(`slot ${i} has no positive ${key} without the addition`);
    return ((on - off) / off) * 100;
  });
}

/** A task's cost over its pairs: median ms without, median of the paired differences (on − off), and their count. */
export interface TaskAdded {
  offMs: number;
  addedMs: number;
  n: number;
}

/** {@link TaskAdded} per task (in first-seen order), for `key`. */
export function perTaskAdded(pairs: readonly CostPair[], key: keyof RunCost): Map<string, TaskAdded> {
  const by = new Map<string, CostPair[]>();
  for (const p of pairs) by.set(p.task, [...(by.get(p.task) ?? []), p]);
  return new Map([...by].map(([task, ps]) => [task, { offMs: median(ps.map((p) => p.off[key])), addedMs: median(ps.map((p) => p.on[key] - p.off[key])), n: ps.length }]));
}

/**
 * The suite's added cost in percent from every pair at once: Σ over tasks of the median paired
 * difference ÷ Σ over tasks of the median run without (`perTaskAdded`), × 100. A load spike in one
 * run moves one task's median little, where it moves a whole slot's ratio (`suiteAddedPercent`).
 * @throws RangeError when there is no pair or Σ of the medians without is not positive.
 */
export function suiteAddedOfMedians(pairs: readonly CostPair[], key: keyof RunCost): number {
  const tasks = [...perTaskAdded(pairs, key).values()];
  const off = tasks.reduce((s, t) => s + t.offMs, 0);
  if (!(off > 0)) throw new RangeError(`no positive ${key} without the addition`);
  return (tasks.reduce((s, t) => s + t.addedMs, 0) / off) * 100;
}

/**
 * Whether the pair at position `k` of a sequence runs `off` first: off-on, on-off, on-off, off-on, …
 * (ABBA), the sequence starting with on-off when `flip`. Over every four positions each side runs
 * first twice and a linear drift of the machine's speed cancels.
 */
export function offFirst(k: number, flip = false): boolean {
  const abba = k % 4 === 0 || k % 4 === 3;
  return flip ? !abba : abba;
}
