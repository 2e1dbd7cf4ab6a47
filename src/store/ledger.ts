// The billed-call ledger of an attempt (issue 14.9): one append-only JSON line per billed model
// call, fsynced before the agent is given the reply, so a `kill -9` never loses a call that was
// paid for. `<run dir>/ledgers/<attempt key>.jsonl`. An attempt whose record is written has its
// calls in the record; the ledgers of an attempt with no record (one per killed session) are folded
// into the re-run attempt on `--resume` (`ledger-fold.ts`), and marked folded once its record is
// appended, so each is counted once. Format 2 adds a `pending` line,
// fsynced before each request is sent, that its billed (or `unbilled`) line settles by `call_id`: a
// call in flight at a kill -9 is left pending and counted at its bound on `--resume`.
import { closeSync, constants, fstatSync, fsync, fsyncSync, ftruncateSync, lstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { access, readFile, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { TokenUsage } from '../core/usage.ts';

/** Format 2: `kind` `pending` / `unbilled` lines and `call_id`; format-1 ledgers (billed lines only) stay readable. */
export const LEDGER_FORMAT_VERSION = 2;

/** One billed call. Units: tokens, USD (list price from the run's sheet; null = unknown), ms. */
export const LedgerEntry = z.object({
  format_version: z.union([z.literal(1), z.literal(2)]),
  /** Absent in format 1 (every line was a billed call). */
  kind: z.literal('billed').optional(),
  /** The pending line this bill settles (format 2); absent in format 1. */
  call_id: z.string().optional(),
  /** Attempt key (`attempts.jsonl` `key`). */
  key: z.string(),
  /** Contender id. */
  model: z.string(),
  instance_id: z.string(),
  attempt: z.number().int().nonnegative(),
  /** When the reply arrived (ISO). */
  at: z.string(),
  usage: TokenUsage,
  list_usd: z.number().nullable(),
  billed_usd: z.number().nullable(),
  /** USD the call counted against the caps when `list_usd` is null (CallRecord `cap_usd`); absent otherwise. */
  cap_usd: z.number().nonnegative().optional(),
  ms: z.number().nonnegative(),
  usage_unknown: z.boolean().optional(),
  /**
   * Format 2: a billed try (a cut stream …) of call `call_id` that the client retried, written as it
   * was billed (1 = the first try). The call's own billed line (no `try`) sums every try, so a try
   * line counts only while that line is missing (a kill during the retries). Not a call of its own.
   */
  try: z.number().int().positive().optional(),
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

const callIds = {
  format_version: z.literal(2),
  call_id: z.string().min(1),
  key: z.string(),
  model: z.string(),
  instance_id: z.string(),
  attempt: z.number().int().nonnegative(),
  /** When the line was written (ISO). */
  at: z.string(),
};

/**
 * A call about to be sent, written and fsynced before its request leaves: settled by a billed or
 * `unbilled` line of the same `call_id`; left unsettled by a kill, it counts at `bound_usd`.
 */
export const LedgerPending = z.object({
  ...callIds,
  kind: z.literal('pending'),
  /** The price row the bound used (the model's price key, or `ceiling` for the sheet's dearest rates). */
  price_key: z.string().nullable(),
  /**
   * The most the call can cost, USD: its request's prompt bytes (one token each, images at `IMAGE_TOKENS`, a worst case) at
   * the input rate plus its output limit (`max_tokens` …) at the output rate; null when no row prices it.
   */
  bound_usd: z.number().nonnegative().nullable(),
  /** False when the request set no output limit: output was counted at `DEFAULT_OUTPUT_TOKENS`, an estimate. */
  bounded: z.boolean(),
});
export type LedgerPending = z.infer<typeof LedgerPending>;

/** A pending call that ended without a bill (refused, or failed before anything was billed). */
export const LedgerUnbilled = z.object({ ...callIds, kind: z.literal('unbilled') });
export type LedgerUnbilled = z.infer<typeof LedgerUnbilled>;

/** Any ledger line. */
export const LedgerLine = z.union([LedgerPending, LedgerUnbilled, LedgerEntry]);
export type LedgerLine = z.infer<typeof LedgerLine>;

/**
 * `LedgerLine.parse(entry)` for a line being written, checked against the one member its `kind`
 * selects (`pending`, `unbilled`, else a billed line): the same verdict and output as the union
 * (no member accepts another's `kind`), without building the failed members' issues first — the
 * union tries `LedgerPending` and `LedgerUnbilled` before every billed line, which cost a billed
 * write about ten times a pending one's check (320 billed lines in the io-bound bench).
 * @throws ZodError when `entry` does not match its member (an unknown `kind` is checked as a billed line, and fails there)
 */
export function parseLedgerLine(entry: unknown): LedgerLine {
  const kind = typeof entry === 'object' && entry !== null ? (entry as { kind?: unknown }).kind : undefined;
  return kind === 'pending' ? LedgerPending.parse(entry) : kind === 'unbilled' ? LedgerUnbilled.parse(entry) : LedgerEntry.parse(entry);
}

const isBilled = (l: LedgerLine): l is LedgerEntry => l.kind === undefined || l.kind === 'billed';

/**
 * A ledger's billed lines, and its pending calls that no billed or unbilled line settled (a kill
 * mid-call). A try line (`try`) is kept only when its call has no billed line of its own (that line
 * already sums the tries) and does not settle the call's pending line: the try in flight at the
 * kill still counts at its bound.
 */
export function splitLedger(lines: readonly LedgerLine[]): { billed: LedgerEntry[]; unsettled: LedgerPending[] } {
  const settled = new Set(lines.flatMap((l) => (l.kind !== 'pending' && l.call_id !== undefined && !(isBilled(l) && l.try !== undefined) ? [l.call_id] : [])));
  const whole = new Set(lines.flatMap((l) => (isBilled(l) && l.try === undefined && l.call_id !== undefined ? [l.call_id] : [])));
  return {
    billed: lines.filter(isBilled).filter((l) => l.try === undefined || !whole.has(l.call_id!)),
    unsettled: lines.filter((l): l is LedgerPending => l.kind === 'pending' && !settled.has(l.call_id)),
  };
}

/** Folder of a run's ledgers. */
export const ledgerDir = (runDir: string): string => path.join(runDir, 'ledgers');

/** The live ledger of attempt `key`. */
export const ledgerPath = (runDir: string, key: string): string => path.join(ledgerDir(runDir), `${key}.jsonl`);

/**
 * Appends entries to one attempt's ledger; each line is written and fsynced before its promise (or
 * call) returns, so the reply is only used once its bill is on disk. `write` writes the line on the
 * event loop (`writeWhole`: µs, the page cache) and fsyncs it on libuv's thread pool, so many
 * attempts billing at once never hold up the event loop (a synchronous fsync costs 1–30 ms here,
 * and 64 attempts get their replies at once); `append` is the synchronous form for callers that
 * cannot wait (the metering proxy's hook). Lines of one writer are written in call order.
 */
export class LedgerWriter {
  #fd: number | null = null;
  /** The last queued `write` (settled, never rejected): the next one starts after it, and `close` waits for it. */
  #queue: Promise<void> = Promise.resolve();
  constructor(readonly file: string) {}

  /** Opens the file once (its folder made, never through a link). */
  #open(): number {
    if (this.#fd === null) {
      const dir = path.dirname(this.file);
      mkdirSync(dir, { recursive: true });
      // never through a link (the run folder was checked for links when opened; this closes the last step)
      if (lstatSync(dir).isSymbolicLink()) throw new Error(`${dir}: is a symbolic link; fixbench never writes through links in results`);
      this.#fd = openSync(this.file, constants.O_WRONLY | constants.O_CREAT | constants.O_APPEND | constants.O_NOFOLLOW, 0o600);
    }
    return this.#fd;
  }

  /** Writes one line and fsyncs it, blocking the event loop. Throws on I/O errors (the call is then not used: the attempt ends as a harness error). */
  append(entry: LedgerLine): void {
    const fd = this.#open();
    writeWhole(fd, Buffer.from(`${JSON.stringify(parseLedgerLine(entry))}\n`));
    fsyncSync(fd);
  }

  /**
   * Writes one line (whole, or taken back: `writeWhole`) and fsyncs it off the event loop, after every earlier `write` of this writer.
   * @throws (rejects) on I/O errors, or at once (ZodError) for an entry that does not match `LedgerLine`.
   */
  write(entry: LedgerLine): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(parseLedgerLine(entry))}\n`);
    const fd = this.#open();
    const done = this.#queue.then(async () => {
      writeWhole(fd, line); // on the event loop (µs, page cache): no `append` can land between the write and its take-back
      await fsyncAsync(fd);
    });
    this.#queue = done.catch(() => {});
    return done;
  }

  /** Closes the file once the writes queued so far have ended (at once when none is pending). */
  close(): void {
    const fd = this.#fd;
    if (fd === null) return;
    this.#fd = null;
    void this.#queue.then(() => closeSync(fd));
  }
}

/**
 * Writes every byte of `line` at the end of `fd` (O_APPEND), synchronously; a write that fails
 * partway (a full disk writes part of a line, then fails) is taken back: the file is cut to its size
 * before the line, so the next line never fuses with a torn one into an unreadable line in the middle
 * of the ledger. Synchronous on purpose: every writer of a ledger runs on the event loop, so no other
 * line can be appended between the write and its take-back (the fsync, which can take 1–30 ms, stays
 * off the loop in `write`).
 * @throws the write's error (after the take-back; a failed take-back leaves the torn text last).
 */
function writeWhole(fd: number, line: Buffer): void {
  const before = fstatSync(fd).size;
  try {
    for (let off = 0; off < line.length; ) off += writeSync(fd, line, off, line.length - off);
  } catch (e) {
    try {
      ftruncateSync(fd, before);
    } catch {
      /* the write's error is the one thrown */
    }
    throw e;
  }
}

const fsyncAsync = promisify(fsync);

/** A ledger's billed lines in order (`splitLedger`'s `billed` of `readLedgerLines`: no pending or unbilled lines, no try lines whose call was billed whole). */
export async function readLedger(file: string): Promise<LedgerEntry[]> {
  return splitLedger(await readLedgerLines(file)).billed;
}

/**
 * Reads a ledger: its valid lines in order. A torn last line (the process died mid-write, before
 * the fsync returned, so the reply was never used, or the request never sent) is skipped; a bad line
 * elsewhere throws naming the file and line. A missing file reads as [].
 */
export async function readLedgerLines(file: string): Promise<LedgerLine[]> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  const lines = text.split('\n');
  const out: LedgerLine[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    const last = i === lines.length - 1 || (i === lines.length - 2 && lines.at(-1) === '');
    try {
      out.push(LedgerLine.parse(JSON.parse(line)));
    } catch (e) {
      if (last && !text.endsWith('\n')) break;
      throw new Error(`${file}:${i + 1}: not a ledger entry (${(e as Error).message.split('\n')[0]})`, { cause: e });
    }
  }
  return out;
}

/** `<key>.interrupted-<n>.jsonl`: a live ledger taken aside on `--resume`, not yet covered by a record. */
const interruptedName = (key: string, n: number): string => `${key}.interrupted-${n}.jsonl`;
/** `<key>.interrupted-<n>.folded.jsonl`: the same once the record that folds it is appended. */
const foldedName = (key: string, n: number): string => `${key}.interrupted-${n}.folded.jsonl`;
const exists = (file: string): Promise<boolean> => access(file).then(() => true, () => false);

/**
 * Takes the live ledger of `key` out of the way and returns its billed entries with those of every
 * earlier interrupted ledger of `key` not yet covered by a record; [] when there is none.
 */
export async function takeInterruptedLedger(runDir: string, key: string): Promise<LedgerEntry[]> {
  return splitLedger(await takeInterruptedLines(runDir, key)).billed;
}

/**
 * `takeInterruptedLedger` returning every line (pending and unbilled ones too; see `splitLedger`):
 * the lines of each `<key>.interrupted-<n>.jsonl` in order, then the live ledger's, which is renamed
 * `<key>.interrupted-<n+1>.jsonl`. Earlier interrupted ledgers are read again on every resume until
 * `settleLedger` marks them folded (after the record is appended), so a second kill -9 and `--resume`
 * still counts the first killed session's calls. Numbers are consecutive from 1 (folded ones included).
 */
export async function takeInterruptedLines(runDir: string, key: string): Promise<LedgerLine[]> {
  const dir = ledgerDir(runDir);
  const out: LedgerLine[] = [];
  let n = 1;
  for (; ; n++) {
    const file = path.join(dir, interruptedName(key, n));
    if (await exists(file)) out.push(...(await readLedgerLines(file)));
    else if (!(await exists(path.join(dir, foldedName(key, n))))) break;
  }
  const live = ledgerPath(runDir, key);
  if (!(await exists(live))) return out;
  out.push(...(await readLedgerLines(live)));
  await rename(live, path.join(dir, interruptedName(key, n)));
  return out;
}

/**
 * Marks the ledgers of `key` as accounted for by its record, called once the record is appended: the
 * live one renamed `<key>.recorded.jsonl` (`<key>.recorded-<n>.jsonl`, n = 2, 3, … when the key was
 * recorded before: a re-run never loses an earlier billed call's line), each interrupted one `<key>.interrupted-<n>.folded.jsonl`
 * (never folded again). Missing files are skipped. A kill between the append and these renames
 * leaves them unsettled: the next resume settles them (`settleRecordedLedgers`, in `openForResume`)
 * before a `--retry-errors` could set the record aside and fold them again.
 */
export async function settleLedger(runDir: string, key: string): Promise<void> {
  const dir = ledgerDir(runDir);
  const skipMissing = (e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  };
  // A key recorded again (`--retry-errors` re-runs an infra error) keeps every earlier record's ledger: never renamed over.
  let recorded = path.join(dir, `${key}.recorded.jsonl`);
  for (let n = 2; await exists(recorded); n++) recorded = path.join(dir, `${key}.recorded-${n}.jsonl`);
  await rename(ledgerPath(runDir, key), recorded).catch(skipMissing);
  for (let n = 1; ; n++) {
    const moved = await rename(path.join(dir, interruptedName(key, n)), path.join(dir, foldedName(key, n))).then(() => true, (e: NodeJS.ErrnoException) => (skipMissing(e), false));
    if (!moved && !(await exists(path.join(dir, foldedName(key, n))))) break;
  }
}

/** Whether the ledger file `name` is one no record accounts for yet: a live `<key>.jsonl` or an unfolded `<key>.interrupted-<n>.jsonl` (not `.recorded…`/`.folded`). */
export const unsettledLedger = (name: string): boolean => /\.jsonl$/.test(name) && !/\.(recorded(-\d+)?|folded)\.jsonl$/.test(name);

/**
 * Settles (`settleLedger`) the ledgers in `runDir` left unsettled for an attempt that `recorded`
 * holds (a kill between its record's append and `settleLedger`): a merge carries the shards' ledgers
 * over, and the merged run's records already count these calls, so a later `--retry-errors` re-run
 * of the key counts them once, not twice. Ledgers of keys without a record stay for a resume to fold.
 */
export async function settleRecordedLedgers(runDir: string, recorded: ReadonlySet<string>): Promise<void> {
  const keys = new Set((await unsettledLedgerFiles(runDir)).map((f) => f.key).filter((k) => recorded.has(k)));
  for (const key of keys) await settleLedger(runDir, key);
}

/** The unsettled ledger files (`unsettledLedger`) of `runDir`, each with its attempt key, in name order; [] without a ledgers folder. */
async function unsettledLedgerFiles(runDir: string): Promise<{ key: string; file: string }[]> {
  const names = await readdir(ledgerDir(runDir)).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  return names.sort().flatMap((name) => {
    const m = /^(.+?)(?:\.interrupted-\d+)?\.jsonl$/.exec(name);
    return m && unsettledLedger(name) ? [{ key: m[1]!, file: path.join(ledgerDir(runDir), name) }] : [];
  });
}

/**
 * Every line of the unsettled ledgers of `runDir` by attempt key, read without moving anything (the
 * lines `takeInterruptedLines` would take for that key): what a resume counts against its budget
 * before any job starts (`countUnsettledLedgers`). Throws as `readLedgerLines` does.
 */
export async function readUnsettledLedgers(runDir: string): Promise<Map<string, LedgerLine[]>> {
  const out = new Map<string, LedgerLine[]>();
  for (const { key, file } of await unsettledLedgerFiles(runDir)) out.set(key, [...(out.get(key) ?? []), ...(await readLedgerLines(file))]);
  return out;
}
