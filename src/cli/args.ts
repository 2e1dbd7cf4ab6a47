// Commander parsers of the nightly-run flags (`--shard`, `--fail-on-error`, gates of `compare`).
import { InvalidArgumentError } from 'commander';
import type { Shard } from '../store/records.ts';

/** `--shard i/n` (1 ≤ i ≤ n ≤ 1000), e.g. `2/4`, or `auto` (resolved by `shardFromEnv`). */
export function parseShardOrAuto(v: string): Shard | 'auto' {
  return v.trim() === 'auto' ? 'auto' : parseShard(v);
}

/** `--shard i/n` (1 ≤ i ≤ n ≤ 1000), e.g. `2/4`. */
export function parseShard(v: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(v);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(index >= 1 && count >= 1 && index <= count && count <= 1000)) throw new InvalidArgumentError('must be i/n with 1 ≤ i ≤ n ≤ 1000, e.g. 2/4, or auto (from the CI engine\'s variables)');
  return { index, count };
}

/** An error threshold: a count of attempts (`3`) or a share of the attempts run (`5%`). */
export type ErrorThreshold = { kind: 'count'; value: number } | { kind: 'percent'; value: number };

/** `--fail-on-error <n|p%>`. */
export function parseErrorThreshold(v: string): ErrorThreshold {
  const pct = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(v);
  if (pct && Number(pct[1]) <= 100) return { kind: 'percent', value: Number(pct[1]) };
  const n = /^\s*(\d+)\s*$/.exec(v);
  if (n) return { kind: 'count', value: Number(n[1]) };
  throw new InvalidArgumentError('must be a number of attempts such as 3, or a percentage such as 5%');
}

/** True when `errors` of `total` attempts exceed the threshold (more than, not equal). */
export function exceedsThreshold(t: ErrorThreshold, errors: number, total: number): boolean {
  return t.kind === 'count' ? errors > t.value : total > 0 && (errors / total) * 100 > t.value;
}

/** A non-negative number flag (percentage points, percent). */
/** `--significant-drop <alpha>`: a significance level, 0 < alpha < 1. @throws InvalidArgumentError otherwise. */
export function significanceLevel(v: string): number {
  const n = /^\s*(0|1)?(\.\d+)?\s*$/.test(v) && /\d/.test(v) ? Number(v) : NaN;
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('must be a significance level between 0 and 1, such as 0.05');
  return n;
}

export function nonNegativeNumber(v: string): number {
  const n = /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new InvalidArgumentError('must be a number such as 2 or 2.5');
  return n;
}
