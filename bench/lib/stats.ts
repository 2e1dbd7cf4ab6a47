// Pure helpers of the benchmarks: summary statistics of repeated timings, ratios, targets and the
// one-line verdict each section prints (`name: measured  target  PASS/MISS`).

/** Summary of repeated measurements (any unit; the caller names it). */
export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
}

/** Median of `xs` (mean of the two middle values for an even count). @throws RangeError on an empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new RangeError('median of an empty list');
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median, minimum and maximum of `xs`. @throws RangeError on an empty list. */
export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

/** `a / b`; NaN when `b` is 0 or either value is not finite (never Infinity). */
export function ratio(a: number, b: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return Number.NaN;
  return a / b;
}

/**
 * Median of the per-repetition ratios `a[i] / b[i]` of interleaved measurements (A, B, A, B, …):
 * pairing each A with the B measured next to it cancels slow drifts of a shared machine's load.
 * @throws RangeError when the lists differ in length or are empty.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): Summary {
  if (a.length !== b.length || a.length === 0) throw new RangeError(`paired ratio needs two lists of one length (got ${a.length} and ${b.length})`);
  return summarize(a.map((x, i) => ratio(x, b[i]!)));
}

/** A target a measurement is checked against: `value ≤ limit` or `value ≥ limit`. */
export interface Target {
  op: '<=' | '>=';
  limit: number;
  /** Unit shown after numbers, e.g. `×`, ` ms`, ` MiB`. */
  unit: string;
}

/** True when `value` meets `target` (NaN never does). */
export function meets(value: number, target: Target): boolean {
  if (Number.isNaN(value)) return false;
  return target.op === '<=' ? value <= target.limit : value >= target.limit;
}

/** A number with `digits` decimals and its unit; `n/a` for NaN. */
export function fmt(value: number, unit = '', digits = 2): string {
  return Number.isNaN(value) ? 'n/a' : `${value.toFixed(digits)}${unit}`;
}

/** `median [min–max]` of a summary, with its unit. */
export function fmtSummary(s: Summary, unit = '', digits = 2): string {
  return s.n > 1 ? `${fmt(s.median, unit, digits)} [${fmt(s.min, '', digits)}–${fmt(s.max, '', digits)}]` : fmt(s.median, unit, digits);
}

/** The verdict line of one measurement: `name: measured  target ≤ x  PASS` (or MISS, or `info` without a target). */
export function verdictLine(name: string, measured: string, value: number, target: Target | null, digits = 2): string {
  if (!target) return `${name}: ${measured}  (no target)  info`;
  const t = `target ${target.op === '<=' ? '≤' : '≥'} ${fmt(target.limit, target.unit, digits)}`;
  return `${name}: ${measured}  ${t}  ${meets(value, target) ? 'PASS' : 'MISS'}`;
}
