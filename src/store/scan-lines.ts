// The part of the `attempts.jsonl` scan (src/store/scan.ts) that needs no other line: reading a
// range of the file in 1 MiB blocks, splitting it into lines on bytes, and judging each line alone
// (JSON, format version, zod, projected to the fields a consumer reads). The checks across lines
// (duplicate key, stray record) stay with the scan, which may share the file's ranges with a worker
// thread (src/store/scan-share.ts, scan-worker.ts) running this same code.
import type { FileHandle } from 'node:fs/promises';
import type { z } from 'zod';
import type { RunHeader } from '../core/records.ts';
import { NameSet, projectLine } from './project-line.ts';
import { checkFormatVersion, parseAttemptLine } from './checks.ts';

/** Where a record was read: its 1-based line and its bytes in the file (offset, length without the newline). */
export interface LineAt {
  line: number;
  offset: number;
  bytes: number;
}

/**
 * How one line came out: a record (projected), a torn final line (skipped), a line that is not
 * JSON (`message`: JSON.parse's), or an invalid record (`text`: the whole problem, `where` first).
 */
export type Judged<T> = { kind: 'ok'; data: T } | { kind: 'torn' } | { kind: 'bad_json'; message: string } | { kind: 'invalid'; text: string };

/** What {@link judgeLine} checks a line against: `want` null for every field, `schema` for a version-2 line so projected. */
export interface LineJudge<T> {
  want: NameSet | null;
  schema: z.ZodType<T>;
  header: RunHeader;
}

/**
 * Judges the line `buf[s, e)` read at `where` (`<file>:<line>`). A version-1 line is read whole,
 * upgraded (src/store/upgrade.ts) and then projected. `tornCandidate`: the file's final line has
 * no newline after it, so a line that is not JSON is a write cut by a crash (`torn`).
 * @throws UserInputError for a format version this fixbench does not read (checkFormatVersion).
 */
export function judgeLine<T>(buf: Buffer, s: number, e: number, where: string, j: LineJudge<T>, tornCandidate: boolean): Judged<T> {
  const { want } = j;
  let obj: unknown;
  try {
    const projected = want && !tornCandidate ? projectLine(buf, s, e, want) : null;
    obj = JSON.parse(projected ?? buf.toString('utf8', s, e));
  } catch (err) {
    return tornCandidate ? { kind: 'torn' } : { kind: 'bad_json', message: (err as Error).message };
  }
  const version = (obj as { format_version?: unknown })?.format_version;
  checkFormatVersion(where, version);
  if (version === 1) {
    // version 1 is read whole and upgraded: the upgrade needs the whole line
    const whole = want ? (JSON.parse(buf.toString('utf8', s, e)) as unknown) : obj;
    const u = parseAttemptLine(whole, version, j.header.limits);
    if (!u.success) return { kind: 'invalid', text: `${where}: invalid record (format version 1): ${u.problems.join('; ')}` };
    return { kind: 'ok', data: (want ? Object.fromEntries(Object.entries(u.data).filter(([k]) => want.names.has(k))) : u.data) as T };
  }
  const r = j.schema.safeParse(obj);
  if (!r.success) return { kind: 'invalid', text: `${where}: invalid record: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}` };
  return { kind: 'ok', data: r.data };
}

/** Bytes read at once. */
const BLOCK = 1 << 20;

/**
 * Reads the lines of `fh` from byte `start` (a line's start) to `end` (a line's start, or null for
 * the end of the file), numbering them after `linesBefore`, and calls `onLine` for each line that
 * is not blank, in order: only the file's final line, when it has no newline after it, comes with
 * `last` true (a torn-write candidate). `buf[s, e)` is valid only during the call: one block is
 * read into again and again (a line cut by the block's end is moved to its start first, and the
 * block grows for a line longer than it), so a 300 MiB file allocates ~1 MiB, not a fresh block
 * per read left to the garbage collector. Returns the number of the last line read (blank or not)
 * and of the last non-blank one (0 when none).
 * @throws the file-system error of a read, or whatever `onLine` throws.
 */
export async function readLines(fh: FileHandle, start: number, end: number | null, linesBefore: number, onLine: (buf: Buffer, s: number, e: number, at: LineAt, last: boolean) => void): Promise<{ line: number; lastNonEmpty: number }> {
  let block = Buffer.allocUnsafe(BLOCK);
  let kept = 0; // bytes at the block's start: the unfinished line of the previous read
  let keptOffset = start; // file offset of block[0]
  let line = linesBefore;
  let lastNonEmpty = 0;
  for (let pos = start; end === null || pos < end; ) {
    if (kept === block.length) {
      // a line longer than the block: a larger one, the line so far copied over
      const grown = Buffer.allocUnsafe(2 * block.length);
      block.copy(grown, 0, 0, kept);
      block = grown;
    }
    const room = block.length - kept;
    const want = end === null ? room : Math.min(room, end - pos);
    const { bytesRead } = await fh.read(block, kept, want, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    const filled = kept + bytesRead;
    const view = block.subarray(0, filled);
    let s = 0;
    for (let nl = view.indexOf(0x0a, kept); nl >= 0; nl = view.indexOf(0x0a, s)) {
      line++;
      if (!isBlank(block, s, nl)) {
        lastNonEmpty = line;
        onLine(block, s, nl, { line, offset: keptOffset + s, bytes: nl - s }, false);
      }
      s = nl + 1;
    }
    // the unfinished line moves to the block's start
    if (s > 0) block.copy(block, 0, s, filled);
    kept = filled - s;
    keptOffset += s;
  }
  if (kept && !isBlank(block, 0, kept)) {
    // the final line has no newline after it: the torn-write candidate (a range ending at a line start has none)
    line++;
    lastNonEmpty = line;
    onLine(block, 0, kept, { line, offset: keptOffset, bytes: kept }, end === null);
  }
  return { line, lastNonEmpty };
}

function isBlank(b: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i]!;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return false;
  }
  return true;
}

/**
 * The start of the first line at or after byte `near` of `fh` (of `size` bytes), just after a
 * newline: where a scan can be split. Null when no newline follows `near` (one line to the end).
 */
export async function lineStartAfter(fh: FileHandle, near: number, size: number): Promise<number | null> {
  const buf = Buffer.allocUnsafe(1 << 16);
  for (let pos = Math.max(0, near - 1); pos < size; ) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return null;
    const nl = buf.subarray(0, bytesRead).indexOf(0x0a);
    if (nl >= 0) return pos + nl + 1 < size ? pos + nl + 1 : null;
    pos += bytesRead;
  }
  return null;
}
