// Field-by-field difference of two configurations (RunConfig, or the comparable part of an older
// run.json), one line per differing leaf: `contenders[gpt-x].model.params.temperature: 0 → 1`. Pure.
import canonicalize from 'canonicalize';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** An array of objects with distinct string `id`s is compared by id, not position. */
const byId = (v: unknown[]): Map<string, unknown> | null => {
  const m = new Map<string, unknown>();
  for (const x of v) {
    if (!isObject(x) || typeof x.id !== 'string' || m.has(x.id)) return null;
    m.set(x.id, x);
  }
  return m;
};

/** Characters of a value shown in a difference line. */
const SHOWN = 120;
/** Characters shown before the first differing character when a long value is cut. */
const BEFORE = 40;

/** A value as full canonical JSON (RFC 8785), the form two values are compared in; `(absent)` for undefined. */
const canonical = (v: unknown): string => (v === undefined ? '(absent)' : (canonicalize(v) ?? String(v)));

/** A value as canonical JSON, cut to 120 characters for display; `(absent)` for undefined. Never used to compare. */
export function showValue(v: unknown): string {
  const s = canonical(v);
  return s.length > SHOWN ? `${s.slice(0, SHOWN)}…` : s;
}

/**
 * Two differing canonical strings for display, each cut to about 120 characters around their first
 * differing character (`…` marks a cut), so a difference past character 120 stays visible.
 */
function showPair(a: string, b: string): [string, string] {
  if (a.length <= SHOWN && b.length <= SHOWN) return [a, b];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = i <= BEFORE ? 0 : i - BEFORE;
  const cut = (s: string) => `${from > 0 ? '…' : ''}${s.slice(from, from + SHOWN)}${from + SHOWN < s.length ? '…' : ''}`;
  return [cut(a), cut(b)];
}

/**
 * The leaves where `stored` and `now` differ, as `path: stored → now`, in a stable order (stored's
 * key order, then keys only `now` has). Objects recurse; arrays of objects with an `id` are matched
 * by id (`contenders[gpt-x]`, order ignored), other arrays are compared whole. Key order never counts as a difference.
 */
export function configDiff(stored: unknown, now: unknown, at = ''): string[] {
  if (isObject(stored) && isObject(now)) {
    const keys = [...Object.keys(stored), ...Object.keys(now).filter((k) => !Object.hasOwn(stored, k))];
    return keys.flatMap((k) => configDiff(stored[k], now[k], at ? `${at}.${k}` : k));
  }
  if (Array.isArray(stored) && Array.isArray(now)) {
    const a = byId(stored);
    const b = byId(now);
    if (a && b) {
      const ids = [...a.keys(), ...[...b.keys()].filter((id) => !a.has(id))];
      // the order of contenders changes no attempt: not a difference
      return ids.flatMap((id) => configDiff(a.get(id), b.get(id), `${at}[${id}]`));
    }
  }
  if (stored === undefined && now === undefined) return [];
  // compared in full: a difference past the displayed 120 characters is still a difference
  const [ca, cb] = [canonical(stored), canonical(now)];
  if (ca === cb) return [];
  const [sa, sb] = showPair(ca, cb);
  return [`${at || '(root)'}: ${sa} → ${sb}`];
}
