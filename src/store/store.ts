// Results store (DESIGN.md §7, docs/store-format.md): `results/<run_id>/run.json` + `attempts.jsonl`,
// plus per-attempt logs (logs.ts) and trajectories (trajectory.ts). Attempts are appended and flushed (fsync) one line each as they finish, so a crash
// or Ctrl-C never loses a finished attempt; then each record's entry goes to the sidecar index
// `attempts.index.jsonl` (attempt-index.ts), which a resume reads instead of every record.
import { lstat, mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { AttemptRecord, RunHeader } from './records.ts';
import { checkFormatVersion } from './checks.ts';
import { FULL, scanAttempts } from './scan.ts';
import { upgradeRunHeader } from './upgrade.ts';
import { writeAttemptLogs } from './logs.ts';
import { trajectorySink, type AttemptRef, type TrajectorySink } from './trajectory.ts';
import { appendInRun, assertNoLinks, copyTreeNoFollow, cutTornLine } from './run-fs.ts';
import { AttemptIndexAppender, indexEntryOf, readAttemptIndex, touchAttemptIndex, writeAttemptIndex, type AttemptIndexEntry } from './attempt-index.ts';
import { SUPERSEDED_FILE, readSuperseded, recordIdentity } from './superseded.ts';
import { lockRun } from './lock.ts';
import { unsettledLedger } from './ledger.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { UserInputError } from '../core/errors.ts';
import { noRedaction, type Redactor } from '../core/redact.ts';

export { checkFormatVersion, parseAttemptLine, strayRecord, type RecordIdentity } from './checks.ts';

/**
 * Writes one run's folder. Not safe across processes; within a process appends are serialised.
 * Keeps the sidecar index `attempts.index.jsonl` (src/store/attempt-index.ts) in step with attempts.jsonl.
 */
export class RunWriter {
  private queue: Promise<void> = Promise.resolve();
  private constructor(
    readonly dir: string,
    private readonly redact: Redactor,
    private index: AttemptIndexAppender,
  ) {}

  /**
   * Makes `dir`, a new run folder (`makeNewRunFolder`: never one that exists), and writes the header.
   * `redact` is applied to everything written (records, header, logs), so a known secret never
   * reaches the store. Takes no lock: a writer other processes may race uses {@link RunWriter.createLocked}.
   * @throws UserInputError when `dir` exists (nothing is written into it); fs errors as they come.
   */
  static async create(dir: string, header: RunHeader, redact: Redactor = noRedaction): Promise<RunWriter> {
    await makeNewRunFolder(dir);
    return RunWriter.init(dir, header, redact);
  }

  /**
   * {@link RunWriter.create} holding `run.lock` (src/store/lock.ts) before anything is written:
   * the folder is made exclusively, then locked, then the header written. Of two processes creating
   * one run folder at once, the second is refused at the `mkdir` and writes nothing into it.
   * @returns the writer and the lock's release function (the caller releases it when done).
   * @throws UserInputError when `dir` exists or its lock cannot be taken; fs errors as they come (the folder it made then removed).
   */
  static async createLocked(dir: string, header: RunHeader, redact: Redactor = noRedaction): Promise<{ writer: RunWriter; unlock: () => Promise<void> }> {
    await makeNewRunFolder(dir);
    // A failure here (a full disk) removes the folder just made, which holds nothing yet: never a
    // headless folder that `--resume` does not know and a new run refuses as existing (atkF10 4).
    const removeMade = async (e: unknown): Promise<never> => {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw e;
    };
    const unlock = await lockRun(dir).catch(removeMade);
    try {
      return { writer: await RunWriter.init(dir, header, redact), unlock };
    } catch (e) {
      await unlock().catch(() => undefined);
      return removeMade(e);
    }
  }

  /** The writer of the folder `dir` just made: an empty sidecar index, then the header. */
  private static async init(dir: string, header: RunHeader, redact: Redactor): Promise<RunWriter> {
    await assertNoLinks(dir);
    const { entries, chain } = await readAttemptIndex(dir, header, { repair: true });
    const w = new RunWriter(dir, redact, new AttemptIndexAppender(dir, (entries.at(-1)?.line ?? 0) + 1, chain));
    await w.writeHeader(header);
    return w;
  }

  /**
   * Opens an existing run folder to append to it (resume). A torn last line left by a crash
   * mid-write is cut off first (completed with its newline when it is whole JSON: `cutTornTail`),
   * so the next record starts on a line of its own. Reads only what a
   * resume needs of each record (`done`: identity, outcome, spend and line), from the sidecar index
   * when it agrees with attempts.jsonl, which is completed or rebuilt here when it does not
   * (src/store/attempt-index.ts).
   * @throws UserInputError as `readRun` does (missing header, unknown format version, bad record),
   * and when a symbolic link is anywhere below `dir` (named): nothing is written through one.
   */
  static async open(dir: string, redact: Redactor = noRedaction): Promise<{ writer: RunWriter; header: RunHeader; done: AttemptIndexEntry[] }> {
    await assertNoLinks(dir);
    const header = await readRunHeader(dir);
    // the cut line never had an entry: the sidecar still describes what is left
    if ((await cutTornLine(dir, 'attempts.jsonl')) === 'cut') await touchAttemptIndex(dir);
    const { entries, chain } = await readAttemptIndex(dir, header, { repair: true });
    return { writer: new RunWriter(dir, redact, new AttemptIndexAppender(dir, (entries.at(-1)?.line ?? 0) + 1, chain)), header, done: entries };
  }

  /**
   * Atomically rewrites attempts.jsonl without the records `drop` selects (e.g. infra errors to
   * re-run); the dropped records are first appended (fsynced) to `attempts.superseded.jsonl` for
   * audit and spend, except those already there (`recordIdentity`). A kill between the two writes
   * leaves them in both files: never lost; `supersededToCount` counts them once, and the next call
   * does not append them again.
   * @returns the records dropped from attempts.jsonl.
   */
  async dropAttempts(drop: (r: AttemptRecord) => boolean): Promise<AttemptRecord[]> {
    const { header, attempts } = await readRun(this.dir);
    const dropped = attempts.filter(drop);
    if (!dropped.length) return [];
    const kept = attempts.filter((r) => !drop(r));
    const file = path.join(this.dir, 'attempts.jsonl');
    await this.appendSuperseded(dropped, header.limits);
    const lines = kept.map((r) => JSON.stringify(r));
    await writeFileAtomic(file, lines.map((l) => l + '\n').join(''));
    let offset = 0;
    const entries = kept.map((r, i) => {
      const bytes = Buffer.byteLength(lines[i]!);
      const e = indexEntryOf(r, { line: i + 1, offset, bytes });
      offset += bytes + 1;
      return e;
    });
    const chain = await writeAttemptIndex(this.dir, entries);
    this.index = new AttemptIndexAppender(this.dir, kept.length + 1, chain);
    return dropped;
  }

  /**
   * Appends (fsynced) `records` to `attempts.superseded.jsonl` (the one writer of that file), except
   * those already there or repeated in `records` (`recordIdentity`: key and finish time).
   * @returns how many were appended.
   * @throws UserInputError as `readSuperseded` does; fs errors as they come.
   */
  async appendSuperseded(records: readonly AttemptRecord[], limits: RunHeader['limits']): Promise<number> {
    const seen = new Set((await readSuperseded(this.dir, limits)).map(recordIdentity));
    const fresh = records.filter((r) => {
      const id = recordIdentity(r);
      return !seen.has(id) && (seen.add(id), true);
    });
    if (fresh.length) await appendInRun(this.dir, SUPERSEDED_FILE, fresh.map((r) => JSON.stringify(r) + '\n').join(''), true);
    return fresh.length;
  }

  /** Atomically (re)writes run.json. */
  async writeHeader(header: RunHeader): Promise<void> {
    const file = path.join(this.dir, 'run.json');
    await writeFileAtomic(file, this.redact(JSON.stringify(RunHeader.parse(header), null, 2)) + '\n');
  }

  /**
   * Appends one record as a JSON line and fsyncs it before resolving.
   * @returns the record as stored (redacted): what reports and progress output must use.
   */
  async appendAttempt(record: AttemptRecord): Promise<AttemptRecord> {
    const json = this.redact(JSON.stringify(AttemptRecord.parse(record)));
    const stored = JSON.parse(json) as AttemptRecord;
    const next = this.queue.then(() => this.index.append(json, stored));
    this.queue = next.catch(() => {});
    await next;
    return stored;
  }

  /** Writes an attempt's log files (src/store/logs.ts), redacted. */
  async writeAttemptLogs(record: AttemptRecord, grading: { test_output: string; apply_log?: string }): Promise<void> {
    await writeAttemptLogs(this.dir, record, grading, this.redact);
  }

  /**
   * Copies another run folder's per-attempt files (logs, trajectories, and ledgers, the unsettled
   * ones fsynced: the billed calls of attempts a killed shard never recorded, which a resume of the
   * merged run counts — `settleRecordedLedgers` marks those of recorded attempts) into this one (a merge of shards).
   * A file that already exists here is an error, never overwritten; links are refused, never followed or copied.
   * @throws UserInputError when two runs hold the same attempt's file, or `runDir` holds a link (named); fs errors as they come.
   */
  async copyAttemptFilesFrom(runDir: string): Promise<void> {
    await assertNoLinks(runDir);
    for (const sub of ['logs', 'trajectories', 'ledgers']) {
      const from = path.join(runDir, sub);
      if (await exists(from)) await copyTreeNoFollow(from, path.join(this.dir, sub), sub === 'ledgers' ? { fsync: unsettledLedger } : {});
    }
  }

  /** A sink for an attempt's trajectory (src/store/trajectory.ts), redacted: what agents get as `saveTrajectory`. */
  trajectorySink(ref: AttemptRef): TrajectorySink {
    return trajectorySink(this.dir, ref, this.redact);
  }
}

/**
 * Makes the run folder `dir` (its parents as needed), exclusively: `mkdir` without `recursive`, so
 * of two runs given one run id only one gets it.
 * @throws UserInputError when `dir` exists (naming `--resume`); fs errors as they come.
 */
export async function makeNewRunFolder(dir: string): Promise<void> {
  await mkdir(path.dirname(dir), { recursive: true });
  try {
    await mkdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    throw new UserInputError(`${dir} already exists: a run id names one run; continue that run with --resume ${path.basename(dir)}, pick another run id, or remove that folder`, { where: dir });
  }
}

/** Whether something (a link included) is at `p`. */
const exists = (p: string): Promise<boolean> => lstat(p).then(() => true, () => false);

export interface StoredRun {
  header: RunHeader;
  attempts: AttemptRecord[];
}

/**
 * Reads a run folder whole: the header and every record (src/store/scan.ts with every field). A torn
 * last line (crash mid-write) is ignored; any other bad line is an error.
 * @throws UserInputError when run.json is missing, of an unknown format version, or a record is invalid (line named).
 */
export async function readRun(dir: string): Promise<StoredRun> {
  const header = await readRunHeader(dir);
  const attempts: AttemptRecord[] = [];
  await scanAttempts(dir, header, FULL, (r) => void attempts.push(r));
  return { header, attempts };
}

/**
 * Reads and validates `<dir>/run.json` (any supported version, as the current one).
 * @throws UserInputError when it is missing, unreadable, of an unknown format version, or invalid.
 */
export async function readRunHeader(dir: string): Promise<RunHeader> {
  const headerFile = path.join(dir, 'run.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(headerFile, 'utf8'));
  } catch (e) {
    throw new UserInputError(`${headerFile}: cannot read run header (${(e as Error).message}); pass a results/<run_id> folder`, { cause: e });
  }
  return parseRunHeader(headerFile, raw);
}

/**
 * Validates a parsed `run.json` of any supported version and returns it as the current version.
 * @throws UserInputError naming the file, the version and every invalid field.
 */
export function parseRunHeader(file: string, raw: unknown): RunHeader {
  const version = (raw as { format_version?: unknown })?.format_version;
  checkFormatVersion(file, version);
  if (version === 1) {
    const u = upgradeRunHeader(raw);
    if (!u.ok) throw new UserInputError(`${file}: invalid run header (format version 1): ${u.problems.join('; ')}`);
    return u.value;
  }
  const h = RunHeader.safeParse(raw);
  if (!h.success) throw new UserInputError(`${file}: invalid run header: ${h.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return h.data;
}

