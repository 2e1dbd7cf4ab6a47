// The one reader of `attempts.jsonl` (docs/store-format.md), streaming and projecting: the file is
// read in 1 MiB blocks and split into lines on bytes; each line is judged as it comes (JSON, format
// version, zod, duplicate key, stray record), and a consumer that needs only some fields gets only
// those decoded and validated (a resume needs keys and spend, the report's index everything but the
// patch and the test lists: bench/RESULTS.md, issue 18.4). `readRun` (store.ts) is this reader
// with every field.
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AttemptRecord, type IndexRecord, type RunHeader } from '../core/records.ts';
import { UserInputError } from '../core/errors.ts';
import { NameSet, projectLine } from './project-line.ts';
import { checkFormatVersion, parseAttemptLine, strayRecord, type RecordIdentity } from './checks.ts';

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
 * Where a scan starts when not at the file's beginning (the tail a sidecar index does not cover yet,
 * src/store/attempt-index.ts): `offset` (bytes) is the start of a line, `linesBefore` the lines
 * above it, and `seen` the records above it (their keys and attempts count for the duplicate checks).
 */
export interface ScanFrom {
  offset: number;
  linesBefore: number;
  seen: Iterable<RecordIdentity & { line: number }>;
}

/**
 * Streams `<dir>/attempts.jsonl`, calling `onRecord` with each valid record projected by `p`, in
 * file order. A missing file is a run with no attempt yet. Only the final line may be a torn write
 * (no newline after it, not JSON): it is skipped, as a crash mid-append leaves it; every other bad
 * line is collected and reported together. With `from`, the scan starts there (see {@link ScanFrom}).
 * @throws UserInputError naming the file and each bad line (`<file>:<line>: …`) with the fix; or
 *   the file when it cannot be read.
 */
export async function scanAttempts<T extends RecordIdentity>(dir: string, header: RunHeader, p: Projection<T>, onRecord: (r: T, at: LineAt) => void, from?: ScanFrom): Promise<void> {
  const file = path.join(dir, 'attempts.jsonl');
  const want = p.fields ? new NameSet(new Set(p.fields)) : null;
  const seen = new Map<string, number>();
  const seenAttempt = new Map<string, string>();
  for (const r of from?.seen ?? []) {
    seen.set(r.key, r.line);
    strayRecord(header, r, `${file}:${r.line}`, seenAttempt);
  }
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
      const u = parseAttemptLine(whole, version, header.limits);
      if (!u.success) return void problems.push({ line: at.line, text: `${where}: invalid record (format version 1): ${u.problems.join('; ')}` });
      data = (want ? Object.fromEntries(Object.entries(u.data).filter(([k]) => want.names.has(k))) : u.data) as T;
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
    let carryOffset = from?.offset ?? 0; // file offset of carry[0]
    let line = from?.linesBefore ?? 0;
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
    for (let pos = from?.offset ?? 0; ; ) {
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

/** What a resume needs of each finished attempt: its identity, outcome (`--retry-errors`) and spend (the run budget). */
export const RESUME_FIELDS = projection(['outcome', 'list_usd', 'budget_usd', 'usage']);
export type ResumeRecord = z.infer<(typeof RESUME_FIELDS)['schema']>;

/** Every field the report's index page reads: all but the patch and the test lists (attempt pages read those). */
export const INDEX_FIELDS = projection(
  (Object.keys(AttemptRecord.shape) as Array<keyof AttemptRecord>).filter((k) => k !== 'model_patch' && k !== 'tests_status') as Array<Exclude<keyof AttemptRecord, 'model_patch' | 'tests_status'>>,
);

/**
 * Reads whole records back from the lines a scan found (`LineAt` of {@link scanAttempts}): what the
 * report's attempt pages need after its index was built from a projection. One file handle for
 * many reads; `close` when done.
 * @throws UserInputError naming `<file>:<line>` when a line no longer holds a valid record there
 *   (the file changed since the scan).
 */
export async function openAttemptsAt(dir: string, header: RunHeader): Promise<{ read: (ats: readonly LineAt[]) => Promise<AttemptRecord[]>; close: () => Promise<void> }> {
  const file = path.join(dir, 'attempts.jsonl');
  let opening: Promise<FileHandle> | null = null; // opened once, at the first read: a run with no record has no file
  const read = async (ats: readonly LineAt[]): Promise<AttemptRecord[]> => {
    const out: AttemptRecord[] = [];
    const fh = await (opening ??= open(file, 'r'));
    for (const at of ats) {
      const buf = Buffer.allocUnsafe(at.bytes);
      const { bytesRead } = await fh.read(buf, 0, at.bytes, at.offset);
      const where = `${file}:${at.line}`;
      let obj: unknown;
      try {
        obj = JSON.parse(buf.toString('utf8', 0, bytesRead));
      } catch (e) {
        throw new UserInputError(`${where}: changed while the report was built (${(e as Error).message}); build the report again once the run is finished`);
      }
      const version = (obj as { format_version?: unknown })?.format_version;
      checkFormatVersion(where, version);
      const r = parseAttemptLine(obj, version, header.limits);
      if (!r.success) throw new UserInputError(`${where}: invalid record: ${r.problems.join('; ')}`);
      out.push(r.data);
    }
    return out;
  };
  return { read, close: async () => void (opening && (await (await opening).close())) };
}

/**
 * The resume scan: the header and, per finished attempt, its identity, outcome and spend, without
 * decoding patches or test lists (issue 18.4: at 100,000 records, a fraction of `readRun`'s time
 * and memory).
 * @throws UserInputError as `scanAttempts` does.
 */
export async function readResumeScan(dir: string, header: RunHeader): Promise<ResumeRecord[]> {
  const out: ResumeRecord[] = [];
  await scanAttempts(dir, header, RESUME_FIELDS, (r) => void out.push(r));
  return out;
}

/**
 * What the report's index page reads: every record without its patch and test lists, and where
 * each line is (to read the whole record back for its attempt page, {@link openAttemptsAt}).
 * @throws UserInputError as `scanAttempts` does.
 */
export async function readRunIndex(dir: string, header: RunHeader): Promise<{ records: IndexRecord[]; lines: Map<string, LineAt> }> {
  const records: IndexRecord[] = [];
  const lines = new Map<string, LineAt>();
  await scanAttempts(dir, header, INDEX_FIELDS, (r, at) => {
    records.push(r);
    lines.set(r.key, at);
  });
  return { records, lines };
}
