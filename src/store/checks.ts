// Checks every reader of the store applies to what it reads (src/store/scan.ts, merge.ts): the
// format version, and whether a record belongs to its run. Pure.
import { AttemptRecord, SUPPORTED_FORMAT_VERSIONS, type RunHeader } from '../core/records.ts';
import { UserInputError } from '../core/errors.ts';
import { upgradeAttemptRecord } from './upgrade.ts';

/** The fields that identify a record: what the duplicate and stray checks read. */
export type RecordIdentity = Pick<AttemptRecord, 'key' | 'contender' | 'instance_id' | 'attempt'>;

/**
 * Why record `r` (at `where`, `<file>:<line>`) does not belong in the run of `header`: its contender
 * or task is not the header's, or `seen` (attempt identity → where) already holds its (contender,
 * instance_id, attempt) under another key. Null when it belongs; records it in `seen` then.
 * Contenders are checked when the header lists any.
 */
export function strayRecord(header: RunHeader, r: RecordIdentity, where: string, seen: Map<string, string>): string | null {
  // (a header listing no contender is a hand-made fixture: nothing to check against)
  if (header.contenders.length && !setOf(header.contenders, (c) => c.id).has(r.contender)) {
    return `${where}: contender "${r.contender}" is not among the run's contenders (${header.contenders.map((c) => c.id).join(', ')}) in run.json; a record of another run was added — remove the line`;
  }
  if (!setOf(header.suite.instance_ids, (t) => t).has(r.instance_id)) {
    return `${where}: task "${r.instance_id}" is not in the run's suite (run.json suite.instance_ids); a record of another run was added — remove the line`;
  }
  const id = `${r.contender}\u0000${r.instance_id}\u0000${r.attempt}`;
  const first = seen.get(id);
  if (first !== undefined) {
    return `${where}: ${r.contender} ${r.instance_id}#${r.attempt} is already recorded at ${first} (under another key); an attempt is recorded once — remove one of the two lines`;
  }
  seen.set(id, where);
  return null;
}

const sets = new WeakMap<readonly unknown[], { length: number; set: Set<string> }>();
/** The set of `id(x)` over `list`, kept per array (a reader checks 100,000 records against one header); rebuilt when the array's length changed. */
function setOf<T>(list: readonly T[], id: (x: T) => string): Set<string> {
  const hit = sets.get(list);
  if (hit && hit.length === list.length) return hit.set;
  const set = new Set(list.map(id));
  sets.set(list, { length: list.length, set });
  return set;
}

/**
 * Rejects a store format version this fixbench cannot read.
 * @throws UserInputError naming `where`, the version found, the versions supported, and what to do.
 */
export function checkFormatVersion(where: string, version: unknown): void {
  if (typeof version === 'number' && SUPPORTED_FORMAT_VERSIONS.includes(version)) return;
  const found = version === undefined ? 'no format_version' : `format_version ${JSON.stringify(version)}`;
  const newer = typeof version === 'number' && version > Math.max(...SUPPORTED_FORMAT_VERSIONS);
  throw new UserInputError(
    `${where}: results store ${found}, but this fixbench reads format_version ${SUPPORTED_FORMAT_VERSIONS.join(', ')}; ` +
      (newer ? 'upgrade fixbench to read it' : 'read it with the fixbench version that wrote it, or re-run the suite with this one'),
  );
}

/** One parsed `attempts.jsonl` line of a supported version, as the current version (version 1 upgraded with the run's limits). */
export function parseAttemptLine(obj: unknown, version: unknown, limits: RunHeader['limits']): { success: true; data: AttemptRecord } | { success: false; problems: string[] } {
  if (version === 1) {
    const u = upgradeAttemptRecord(obj, limits);
    return u.ok ? { success: true, data: u.value } : { success: false, problems: u.problems };
  }
  const r = AttemptRecord.safeParse(obj);
  return r.success ? { success: true, data: r.data } : { success: false, problems: r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`) };
}
