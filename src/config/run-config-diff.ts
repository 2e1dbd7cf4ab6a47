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

/** A value as canonical JSON, cut to 120 characters; `(absent)` for undefined. */
export function showValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = canonicalize(v) ?? String(v);
  return s.length > 120 ? `${s.slice(0, 120)}…` : s;
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
  const [sa, sb] = [showValue(stored), showValue(now)];
  return sa === sb ? [] : [`${at || '(root)'}: ${sa} → ${sb}`];
}
