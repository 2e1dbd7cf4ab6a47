// Exact unit conversion of prices: USD per token → USD per million tokens, on decimal strings (no
// binary floating-point rounding: "0.00000028" becomes "0.28", not "0.27999999999999997"). Pure.

/**
 * Parses a non-negative decimal (string like "0.00000028" or "2.8e-7", or a finite number) into
 * digits and a power of ten: value = digits × 10^exp. Null when it is not such a number.
 */
function parseDecimal(v: string | number): { digits: string; exp: number } | null {
  const s = typeof v === 'number' ? (Number.isFinite(v) && v >= 0 ? String(v) : '') : v.trim();
  const m = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  if (!m || (!m[1] && !m[2])) return null;
  const int = m[1] ?? '';
  const frac = m[2] ?? '';
  return { digits: (int + frac).replace(/^0+(?=\d)/, ''), exp: Number(m[3] ?? 0) - frac.length };
}

/** Renders digits × 10^exp as a plain decimal string without exponent or needless zeros. */
function render(digits: string, exp: number): string {
  let int: string;
  let frac: string;
  if (exp >= 0) {
    int = digits + '0'.repeat(exp);
    frac = '';
  } else {
    const padded = digits.padStart(-exp + 1, '0');
    int = padded.slice(0, padded.length + exp);
    frac = padded.slice(padded.length + exp);
  }
  int = int.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

/**
 * Multiplies a decimal by 10^shift exactly, e.g. `shiftDecimal("0.00000028", 6)` → "0.28".
 * @returns the plain decimal string, or null when `v` is not a non-negative decimal
 */
export function shiftDecimal(v: string | number, shift: number): string | null {
  const p = parseDecimal(v);
  return p ? render(p.digits, p.exp + shift) : null;
}

/** USD per token → USD per million tokens, exactly (see `shiftDecimal`); null when not a non-negative decimal. */
export const perTokenToPerMillion = (v: string | number): string | null => shiftDecimal(v, 6);
