// The one reader of `attempts.jsonl` (docs/store-format.md), streaming and projecting: the file is
// read in 1 MiB blocks and split into lines on bytes; each line is judged as it comes (JSON, format
// version, zod, duplicate key, stray record), and a consumer that needs only some fields gets only
// those decoded and validated (a resume needs keys and spend, the report's index its columns,
// INDEX_COLUMNS: bench/RESULTS.md, issue 18.4); a large file is read by this thread and a worker
// thread together, range by range (src/store/scan-share.ts). `readRun` (store.ts) is this reader
// with every field.
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AttemptRecord, INDEX_COLUMNS, type IndexRecord, type RunHeader } from '../core/records.ts';
import { UserInputError } from '../core/errors.ts';
import { availableParallelism } from 'node:os';
import { NameSet } from './project-line.ts';
import { StrayCheck, checkFormatVersion, parseAttemptLine, type RecordIdentity } from './checks.ts';
import { judgeLine, readLines, type LineAt } from './scan-lines.ts';
import { scanShared, type ShareOptions } from './scan-share.ts';

export type { LineAt } from './scan-lines.ts';

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

/** Files from this size (bytes) are read by two threads (a projection's scan from the start only, on a machine with more than one core). */
export const SPLIT_FROM = 32 * 2 ** 20;

/**
 * How a scan may share its work: `splitFrom` (bytes, default {@link SPLIT_FROM}, or never on one
 * core); `onSplit` is told into how many ranges the file was cut (1: one thread) and how many of
 * them the worker's records came from. `lines` (empty; not with a `from`): filled with each record
 * passed to `onRecord`, key → its place (the map the duplicate-key check keeps anyway, so a consumer
 * that needs it builds no second one). `onWorkerWait`: called once on this thread when no range is
 * left for it and the worker's are not all in: idle time a caller may fill with work it would do
 * next anyway. `onWorkerStart`, `rangeBytes`, `workerOnly` (tests): as {@link ShareOptions}.
 */
export interface ScanOptions extends Pick<ShareOptions, 'rangeBytes' | 'workerOnly' | 'onWorkerStart'> {
  splitFrom?: number;
  onSplit?: (s: { ranges: number; byWorker: number }) => void;
  lines?: Map<string, LineAt>;
  onWorkerWait?: () => void;
}

/**
 * Streams `<dir>/attempts.jsonl`, calling `onRecord` with each valid record projected by `p`, in
 * file order. A missing file is a run with no attempt yet. Only the final line may be a torn write
 * (no newline after it, not JSON): it is skipped, as a crash mid-append leaves it; every other bad
 * line is collected and reported together. With `from`, the scan starts there (see {@link ScanFrom}).
 * A projection's scan of a file of `o.splitFrom` bytes or more (default {@link SPLIT_FROM}) from the
 * start is shared with a worker thread range by range (src/store/scan-share.ts); the checks across
 * lines (duplicate key, stray record) and `onRecord` stay on this thread, in file order, and a range
 * where either thread found any bad line (or the worker failed) is read again by this thread in
 * order, so the records and every message are those of a one-thread scan.
 * @throws UserInputError naming the file and each bad line (`<file>:<line>: …`) with the fix; or
 *   the file when it cannot be read.
 */
export async function scanAttempts<T extends RecordIdentity>(dir: string, header: RunHeader, p: Projection<T>, onRecord: (r: T, at: LineAt) => void, from?: ScanFrom, o: ScanOptions = {}): Promise<void> {
  const file = path.join(dir, 'attempts.jsonl');
  const judge = { want: p.fields ? new NameSet(new Set(p.fields)) : null, schema: p.schema, header };
  if (o.lines && (from || o.lines.size)) throw new Error('scanAttempts: `lines` must be an empty map, and a scan with `from` takes none');
  const seen = o.lines ?? new Map<string, LineAt>(); // key → place of each record accepted (the records above `from`: their line only)
  const stray = new StrayCheck(header, file);
  for (const r of from?.seen ?? []) {
    seen.set(r.key, { line: r.line, offset: -1, bytes: 0 });
    stray.check(r, r.line);
  }
  const problems: Array<{ line: number; text: string }> = [];
  const badJson: Array<{ line: number; message: string }> = [];

  const accept = (data: T, at: LineAt): void => {
    const first = seen.get(data.key);
    if (first !== undefined) {
      problems.push({ line: at.line, text: `${file}:${at.line}: attempt key ${data.key} is already recorded on line ${first.line}; an attempt is recorded once — remove one of the two lines` });
      return;
    }
    const strayText = stray.check(data, at.line);
    if (strayText) return void problems.push({ line: at.line, text: strayText });
    seen.set(data.key, at);
    onRecord(data, at);
  };
  const onLine = (buf: Buffer, s: number, e: number, at: LineAt, last: boolean): void => {
    const j = judgeLine(buf, s, e, `${file}:${at.line}`, judge, last);
    if (j.kind === 'ok') accept(j.data, at);
    else if (j.kind === 'bad_json') badJson.push({ line: at.line, message: j.message });
    else if (j.kind === 'invalid') problems.push({ line: at.line, text: j.text });
  };

  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return; // no attempt finished yet
    throw new UserInputError(`${file}: cannot read (${(e as Error).message}); check the run folder`, { cause: e });
  }
  let lastNonEmpty = 0;
  try {
    const size = (await fh.stat()).size;
    if (!from && p.fields && size >= (o.splitFrom ?? (availableParallelism() > 1 ? SPLIT_FROM : Infinity))) {
      const shared = await scanShared(fh, size, { ...judge, file, fields: p.fields }, accept, onLine, o);
      lastNonEmpty = shared.lastNonEmpty;
      o.onSplit?.({ ranges: shared.ranges, byWorker: shared.byWorker });
    } else {
      o.onSplit?.({ ranges: 1, byWorker: 0 });
      lastNonEmpty = (await readLines(fh, from?.offset ?? 0, null, from?.linesBefore ?? 0, onLine)).lastNonEmpty;
    }
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

/** What a resume needs of each finished attempt: its identity, outcome (`--retry-errors`) and spend (the run budget). */
export const RESUME_FIELDS = projection(['outcome', 'list_usd', 'budget_usd', 'usage']);
export type ResumeRecord = z.infer<(typeof RESUME_FIELDS)['schema']>;

/** The fields the report's index page reads (`INDEX_COLUMNS`, src/core/records.ts); attempt pages read whole records. */
export const INDEX_FIELDS = projection(INDEX_COLUMNS);

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
 * What the report's index page reads: every record's index columns (`INDEX_COLUMNS`), and where
 * each line is (to read the whole record back for its attempt page, {@link openAttemptsAt}).
 * `o.onWorkerWait`, `o.onWorkerStart`: as {@link ScanOptions}.
 * @throws UserInputError as `scanAttempts` does.
 */
export async function readRunIndex(dir: string, header: RunHeader, o: Pick<ScanOptions, 'onWorkerWait' | 'onWorkerStart'> = {}): Promise<{ records: IndexRecord[]; lines: Map<string, LineAt> }> {
  const records: IndexRecord[] = [];
  const lines = new Map<string, LineAt>();
  await scanAttempts(dir, header, INDEX_FIELDS, (r) => void records.push(r), undefined, { lines, onWorkerWait: o.onWorkerWait, onWorkerStart: o.onWorkerStart });
  return { records, lines };
}
