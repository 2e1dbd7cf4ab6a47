// Every commander option parser of the CLI (numbers, caps, lists, `--shard`, `--fail-on-error`, gates of
// `compare`): each returns the typed value or throws InvalidArgumentError with the fix.
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

/** Commander parser for a whole number from 0 to 10. */
export function nonNegativeInt(v: string): number {
  const n = decimal(v);
  if (!Number.isInteger(n) || n < 0 || n > 10) throw new InvalidArgumentError('must be a whole number from 0 to 10');
  return n;
}

/** Commander parser for a positive whole number flag. */
export function positiveInt(v: string): number {
  const n = decimal(v);
  if (!Number.isInteger(n) || n <= 0 || n > 1_000_000) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

/**
 * Commander parser for a USD amount; `none` disables the cap and gives `Infinity` (commander turns a
 * parser's null into ''), which `capOrNull` maps back to null.
 */
export function usdOrNone(v: string): number {
  if (v === 'none') return Number.POSITIVE_INFINITY;
  const n = decimal(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('must be an amount in USD such as 2 or 0.5, or "none"');
  return n;
}

/** Commander parser for a token count; `none` (the default) disables the cap and gives `Infinity`. */
export function tokensOrNone(v: string): number {
  if (v === 'none') return Number.POSITIVE_INFINITY;
  const n = decimal(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a whole number of tokens such as 2000000, or "none"');
  return n;
}

/** A cap from `usdOrNone`: null for no cap. */
export const capOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Commander parser for a comma-separated, repeatable list; an empty list is refused. */
export function list(v: string, prev: unknown): string[] {
  if (prev === false) throw new InvalidArgumentError('cannot be combined with --no-models');
  const items = v.split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new InvalidArgumentError('needs at least one id (comma-separated)');
  return [...(Array.isArray(prev) ? (prev as string[]) : []), ...items];
}

/** Commander parser for a number of seconds, at least `min` and at most one day. */
export const seconds = (min: number) => (v: string): number => {
  const n = decimal(v);
  if (!(n >= min && n <= 86_400)) throw new InvalidArgumentError(`must be a number of seconds from ${min} to 86400`);
  return n;
};

/** Strict decimal (no hex, exponent or blanks), or NaN. */
function decimal(v: string): number {
  return /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : Number.NaN;
}
