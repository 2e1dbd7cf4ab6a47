// Display formats of the report: USD, percentages, token counts, durations. Pure; locale fixed to en-US
// so a report is byte-identical wherever it is built.

const UNKNOWN = 'unknown';
// One formatter each, built once: `toLocaleString` builds a new Intl formatter on every call, which
// dominates building the tens of thousands of attempt pages of a large run. Built at first use, not
// when the module loads: the first Intl.NumberFormat of a process loads ICU's number data (10–35 ms),
// and `fixbench run` loads this module before its first attempt, though a run of the reference
// agents never formats an amount of $1 or more.
let usd2: Intl.NumberFormat | undefined;
let int: Intl.NumberFormat | undefined;
const USD_2 = (): Intl.NumberFormat => (usd2 ??= new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const INT = (): Intl.NumberFormat => (int ??= new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }));

/**
 * A cost difference in words, for "<subject> costs …": `diffUsd` = the subject's USD per task minus
 * `than`'s. "$0.0287 more per task than the oracle", "$0.0287 less per task than the oracle", or
 * "the same per task as the oracle" when the difference is within a billionth of a dollar (float
 * noise), never "$0 more".
 */
export function costDifferenceText(diffUsd: number, than: string): string {
  if (Math.abs(diffUsd) <= 1e-9) return `the same per task as ${than}`;
  return `${formatUsd(Math.abs(diffUsd))} ${diffUsd > 0 ? 'more' : 'less'} per task than ${than}`;
}

/**
 * USD for a reader: null → "unknown" (never "$0"); 0 → "$0"; below $1 three significant digits with
 * at least two decimals ("$0.0123", "$0.50", "$0.000412"); from $1 two decimals with thousands
 * separators ("$12.35", "$1,234.50").
 */
export function formatUsd(usd: number | null): string {
  if (usd === null || !Number.isFinite(usd)) return UNKNOWN;
  if (usd === 0) return '$0';
  const sign = usd < 0 ? '-' : '';
  const v = Math.abs(usd);
  if (v >= 1) {
    return `${sign}$${USD_2().format(v)}`;
  }
  const decimals = Math.min(20, Math.max(2, 2 - Math.floor(Math.log10(v))));
  let s = v.toFixed(decimals);
  // Drop trailing zeros beyond the second decimal: 0.500 → 0.50.
  s = s.replace(/(\.\d\d\d*?)0+$/, '$1');
  return `${sign}$${s}`;
}

/** A proportion in [0, 1] as a percentage with one decimal ("45.0%"); null → "—". */
export function formatPct(p: number | null): string {
  return p === null ? '—' : `${(p * 100).toFixed(1)}%`;
}

/** A count with thousands separators ("1,234,567"). */
export function formatInt(n: number): string {
  const r = Math.round(n);
  // Safe integers are grouped here, the same digits and commas en-US gives (Intl's `format` costs
  // about a microsecond a call, and an attempt page calls this a dozen times); -0, NaN, ±∞ and
  // beyond 2^53 stay Intl's.
  if (!Number.isSafeInteger(r) || Object.is(r, -0)) return INT().format(r);
  const digits = String(r < 0 ? -r : r);
  let out = digits.length > 3 ? '' : digits;
  if (digits.length > 3) {
    const head = digits.length % 3 || 3;
    out = digits.slice(0, head);
    for (let i = head; i < digits.length; i += 3) out += ',' + digits.slice(i, i + 3);
  }
  return r < 0 ? '-' + out : out;
}

/** A token count, compact ("950", "12.3k", "4.56M", "1.20B"). */
export function formatTokens(n: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (n >= size) return `${(n / size).toPrecision(3)}${unit}`;
  }
  return String(Math.round(n));
}

/** Milliseconds for a reader ("850 ms", "12.3 s", "4.5 min", "2.0 h"); null → "—". */
export function formatMs(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** A label and its value, e.g. `{label: 'steps per attempt', value: '50'}`. */
export interface Field {
  label: string;
  value: string;
}
