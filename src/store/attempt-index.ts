// The sidecar index of `attempts.jsonl` (docs/store-format.md, issue 18.4): `attempts.index.jsonl`
// holds, per record, its identity, outcome and spend and where its line is, so a resume reads a few
// MiB of small lines instead of every patch and test list. It is derived data: attempts.jsonl is the
// record and always wins. The one writer (RunWriter) appends a record to attempts.jsonl and fsyncs
// it first, then its entry here; a reader checks the sidecar against attempts.jsonl (size, line
// boundaries, the last entry and a sample of others compared field by field, modification times,
// the hash chain of its own lines) and completes a short sidecar from attempts.jsonl's tail, or rebuilds one that disagrees by the
// streaming scan (src/store/scan.ts). A run without a sidecar (older fixbench) is scanned.
import type { Hash } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, open, rm, utimes } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AttemptRecord, type RunHeader } from '../core/records.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { UserInputError } from '../core/errors.ts';
import { RESUME_FIELDS, scanAttempts, type LineAt } from './scan.ts';
import { parseAttemptLine } from './checks.ts';
import { newIndexChain, sealOf } from './index-chain.ts';
import { appendInRun, cutTornTail, openInRun } from './run-fs.ts';

/** File name of the sidecar in a run folder. */
export const ATTEMPT_INDEX_FILE = 'attempts.index.jsonl';
const ATTEMPTS_FILE = 'attempts.jsonl';

/** First line of the sidecar: its own format version (a sidecar of another version is rebuilt, never read). */
export const AttemptIndexHead = z.object({ attempts_index: z.literal(2) });
// (a change of AttemptIndexLine's shape takes a new version: older sidecars are then rebuilt from attempts.jsonl;
// version 1 had no `chain` member)
const HEAD_LINE = JSON.stringify({ attempts_index: 2 });

const R = AttemptRecord.shape;
const U = R.usage.shape;
/**
 * One sidecar line, a JSON array (short: a resume parses 100,000 of them): a record's identity
 * (`key`, `contender`, `instance_id`, `attempt`), `outcome` (`--retry-errors`), spend (`list_usd`,
 * `budget_usd` or null when the record has none, then the six `usage` token counts in
 * `TokenUsage`'s order) as `AttemptRecord` types them, and where its line is in attempts.jsonl:
 * `line` (1-based), `offset` (bytes from the start) and `bytes` (the line's length without its newline);
 * last, `chain`: 16 hex digits of the sidecar's hash chain (`newIndexChain`).
 */
export const AttemptIndexLine = z.tuple([
  R.key, R.contender, R.instance_id, R.attempt, R.outcome, R.list_usd, z.number().nonnegative().nullable(),
  U.input_uncached, U.cache_read, U.cache_write_5m, U.cache_write_1h, U.output, U.reasoning,
  z.number().int().positive(), z.number().int().nonnegative(), z.number().int().positive(), z.string().length(16),
]);
export type AttemptIndexLine = z.infer<typeof AttemptIndexLine>;
/** An {@link AttemptIndexLine} without its `chain`. */
type IndexFields = { [K in keyof AttemptIndexLine]: AttemptIndexLine[K] } extends [...infer F, string] ? F : never;

/** The sidecar text of `entries` (each line with its newline) following the bytes `chain` has hashed; `chain` is updated with that text. */
export function indexLinesOf(entries: readonly AttemptIndexEntry[], chain: Hash): string {
  let text = '';
  for (const e of entries) {
    const chained = JSON.stringify(indexLineOf(e)).slice(0, -1) + ',';
    chain.update(chained);
    const tail = `"${chain.copy().digest('hex').slice(0, 16)}"]\n`;
    chain.update(tail);
    text += chained + tail;
  }
  return text;
}

/** A sidecar line as readers use it: the record's fields by name, and its place in attempts.jsonl. */
export type AttemptIndexEntry = Pick<AttemptRecord, 'key' | 'contender' | 'instance_id' | 'attempt' | 'outcome' | 'list_usd' | 'budget_usd' | 'usage'> & LineAt;

/** The stored form of `e` without its `chain` (`indexLinesOf` adds it). */
export function indexLineOf(e: AttemptIndexEntry): IndexFields {
  const u = e.usage;
  return [e.key, e.contender, e.instance_id, e.attempt, e.outcome, e.list_usd, e.budget_usd ?? null, u.input_uncached, u.cache_read, u.cache_write_5m, u.cache_write_1h, u.output, u.reasoning, e.line, e.offset, e.bytes];
}

/** The entry a stored line describes. */
export function entryOfLine(l: AttemptIndexLine): AttemptIndexEntry {
  return {
    key: l[0], contender: l[1], instance_id: l[2], attempt: l[3], outcome: l[4], list_usd: l[5],
    ...(l[6] === null ? {} : { budget_usd: l[6] }),
    usage: { input_uncached: l[7], cache_read: l[8], cache_write_5m: l[9], cache_write_1h: l[10], output: l[11], reasoning: l[12] },
    line: l[13], offset: l[14], bytes: l[15],
  };
}

const OUTCOMES: ReadonlySet<unknown> = new Set(R.outcome.options);
const isCount = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;
/**
 * Whether `x` is a valid {@link AttemptIndexLine}: the same checks as the zod tuple, by hand, as a
 * resume runs them on every line (zod takes most of a 100,000-line read; test/unit/store/attempt-index.test.ts
 * holds the two to the same verdicts).
 */
export function isIndexLine(x: unknown): x is AttemptIndexLine {
  if (!Array.isArray(x) || x.length !== 17 || typeof x[16] !== 'string' || x[16].length !== 16) return false;
  if (typeof x[0] !== 'string' || typeof x[1] !== 'string' || typeof x[2] !== 'string' || !isCount(x[3]) || !OUTCOMES.has(x[4])) return false;
  if (x[5] !== null && (typeof x[5] !== 'number' || !Number.isFinite(x[5]))) return false;
  if (x[6] !== null && (typeof x[6] !== 'number' || !Number.isFinite(x[6]) || x[6] < 0)) return false;
  for (let i = 7; i < 13; i++) if (!isCount(x[i])) return false;
  return isCount(x[13]) && x[13] > 0 && isCount(x[14]) && isCount(x[15]) && x[15] > 0;
}

/** Bytes of sidecar text parsed at once. */
const CHUNK = 1 << 20;

/** How many entries besides the last are compared with their line in attempts.jsonl on each read. */
const SAMPLES = 32;

/** The sidecar entry of `r` stored at `at`. */
export function indexEntryOf(r: Pick<AttemptRecord, 'key' | 'contender' | 'instance_id' | 'attempt' | 'outcome' | 'list_usd' | 'budget_usd' | 'usage'>, at: LineAt): AttemptIndexEntry {
  return {
    key: r.key,
    contender: r.contender,
    instance_id: r.instance_id,
    attempt: r.attempt,
    outcome: r.outcome,
    list_usd: r.list_usd,
    ...(r.budget_usd === undefined ? {} : { budget_usd: r.budget_usd }),
    usage: r.usage,
    line: at.line,
    offset: at.offset,
    bytes: at.bytes,
  };
}

/** How {@link readAttemptIndex} got its entries: the sidecar as it was, completed from the tail, or rebuilt by a scan (why). */
export type IndexSource = { kind: 'sidecar' } | { kind: 'completed'; added: number } | { kind: 'scanned'; why: string };

/**
 * Every record of `<dir>/attempts.jsonl` as a sidecar entry, in file order, from the sidecar when it
 * agrees with attempts.jsonl, else from attempts.jsonl (see the file comment). With `repair`, a
 * missing, short or disagreeing sidecar is written (completed by appending, or rebuilt atomically);
 * without it nothing is written (a read-only command on a shared results folder).
 * @throws UserInputError as `scanAttempts` does when attempts.jsonl itself has bad lines (named).
 */
export async function readAttemptIndex(dir: string, header: RunHeader, o: { repair: boolean }): Promise<{ entries: AttemptIndexEntry[]; source: IndexSource; chain: Hash }> {
  const attemptsFile = path.join(dir, ATTEMPTS_FILE);
  const indexFile = path.join(dir, ATTEMPT_INDEX_FILE);
  const [ast, ist] = await Promise.all([lstat(attemptsFile).catch(() => null), lstat(indexFile).catch(() => null)]);
  if (!ast) {
    if (o.repair && ist?.size !== HEAD_LINE.length + 1) await writeFileAtomic(indexFile, HEAD_LINE + '\n');
    return { entries: [], source: { kind: 'sidecar' }, chain: newIndexChain() };
  }
  const trusted = ist ? await trustedPrefix(dir, header, ast.size, ast.mtimeMs > ist.mtimeMs) : { entries: null, why: `no ${ATTEMPT_INDEX_FILE}`, chain: newIndexChain() };
  if (!trusted.entries) return rebuild(dir, header, trusted.why, o.repair);
  const entries = trusted.entries;
  const last = entries.at(-1);
  const end = last ? last.offset + last.bytes + 1 : 0;
  if (end === ast.size) return { entries, source: { kind: 'sidecar' }, chain: trusted.chain };
  // attempts.jsonl goes on past the sidecar: records appended by a session killed before it wrote their entries
  const added: AttemptIndexEntry[] = [];
  await scanAttempts(dir, header, RESUME_FIELDS, (r, at) => void added.push(indexEntryOf(r, at)), { offset: end, linesBefore: last?.line ?? 0, seen: entries });
  const more = indexLinesOf(added, trusted.chain);
  if (o.repair && added.length) {
    await appendInRun(dir, ATTEMPT_INDEX_FILE, more);
    await notOlderThanAttempts(dir);
  }
  for (const e of added) entries.push(e);
  return { entries, source: { kind: 'completed', added: added.length }, chain: trusted.chain };
}

/** The entries of a sidecar from a scan of attempts.jsonl; written atomically over the sidecar with `write`. */
async function rebuild(dir: string, header: RunHeader, why: string, write: boolean): Promise<{ entries: AttemptIndexEntry[]; source: IndexSource; chain: Hash }> {
  const entries: AttemptIndexEntry[] = [];
  await scanAttempts(dir, header, RESUME_FIELDS, (r, at) => void entries.push(indexEntryOf(r, at)));
  let chain = newIndexChain();
  if (write) {
    chain = await writeAttemptIndex(dir, entries);
    await notOlderThanAttempts(dir);
  } else indexLinesOf(entries, chain);
  return { entries, source: { kind: 'scanned', why }, chain };
}

/** Gives the sidecar attempts.jsonl's modification time when that is later than now (a clock ahead, a copied folder), so the next read does not take it for stale. */
async function notOlderThanAttempts(dir: string): Promise<void> {
  const [a, i] = await Promise.all([lstat(path.join(dir, ATTEMPTS_FILE)), lstat(path.join(dir, ATTEMPT_INDEX_FILE))]);
  if (a.mtimeMs > i.mtimeMs) await utimes(path.join(dir, ATTEMPT_INDEX_FILE), a.atime, a.mtime);
}

/** Writes `<dir>/attempts.index.jsonl` afresh (atomically) with `entries`. @returns the sidecar's running hash (the appender's `chain`). */
export async function writeAttemptIndex(dir: string, entries: readonly AttemptIndexEntry[]): Promise<Hash> {
  const chain = newIndexChain();
  const text = indexLinesOf(entries, chain);
  await writeFileAtomic(path.join(dir, ATTEMPT_INDEX_FILE), HEAD_LINE + '\n' + text);
  return chain;
}

/**
 * The sidecar's entries when they agree with attempts.jsonl (of `size` bytes) as far as they go, or
 * null and why not. `attemptsNewer`: attempts.jsonl changed after the sidecar's last write, which
 * the writer never leaves behind unless killed between the two appends (then the sidecar is short).
 */
async function trustedPrefix(dir: string, header: RunHeader, size: number, attemptsNewer: boolean): Promise<{ entries: AttemptIndexEntry[] | null; why: string; chain: Hash }> {
  const no = (why: string) => ({ entries: null, why: `${ATTEMPT_INDEX_FILE} ${why}`, chain: newIndexChain() });
  let text: string;
  let seal: { chain: Hash; ok: boolean };
  try {
    // never through a link (src/store/run-fs.ts): a refusal is an error, not a reason to rebuild
    const ih = await openInRun(dir, ATTEMPT_INDEX_FILE, constants.O_RDONLY);
    try {
      // hashed as bytes, then decoded: the buffer is garbage before the lines are parsed (peak memory)
      const bytes = await ih.readFile();
      seal = sealOf(bytes);
      text = bytes.toString('utf8');
    } finally {
      await ih.close();
    }
  } catch (e) {
    if (e instanceof UserInputError) throw e;
    return no(`cannot be read (${(e as Error).message})`);
  }
  const nl = text.indexOf('\n');
  if (nl < 0 || !AttemptIndexHead.safeParse(safeJson(text.slice(0, nl))).success) return no('has no version line this fixbench reads');
  if (!text.endsWith('\n')) return no('ends with a torn line');
  const entries: AttemptIndexEntry[] = [];
  const keys = new Set<string>();
  // JSON.parse of ~1 MiB of lines at once (as one array): fast, and each chunk's arrays are garbage once read
  for (let s = nl + 1; s < text.length; ) {
    const e = Math.max(text.indexOf('\n', Math.min(text.length - 1, s + CHUNK)), s);
    let rows: unknown[];
    try {
      rows = JSON.parse(`[${text.slice(s, e).replaceAll('\n', ',')}]`) as unknown[];
    } catch {
      return no('has a line that is not JSON');
    }
    for (const row of rows) {
      if (!isIndexLine(row)) return no(`line ${entries.length + 2} is not an index entry`);
      if (keys.has(row[0])) return no(`holds key ${row[0]} twice`);
      keys.add(row[0]);
      entries.push(entryOfLine(row));
    }
    s = e + 1;
  }
  if (!seal.ok) return no('does not match the hash chain of its lines (edited after it was written)');
  const last = entries.at(-1);
  const end = last ? last.offset + last.bytes + 1 : 0;
  if (end > size) return no('points past the end of attempts.jsonl');
  if (attemptsNewer && end === size) return no('is older than attempts.jsonl (edited after the sidecar was written)');
  const fh = await openInRun(dir, ATTEMPTS_FILE, constants.O_RDONLY);
  try {
    let prevEnd = 0; // offset just after the previous entry's newline
    let prevLine = 0;
    for (const e of entries) {
      if (e.line <= prevLine || e.offset < prevEnd) return no(`is out of order at line ${e.line}`);
      // a gap between two entries may hold only the blank lines attempts.jsonl has there
      if (e.line !== prevLine + 1 || e.offset !== prevEnd) {
        const gap = await readAt(fh, prevEnd, e.offset - prevEnd);
        if (!/^[ \t\r\n]*$/.test(gap) || gap.split('\n').length - 1 !== e.line - prevLine - 1) return no(`misses the record before line ${e.line}`);
      }
      prevEnd = e.offset + e.bytes + 1;
      prevLine = e.line;
    }
    const step = Math.max(1, Math.floor(entries.length / SAMPLES));
    for (let i = entries.length - 1; i >= 0; i -= step) {
      if (!(await agrees(fh, header, entries[i]!))) return no(`disagrees with attempts.jsonl line ${entries[i]!.line}`);
    }
  } finally {
    await fh.close();
  }
  return { entries, why: '', chain: seal.chain };
}

/** Whether the line at `e`'s place in attempts.jsonl ends there and is the record `e` describes. */
async function agrees(fh: Awaited<ReturnType<typeof open>>, header: RunHeader, e: AttemptIndexEntry): Promise<boolean> {
  const text = await readAt(fh, e.offset, e.bytes + 1);
  if (text.length === 0 || !text.endsWith('\n')) return false;
  const obj = safeJson(text.slice(0, -1));
  const r = parseAttemptLine(obj, (obj as { format_version?: unknown } | null)?.format_version, header.limits);
  return r.success && JSON.stringify(indexLineOf(indexEntryOf(r.data, e))) === JSON.stringify(indexLineOf(e));
}

async function readAt(fh: Awaited<ReturnType<typeof open>>, offset: number, bytes: number): Promise<string> {
  const buf = Buffer.allocUnsafe(bytes);
  const { bytesRead } = await fh.read(buf, 0, bytes, offset);
  return buf.toString('utf8', 0, bytesRead);
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/**
 * The append side (RunWriter's): each record goes to attempts.jsonl and is fsynced, then its entry to
 * the sidecar. `nextLine` is the line the next record takes. When the sidecar append fails, the
 * sidecar is removed (the next open rebuilds it) rather than left with a gap; the record stands.
 */
export class AttemptIndexAppender {
  private broken = false;
  /** `chain`: the sidecar's running hash (`readAttemptIndex`'s, `writeAttemptIndex`'s), updated by each append. */
  constructor(
    private readonly dir: string,
    private nextLine: number,
    private readonly chain: Hash,
  ) {}

  /** Appends `json` (one record, no newline) and its entry. @throws the file-system error of the record's append. */
  async append(json: string, record: AttemptRecord): Promise<void> {
    const fh = await openInRun(this.dir, ATTEMPTS_FILE, constants.O_RDWR | constants.O_CREAT | constants.O_APPEND);
    let offset: number;
    const bytes = Buffer.byteLength(json);
    try {
      await cutTornTail(fh); // an earlier append of this session cut short (ENOSPC): never fuse with it
      offset = (await fh.stat()).size;
      await fh.writeFile(json + '\n'); // every byte, or the error (a full disk cuts a single write() short without one)
      await fh.sync();
    } finally {
      await fh.close();
    }
    const entry = indexEntryOf(record, { line: this.nextLine++, offset, bytes });
    if (this.broken) return;
    try {
      await appendInRun(this.dir, ATTEMPT_INDEX_FILE, indexLinesOf([entry], this.chain));
    } catch {
      // not kept in step: removed, so the next open rebuilds it from attempts.jsonl
      this.broken = true;
      await rm(path.join(this.dir, ATTEMPT_INDEX_FILE), { force: true });
    }
  }
}

/** Sets the sidecar's modification time to now: after a repair of attempts.jsonl the sidecar already accounts for (a torn line cut). */
export async function touchAttemptIndex(dir: string): Promise<void> {
  const now = new Date();
  await utimes(path.join(dir, ATTEMPT_INDEX_FILE), now, now).catch(() => {});
}
