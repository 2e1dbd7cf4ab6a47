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
  if (header.contenders.length && !setOf(header.contenders, (c) => c.id).has(r.contender)) return notContender(header, r, where);
  if (!setOf(header.suite.instance_ids, (t) => t).has(r.instance_id)) return notTask(r, where);
  const id = attemptId(r);
  const first = seen.get(id);
  if (first !== undefined) return recordedTwice(r, where, first);
  seen.set(id, where);
  return null;
}

// The stray checks' messages, one text for both forms (strayRecord, StrayCheck).
const notContender = (header: RunHeader, r: RecordIdentity, where: string): string =>
  `${where}: contender "${r.contender}" is not among the run's contenders (${header.contenders.map((c) => c.id).join(', ')}) in run.json; a record of another run was added — remove the line`;
const notTask = (r: RecordIdentity, where: string): string =>
  `${where}: task "${r.instance_id}" is not in the run's suite (run.json suite.instance_ids); a record of another run was added — remove the line`;
const recordedTwice = (r: RecordIdentity, where: string, first: string): string =>
  `${where}: ${r.contender} ${r.instance_id}#${r.attempt} is already recorded at ${first} (under another key); an attempt is recorded once — remove one of the two lines`;
const attemptId = (r: RecordIdentity): string => `${r.contender}\u0000${r.instance_id}\u0000${r.attempt}`;

/** Matrices up to this many (contender, task, attempt) slots get one number per slot in {@link StrayCheck}. */
const SLOTS_MAX = 1 << 24;

/**
 * {@link strayRecord} over the records of one file (`file`, their places given as line numbers), in
 * file order, at a scan's scale (100,000 records): `check(r, line)` returns exactly what
 * `strayRecord(header, r, \`${file}:${line}\`, seen)` returns for the same records in the same order
 * (one `seen` for all), and records `r` when null. Cheaper per record: contenders and tasks indexed
 * once, an attempt within `attempts_per_task` kept as its first line in one number slot (no string
 * built or held per record; `<file>:<line>` only formatted into a message), any other attempt (or
 * every one when the header lists no contender) in a map by the same identity string.
 */
export class StrayCheck {
  private readonly contenders: Map<string, number>;
  private readonly tasks: Map<string, number>;
  private readonly taskCount: number;
  private readonly perAttempt: number;
  private readonly slots: Int32Array | null;
  private readonly others = new Map<string, number>();

  constructor(
    private readonly header: RunHeader,
    private readonly file: string,
  ) {
    this.contenders = new Map(header.contenders.map((c, i) => [c.id, i]));
    this.tasks = new Map(header.suite.instance_ids.map((t, i) => [t, i]));
    // (indexes run to the lists' lengths: a repeated id keeps its last index)
    this.taskCount = header.suite.instance_ids.length;
    this.perAttempt = header.attempts_per_task;
    const size = header.contenders.length * this.taskCount * this.perAttempt;
    this.slots = header.contenders.length && size <= SLOTS_MAX ? new Int32Array(size) : null; // 0: not seen; else the first line
  }

  /** Why `r`, read at line `line` (≥ 1) of the file, does not belong (strayRecord's message), or null after recording it. */
  check(r: RecordIdentity, line: number): string | null {
    const ci = this.contenders.get(r.contender);
    if (this.header.contenders.length && ci === undefined) return notContender(this.header, r, `${this.file}:${line}`);
    const ti = this.tasks.get(r.instance_id);
    if (ti === undefined) return notTask(r, `${this.file}:${line}`);
    if (this.slots && ci !== undefined && Number.isInteger(r.attempt) && r.attempt >= 0 && r.attempt < this.perAttempt) {
      const slot = (ci * this.taskCount + ti) * this.perAttempt + r.attempt;
      const first = this.slots[slot]!;
      if (first !== 0) return recordedTwice(r, `${this.file}:${line}`, `${this.file}:${first}`);
      this.slots[slot] = line;
      return null;
    }
    const id = attemptId(r);
    const first = this.others.get(id);
    if (first !== undefined) return recordedTwice(r, `${this.file}:${line}`, `${this.file}:${first}`);
    this.others.set(id, line);
    return null;
  }
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
