// The one reader of `attempts.jsonl` (docs/store-format.md), streaming and projecting: the file is
// read in 1 MiB blocks and split into lines on bytes; each line is judged as it comes (JSON, format
// version, zod, duplicate key, stray record), and a consumer that needs only some fields gets only
// those decoded and validated (a resume needs keys and spend, the report's index everything but the
// patch and the test lists: bench/RESULTS.md, issue 18.4). `readRun` (store.ts) is this reader
// with every field.
import { open } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AttemptRecord, type RunHeader } from '../core/records.ts';
import { UserInputError } from '../core/errors.ts';
import { upgradeAttemptRecord } from './upgrade.ts';
import { checkFormatVersion, strayRecord, type RecordIdentity } from './checks.ts';

/** Where a record was read: its 1-based line and its bytes in the file (offset, length without the newline). */
export interface LineAt {
  line: number;
  offset: number;
  bytes: number;
}

/** The fields every projection decodes: the identity checks (duplicate key, stray record) need them. */
const IDENTITY = ['format_version', 'key', 'contender', 'instance_id', 'attempt'] as const;

/**
 * A view of a record with only some of its top-level fields: `fields` is null for the whole
 * record. `schema` validates a version-2 line projected to those fields; a version-1 line is read
 * whole, upgraded (src/store/upgrade.ts) and then projected.
 */
export interface Projection<T extends RecordIdentity> {
  fields: readonly string[] | null;
  schema: z.ZodType<T>;
}

/** Every field: `AttemptRecord` as stored. */
export const FULL: Projection<AttemptRecord> = { fields: null, schema: AttemptRecord };

/** A projection to `keys` (plus the identity fields), validated by the same fields of `AttemptRecord`. */
export function projection<K extends keyof AttemptRecord>(keys: readonly K[]): Projection<Pick<AttemptRecord, K | (typeof IDENTITY)[number]>> {
  const fields = [...new Set<string>([...IDENTITY, ...keys])];
  const mask = Object.fromEntries(fields.map((f) => [f, true])) as Record<string, true>;
  return { fields, schema: AttemptRecord.pick(mask as never) as unknown as z.ZodType<Pick<AttemptRecord, K | (typeof IDENTITY)[number]>> };
}

/**
 * Streams `<dir>/attempts.jsonl`, calling `onRecord` with each valid record projected by `p`, in
 * file order. A missing file is a run with no attempt yet. Only the final line may be a torn write
 * (no newline after it, not JSON): it is skipped, as a crash mid-append leaves it; every other bad
 * line is collected and reported together.
 * @throws UserInputError naming the file and each bad line (`<file>:<line>: …`) with the fix; or
 *   the file when it cannot be read.
 */
export async function scanAttempts<T extends RecordIdentity>(dir: string, header: RunHeader, p: Projection<T>, onRecord: (r: T, at: LineAt) => void): Promise<void> {
  const file = path.join(dir, 'attempts.jsonl');
  const want = p.fields ? new NameSet(new Set(p.fields)) : null;
  const seen = new Map<string, number>();
  const seenAttempt = new Map<string, string>();
  const problems: Array<{ line: number; text: string }> = [];
  let lastNonEmpty = 0;
  const badJson: Array<{ line: number; message: string }> = [];

  const judge = (buf: Buffer, s: number, e: number, at: LineAt, tornCandidate: boolean): void => {
    const where = `${file}:${at.line}`;
    let obj: unknown;
    try {
      const projected = want && !tornCandidate ? projectLine(buf, s, e, want) : null;
      obj = JSON.parse(projected ?? buf.toString('utf8', s, e));
    } catch (err) {
      if (tornCandidate) return; // no newline after it: a write cut by a crash, ignored
      badJson.push({ line: at.line, message: (err as Error).message });
      return;
    }
    const version = (obj as { format_version?: unknown })?.format_version;
    checkFormatVersion(where, version);
    let data: T;
    if (version === 1) {
      // version 1 is read whole and upgraded: the upgrade needs the whole line
      const whole = want ? (JSON.parse(buf.toString('utf8', s, e)) as unknown) : obj;
      const u = upgradeAttemptRecord(whole, header.limits);
      if (!u.ok) return void problems.push({ line: at.line, text: `${where}: invalid record (format version 1): ${u.problems.join('; ')}` });
      data = (want ? Object.fromEntries(Object.entries(u.value).filter(([k]) => want.names.has(k))) : u.value) as T;
    } else {
      const r = p.schema.safeParse(obj);
      if (!r.success) return void problems.push({ line: at.line, text: `${where}: invalid record: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}` });
      data = r.data;
    }
    const first = seen.get(data.key);
    if (first !== undefined) {
      problems.push({ line: at.line, text: `${where}: attempt key ${data.key} is already recorded on line ${first}; an attempt is recorded once — remove one of the two lines` });
      return;
    }
    const stray = strayRecord(header, data, where, seenAttempt);
    if (stray) return void problems.push({ line: at.line, text: stray });
    seen.set(data.key, at.line);
    onRecord(data, at);
  };

  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // no attempt finished yet
    throw new UserInputError(`${file}: cannot read (${(e as Error).message}); check the run folder`, { cause: e });
  }
  try {
    let block = Buffer.allocUnsafe(BLOCK);
    let carry: Buffer = Buffer.alloc(0);
    let carryOffset = 0; // file offset of carry[0]
    let line = 0;
    // One line behind: only the final line can be a torn write, so each line is judged once the next is seen.
    type Pending = { buf: Buffer; s: number; e: number; at: LineAt };
    const held: { p: Pending | null } = { p: null };
    const take = (buf: Buffer, s: number, e: number, offset: number): void => {
      line++;
      if (isBlank(buf, s, e)) return;
      lastNonEmpty = line;
      if (held.p) judge(held.p.buf, held.p.s, held.p.e, held.p.at, false);
      held.p = { buf, s, e, at: { line, offset, bytes: e - s } };
    };
    for (let pos = 0; ; ) {
      const { bytesRead } = await fh.read(block, 0, block.length, pos);
      if (bytesRead === 0) break;
      const chunkOffset = carry.length ? carryOffset : pos;
      pos += bytesRead;
      // a fresh block per read: the held line may point into this one
      const chunk = carry.length ? Buffer.concat([carry, block.subarray(0, bytesRead)]) : block.subarray(0, bytesRead);
      block = Buffer.allocUnsafe(BLOCK);
      let s = 0;
      for (let nl = chunk.indexOf(0x0a); nl >= 0; nl = chunk.indexOf(0x0a, s)) {
        take(chunk, s, nl, chunkOffset + s);
        s = nl + 1;
      }
      carry = chunk.subarray(s);
      carryOffset = chunkOffset + s;
    }
    let torn = false;
    if (carry.length && !isBlank(carry, 0, carry.length)) {
      // the final line has no newline after it: the torn-write candidate
      take(carry, 0, carry.length, carryOffset);
      torn = true;
    }
    if (held.p) judge(held.p.buf, held.p.s, held.p.e, held.p.at, torn);
  } catch (e) {
    if (e instanceof UserInputError) throw e;
    throw new UserInputError(`${file}: cannot read (${(e as Error).message}); check the run folder`, { cause: e });
  } finally {
    await fh.close();
  }
  for (const b of badJson) {
    problems.push({
      line: b.line,
      text:
        `${file}:${b.line}: not valid JSON (${b.message}); only a torn last line (no newline after it) is ignored, ` +
        (b.line < lastNonEmpty ? 'this one has records after it — ' : 'this one ends with a newline — ') +
        'repair the line, or delete it (`fixbench run --resume` then runs that attempt again)',
    });
  }
  if (problems.length) {
    const lines = problems.sort((a, b) => a.line - b.line).map((x) => x.text);
    throw new UserInputError(
      `${file}: ${lines.length} bad line(s):\n${lines.join('\n')}\nfix: each line is one attempt record written by fixbench; restore the file, or remove the bad lines (those attempts then count as not run)`,
      { where: file, problems: lines },
    );
  }
}

const BLOCK = 1 << 20;

function isBlank(b: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** Index of the quote closing the JSON string opening at `i` (a quote), or -1 before `e`. */
function stringEnd(b: Buffer, i: number, e: number): number {
  for (let j = i + 1; ; ) {
    const q = b.indexOf(0x22, j);
    if (q < 0 || q >= e) return -1;
    let bs = 0;
    for (let k = q - 1; k > i && b[k] === 0x5c; k--) bs++;
    if (bs % 2 === 0) return q;
    j = q + 1;
  }
}

/** Whether `b[i, j)` is a JSON literal (true, false, null) or number, checked on bytes. */
function isLiteral(b: Buffer, i: number, j: number): boolean {
  const n = j - i;
  if (n === 4 && ((b[i] === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) || (b[i] === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c))) return true;
  if (n === 5 && b[i] === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) return true;
  // a number: JSON.parse of the kept members checks kept ones fully; a skipped one only needs to be number-shaped
  if (n === 0) return false;
  for (let k = i; k < j; k++) {
    const c = b[k]!;
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45)) return false;
  }
  return true;
}

/** Index just after the JSON value starting at `i`, or -1 when it is not one (structurally). */
function valueEnd(b: Buffer, i: number, e: number): number {
  const c = b[i];
  if (c === 0x22) {
    const q = stringEnd(b, i, e);
    return q < 0 ? -1 : q + 1;
  }
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < e; j++) {
      const d = b[j]!;
      if (d === 0x22) {
        j = stringEnd(b, j, e);
        if (j < 0) return -1;
      } else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < e && b[j] !== 0x2c && b[j] !== 0x7d && !isWs(b[j])) j++;
  return isLiteral(b, i, j) ? j : -1;
}

/**
 * The member names a projection keeps, matched on bytes: a name's bytes are hashed as they are
 * walked and compared only with the wanted name of that hash (no string is made per member).
 */
export class NameSet {
  private readonly byHash = new Map<number, Buffer[]>();
  constructor(readonly names: ReadonlySet<string>) {
    for (const n of names) {
      const bytes = Buffer.from(n, 'utf8');
      const h = NameSet.hash(bytes, 0, bytes.length);
      this.byHash.set(h, [...(this.byHash.get(h) ?? []), bytes]);
    }
  }
  static hash(b: Buffer, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    return h >>> 0;
  }
  /** Whether the unescaped name on `b[s, e)` (between its quotes) is wanted. */
  has(b: Buffer, s: number, e: number): boolean {
    const list = this.byHash.get(NameSet.hash(b, s, e));
    if (!list) return false;
    for (const n of list) if (n.length === e - s && b.compare(n, 0, n.length, s, e) === 0) return true;
    return false;
  }
}

/**
 * The JSON text of the object on `b[s, e)` with only its top-level members named in `want`, without
 * decoding the others (their strings are skipped by byte search, nested values by bracket
 * matching); runs of consecutive kept members are copied as one slice. Null when the line is not a
 * plain object as far as this walk sees: the caller then parses the whole line, so a bad line gets
 * `JSON.parse`'s own error. The kept members are checked by `JSON.parse` of the result; skipped
 * values only for their shape.
 */
export function projectLine(b: Buffer, s: number, e: number, want: NameSet): string | null {
  let i = s;
  while (i < e && isWs(b[i])) i++;
  if (b[i] !== 0x7b) return null;
  i++;
  while (i < e && isWs(b[i])) i++;
  if (b[i] === 0x7d) return onlyWsAfter(b, i + 1, e) ? '{}' : null;
  let out = '';
  let runStart = -1;
  let runEnd = -1;
  for (;;) {
    while (i < e && isWs(b[i])) i++;
    if (b[i] !== 0x22) return null;
    const keyStart = i;
    const keyEnd = stringEnd(b, i, e);
    if (keyEnd < 0) return null;
    const escaped = b.indexOf(0x5c, i + 1) >= 0 && b.indexOf(0x5c, i + 1) < keyEnd;
    const wanted = escaped ? want.names.has(JSON.parse(b.toString('utf8', i, keyEnd + 1)) as string) : want.has(b, i + 1, keyEnd);
    i = keyEnd + 1;
    while (i < e && isWs(b[i])) i++;
    if (b[i] !== 0x3a) return null;
    i++;
    while (i < e && isWs(b[i])) i++;
    const end = valueEnd(b, i, e);
    if (end < 0) return null;
    if (wanted) {
      if (runStart < 0) runStart = keyStart;
      runEnd = end;
    } else if (runStart >= 0) {
      out += (out ? ',' : '') + b.toString('utf8', runStart, runEnd);
      runStart = -1;
    }
    i = end;
    while (i < e && isWs(b[i])) i++;
    if (b[i] === 0x2c) {
      i++;
      continue;
    }
    if (b[i] !== 0x7d || !onlyWsAfter(b, i + 1, e)) return null;
    if (runStart >= 0) out += (out ? ',' : '') + b.toString('utf8', runStart, runEnd);
    return `{${out}}`;
  }
}

function onlyWsAfter(b: Buffer, i: number, e: number): boolean {
  for (; i < e; i++) if (!isWs(b[i])) return false;
  return true;
}

/** What a resume needs of each finished attempt: its identity, outcome (`--retry-errors`) and spend (the run budget). */
export const RESUME_FIELDS = projection(['outcome', 'list_usd', 'usage']);
export type ResumeRecord = z.infer<(typeof RESUME_FIELDS)['schema']>;

/** Every field the report's index page reads: all but the patch and the test lists (attempt pages read those). */
export const INDEX_FIELDS = projection(
  (Object.keys(AttemptRecord.shape) as Array<keyof AttemptRecord>).filter((k) => k !== 'model_patch' && k !== 'tests_status') as Array<Exclude<keyof AttemptRecord, 'model_patch' | 'tests_status'>>,
);
/** A record as the report's index reads it (src/report): no `model_patch`, no `tests_status`. */
export type IndexRecord = Omit<AttemptRecord, 'model_patch' | 'tests_status'>;
