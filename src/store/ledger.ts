// The billed-call ledger of an attempt (issue 14.9): one append-only JSON line per billed model
// call, fsynced before the agent is given the reply, so a `kill -9` never loses a call that was
// paid for. `<run dir>/ledgers/<attempt key>.jsonl`. An attempt whose record is written has its
// calls in the record; a ledger whose attempt has no record is folded into the re-run attempt on
// `--resume` (`ledger-fold.ts`) and renamed so it is counted once.
import { closeSync, constants, fsync, fsyncSync, lstatSync, mkdirSync, openSync, write, writeSync } from 'node:fs';
import { readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { TokenUsage } from '../core/usage.ts';

export const LEDGER_FORMAT_VERSION = 1;

/** One billed call. Units: tokens, USD (list price from the run's sheet; null = unknown), ms. */
export const LedgerEntry = z.object({
  format_version: z.literal(LEDGER_FORMAT_VERSION),
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
});
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** Folder of a run's ledgers. */
export const ledgerDir = (runDir: string): string => path.join(runDir, 'ledgers');

/** The live ledger of attempt `key`. */
export const ledgerPath = (runDir: string, key: string): string => path.join(ledgerDir(runDir), `${key}.jsonl`);

/**
 * Appends entries to one attempt's ledger; each line is written and fsynced before its promise (or
 * call) returns, so the reply is only used once its bill is on disk. `write` does the write and the
 * fsync on libuv's thread pool, so many attempts billing at once never hold up the event loop
 * (a synchronous fsync costs 1–30 ms here, and 64 attempts get their replies at once); `append` is
 * the synchronous form for callers that cannot wait (the metering proxy's hook). Lines of one
 * writer are written in call order.
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
  append(entry: LedgerEntry): void {
    const fd = this.#open();
    writeSync(fd, `${JSON.stringify(LedgerEntry.parse(entry))}\n`);
    fsyncSync(fd);
  }

  /**
   * Writes one line and fsyncs it off the event loop, after every earlier `write` of this writer.
   * @throws (rejects) on I/O errors, or at once (ZodError) for an entry that does not match `LedgerEntry`.
   */
  write(entry: LedgerEntry): Promise<void> {
    const line = Buffer.from(`${JSON.stringify(LedgerEntry.parse(entry))}\n`);
    const fd = this.#open();
    const done = this.#queue.then(async () => {
      for (let off = 0; off < line.length; ) off += (await writeAsync(fd, line, off, line.length - off)).bytesWritten;
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

const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);

/**
 * Reads a ledger: its valid entries in order. A torn last line (the process died mid-write, before
 * the fsync returned, so the reply was never used) is skipped; a bad line elsewhere throws naming
 * the file and line. A missing file reads as [].
 */
export async function readLedger(file: string): Promise<LedgerEntry[]> {
  const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return '';
    throw e;
  });
  const lines = text.split('\n');
  const out: LedgerEntry[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    const last = i === lines.length - 1 || (i === lines.length - 2 && lines.at(-1) === '');
    try {
      out.push(LedgerEntry.parse(JSON.parse(line)));
    } catch (e) {
      if (last && !text.endsWith('\n')) break;
      throw new Error(`${file}:${i + 1}: not a ledger entry (${(e as Error).message.split('\n')[0]})`, { cause: e });
    }
  }
  return out;
}

/**
 * Takes the live ledger of `key` out of the way (renamed `<key>.interrupted-<n>.jsonl`, so it is
 * never folded twice) and returns its entries; [] when there is none.
 */
export async function takeInterruptedLedger(runDir: string, key: string): Promise<LedgerEntry[]> {
  const live = ledgerPath(runDir, key);
  const entries = await readLedger(live);
  const have = await readdir(ledgerDir(runDir)).catch(() => [] as string[]);
  if (!have.includes(`${key}.jsonl`)) return [];
  const n = have.filter((f) => f.startsWith(`${key}.interrupted-`)).length + 1;
  await rename(live, path.join(ledgerDir(runDir), `${key}.interrupted-${n}.jsonl`));
  return entries;
}

/**
 * Marks the live ledger of `key` as accounted for by its record (renamed `<key>.recorded.jsonl`),
 * called once the record is appended. Nothing happens when there is no live ledger.
 */
export async function settleLedger(runDir: string, key: string): Promise<void> {
  await rename(ledgerPath(runDir, key), path.join(ledgerDir(runDir), `${key}.recorded.jsonl`)).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}
