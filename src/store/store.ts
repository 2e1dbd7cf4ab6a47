// Results store (DESIGN.md §7, docs/store-format.md): `results/<run_id>/run.json` + `attempts.jsonl`,
// plus per-attempt logs (logs.ts) and trajectories (trajectory.ts). Attempts are appended and flushed (fsync) one line each as they finish, so a crash
// or Ctrl-C never loses a finished attempt.
import { constants, createReadStream } from 'node:fs';
import { lstat, mkdir, open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { AttemptRecord, RunHeader, SUPPORTED_FORMAT_VERSIONS } from './records.ts';
import { upgradeAttemptRecord, upgradeRunHeader } from './upgrade.ts';
import { writeAttemptLogs } from './logs.ts';
import { trajectorySink, type AttemptRef, type TrajectorySink } from './trajectory.ts';
import { appendInRun, assertNoLinks, copyTreeNoFollow, openInRun } from './run-fs.ts';
import { writeFileAtomic } from '../core/atomic-write.ts';
import { UserInputError } from '../core/errors.ts';
import { noRedaction, type Redactor } from '../core/redact.ts';

/** Writes one run's folder. Not safe across processes; within a process appends are serialised. */
export class RunWriter {
  private queue: Promise<void> = Promise.resolve();
  private constructor(
    readonly dir: string,
    private readonly redact: Redactor,
  ) {}

  /**
   * Creates `dir` and writes the header. `redact` is applied to everything written (records,
   * header, logs), so a known secret never reaches the store.
   */
  static async create(dir: string, header: RunHeader, redact: Redactor = noRedaction): Promise<RunWriter> {
    await mkdir(dir, { recursive: true });
    await assertNoLinks(dir);
    const w = new RunWriter(dir, redact);
    await w.writeHeader(header);
    return w;
  }

  /**
   * Opens an existing run folder to append to it (resume). A torn last line left by a crash
   * mid-write is cut off first, so the next record starts on a line of its own.
   * @throws UserInputError as `readRun` does (missing header, unknown format version, bad record),
   * and when a symbolic link is anywhere below `dir` (named): nothing is written through one.
   */
  static async open(dir: string, redact: Redactor = noRedaction): Promise<{ writer: RunWriter; run: StoredRun }> {
    await assertNoLinks(dir);
    const run = await readRun(dir);
    await cutTornLine(dir, 'attempts.jsonl');
    return { writer: new RunWriter(dir, redact), run };
  }

  /**
   * Atomically rewrites attempts.jsonl without the records `drop` selects (e.g. infra errors to
   * re-run); the dropped lines are appended to `attempts.superseded.jsonl` for audit.
   * @returns the records dropped.
   */
  async dropAttempts(drop: (r: AttemptRecord) => boolean): Promise<AttemptRecord[]> {
    const { attempts } = await readRun(this.dir);
    const dropped = attempts.filter(drop);
    if (!dropped.length) return [];
    const kept = attempts.filter((r) => !drop(r));
    const file = path.join(this.dir, 'attempts.jsonl');
    await appendInRun(this.dir, 'attempts.superseded.jsonl', dropped.map((r) => JSON.stringify(r) + '\n').join(''), true);
    await writeFileAtomic(file, kept.map((r) => JSON.stringify(r) + '\n').join(''));
    return dropped;
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
    const line = json + '\n';
    const next = this.queue.then(() => appendInRun(this.dir, 'attempts.jsonl', line, true));
    this.queue = next.catch(() => {});
    await next;
    return JSON.parse(json) as AttemptRecord;
  }

  /** Writes an attempt's log files (src/store/logs.ts), redacted. */
  async writeAttemptLogs(record: AttemptRecord, grading: { test_output: string; apply_log?: string }): Promise<void> {
    await writeAttemptLogs(this.dir, record, grading, this.redact);
  }

  /**
   * Copies another run folder's per-attempt files (logs and trajectories) into this one (a merge of
   * shards). A file that already exists here is an error, never overwritten; links are refused, never followed or copied.
   * @throws UserInputError when two runs hold the same attempt's file, or `runDir` holds a link (named); fs errors as they come.
   */
  async copyAttemptFilesFrom(runDir: string): Promise<void> {
    await assertNoLinks(runDir);
    for (const sub of ['logs', 'trajectories']) {
      const from = path.join(runDir, sub);
      if (await exists(from)) await copyTreeNoFollow(from, path.join(this.dir, sub));
    }
  }

  /** A sink for an attempt's trajectory (src/store/trajectory.ts), redacted: what agents get as `saveTrajectory`. */
  trajectorySink(ref: AttemptRef): TrajectorySink {
    return trajectorySink(this.dir, ref, this.redact);
  }
}

/**
 * Truncates `file` after its last newline (to 0 bytes when it has none); no-op when it ends with
 * one or does not exist. Reads only the tail, backwards in 64 KiB blocks: resume used to read the
 * whole file a second time for this (bench/RESULTS.md, "scale").
 */
async function cutTornLine(dir: string, name: string): Promise<void> {
  const fh = await openInRun(dir, name, constants.O_RDWR).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (!fh) return;
  try {
    const { size } = await fh.stat();
    const buf = Buffer.alloc(64 * 1024);
    let end = size;
    let keep = 0;
    while (end > 0) {
      const start = Math.max(0, end - buf.length);
      const { bytesRead } = await fh.read(buf, 0, end - start, start);
      const nl = buf.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (nl >= 0) {
        keep = start + nl + 1;
        break;
      }
      end = start;
    }
    if (keep !== size) await fh.truncate(keep);
  } finally {
    await fh.close();
  }
}

/** Whether something (a link included) is at `p`. */
const exists = (p: string): Promise<boolean> => lstat(p).then(() => true, () => false);

export interface StoredRun {
  header: RunHeader;
  attempts: AttemptRecord[];
}

/**
 * Reads a run folder. A torn last line (crash mid-write) is ignored; any other bad line is an error.
 * @throws UserInputError when run.json is missing, of an unknown format version, or a record is invalid (line named).
 */
export async function readRun(dir: string): Promise<StoredRun> {
  const headerFile = path.join(dir, 'run.json');
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(headerFile, 'utf8'));
  } catch (e) {
    throw new UserInputError(`${headerFile}: cannot read run header (${(e as Error).message}); pass a results/<run_id> folder`, { cause: e });
  }
  const header = parseRunHeader(headerFile, raw);
  // Read line by line (a 100,000-record file is ~300 MB: holding it whole, then its lines, would
  // double the peak memory; bench/RESULTS.md, scale).
  const file = path.join(dir, 'attempts.jsonl');
  const attempts: AttemptRecord[] = [];
  const seen = new Map<string, number>();
  const seenAttempt = new Map<string, string>();
  const problems: string[] = [];
  const badJson: Array<{ line: number; message: string }> = [];
  let lastNonEmpty = 0;
  let endsWithNewline = true;
  let lineCount = 0;
  try {
    const fh = await open(file, 'r');
    try {
      const { size } = await fh.stat();
      if (size > 0) {
        const { buffer } = await fh.read(Buffer.alloc(1), 0, 1, size - 1);
        endsWithNewline = buffer[0] === 0x0a;
      }
    } finally {
      await fh.close();
    }
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    const pending: Array<{ line: number; text: string }> = [];
    for await (const text of lines) {
      lineCount++;
      if (!text.trim()) continue;
      lastNonEmpty = lineCount;
      pending.push({ line: lineCount, text });
      // one line behind: only the final line can be a torn write, so each earlier one is judged at once
      if (pending.length > 1) judge(pending.shift()!, false);
    }
    const final = pending.shift();
    if (final) judge(final, !endsWithNewline && final.line === lineCount);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new UserInputError(`${file}: cannot read (${(e as Error).message}); check the run folder`, { cause: e });
    /* no attempt finished yet */
  }
  function judge({ line, text }: { line: number; text: string }, tornCandidate: boolean): void {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      if (tornCandidate) return; // no newline after it: a write cut by a crash, ignored
      badJson.push({ line, message: (e as Error).message });
      return;
    }
    const version = (obj as { format_version?: unknown })?.format_version;
    checkFormatVersion(`${file}:${line}`, version);
    const r = parseAttemptLine(obj, version, header.limits);
    if (!r.success) {
      problems.push(`${file}:${line}: invalid record${version === 1 ? ' (format version 1)' : ''}: ${r.problems.join('; ')}`);
      return;
    }
    const first = seen.get(r.data.key);
    if (first !== undefined) {
      problems.push(`${file}:${line}: attempt key ${r.data.key} is already recorded on line ${first}; an attempt is recorded once — remove one of the two lines`);
      return;
    }
    const stray = strayRecord(header, r.data, `${file}:${line}`, seenAttempt);
    if (stray) {
      problems.push(stray);
      return;
    }
    seen.set(r.data.key, line);
    attempts.push(r.data);
  }
  for (const b of badJson) {
    problems.push(
      `${file}:${b.line}: not valid JSON (${b.message}); only a torn last line (no newline after it) is ignored, ` +
        (b.line < lastNonEmpty ? 'this one has records after it — ' : 'this one ends with a newline — ') +
        'repair the line, or delete it (`fixbench run --resume` then runs that attempt again)',
    );
  }
  problems.sort((a, b) => lineOf(a) - lineOf(b));
  if (problems.length) {
    throw new UserInputError(
      `${file}: ${problems.length} bad line(s):\n${problems.join('\n')}\nfix: each line is one attempt record written by fixbench; restore the file, or remove the bad lines (those attempts then count as not run)`,
      { where: file, problems },
    );
  }
  return { header, attempts };
}

/**
 * Why record `r` (at `where`, `<file>:<line>`) does not belong in the run of `header`: its contender
 * or task is not the header's, or `seen` (attempt identity → where) already holds its (contender,
 * instance_id, attempt) under another key. Null when it belongs; records it in `seen` then.
 * Contenders are checked when the header lists any.
 */
export function strayRecord(header: RunHeader, r: AttemptRecord, where: string, seen: Map<string, string>): string | null {
  // (a header listing no contender is a hand-made fixture: nothing to check against)
  if (header.contenders.length && !header.contenders.some((c) => c.id === r.contender)) {
    return `${where}: contender "${r.contender}" is not among the run's contenders (${header.contenders.map((c) => c.id).join(', ')}) in run.json; a record of another run was added — remove the line`;
  }
  if (!header.suite.instance_ids.includes(r.instance_id)) {
    return `${where}: task "${r.instance_id}" is not in the run's suite (run.json suite.instance_ids); a record of another run was added — remove the line`;
  }
  const id = JSON.stringify([r.contender, r.instance_id, r.attempt]);
  const first = seen.get(id);
  if (first !== undefined) {
    return `${where}: ${r.contender} ${r.instance_id}#${r.attempt} is already recorded at ${first} (under another key); an attempt is recorded once — remove one of the two lines`;
  }
  seen.set(id, where);
  return null;
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

/** One parsed `attempts.jsonl` line of a supported version, as the current version (version 1 upgraded with the run's limits). */
export function parseAttemptLine(obj: unknown, version: unknown, limits: RunHeader['limits']): { success: true; data: AttemptRecord } | { success: false; problems: string[] } {
  if (version === 1) {
    const u = upgradeAttemptRecord(obj, limits);
    return u.ok ? { success: true, data: u.value } : { success: false, problems: u.problems };
  }
  const r = AttemptRecord.safeParse(obj);
  return r.success ? { success: true, data: r.data } : { success: false, problems: r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`) };
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

/** The line number in a `<file>:<line>: …` problem (for ordering). */
function lineOf(problem: string): number {
  const m = /:(\d+): /.exec(problem);
  return m ? Number(m[1]) : 0;
}
