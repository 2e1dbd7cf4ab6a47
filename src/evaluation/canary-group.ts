// A must-fail canary's group (canary-mutate.ts, canary-python.ts): the test, its mutant and a third
// member, a copy of one of the two with one other literal respelled (canary-respell.ts), the value
// kept. Which of the two gets the copy is a coin flip, so every group holds one pair of tests equal
// by value and one test differing from them by one value, and whether that pair is the original
// and its passing copy or the mutant and its failing copy is the flip's secret. A patch emptying
// every pair of tests equal by value (atkA23 #3: a tokenizer normalising literals, then comparing
// the functions' text) passes the original of half the groups and the mutant of the other half —
// the must-fail copies then pass, and with its original failed a non-strict one is excused, while
// that original failing grades the task unresolved — so a group is beaten at 1/2, the odds of a
// blind guess between an original and its mutant, which `canaries.guess` already counts.
// The members stand side by side in a uniformly random order: placing each copy before or after
// the original on its own would put the lone member of a group at the end more often for one kind
// of group than the other.
import { randomInt } from 'node:crypto';
import { shuffle } from './canary-random.ts';

/** A replacement of `text`'s span [start, end) by `code` (UTF-16 offsets). */
export interface SpanEdit {
  start: number;
  end: number;
  code: string;
}

/** Whether the group's copy is of the mutant (true) or of the original (false): a fair coin of crypto randomness. */
export function twinOfMutant(): boolean {
  return randomInt(2) === 1;
}

/**
 * `text`'s span [start, end) with `edits` applied (each inside the span, none overlapping another).
 * @throws Error when an edit leaves the span or two overlap (a planner bug).
 */
export function spanWith(text: string, start: number, end: number, edits: readonly SpanEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = text.slice(start, end);
  let limit = end;
  for (const e of sorted) {
    if (e.start < start || e.end > limit || e.start > e.end) throw new Error(`canary group: an edit [${e.start}, ${e.end}) leaves the span [${start}, ${end}) or overlaps another`);
    out = out.slice(0, e.start - start) + e.code + out.slice(e.end - start);
    limit = e.start;
  }
  return out;
}

/** `members` (a test's text and its copies' texts) in a uniformly random order, joined by `sep` (a line break and the original's indentation). */
export function arrange(members: readonly string[], sep: string): string {
  return shuffle(members).join(sep);
}
