// Results store (DESIGN.md §7): `results/<run_id>/run.json` + `attempts.jsonl`, plus per-attempt logs
// and trajectories. Attempts are appended and flushed (fsync) one line each as they finish, so a crash
// or Ctrl-C never loses a finished attempt.
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AttemptRecord, RunHeader, STORE_FORMAT_VERSION } from './records.ts';
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
    const w = new RunWriter(dir, redact);
    await w.writeHeader(header);
    return w;
  }

  /** Atomically (re)writes run.json. */
  async writeHeader(header: RunHeader): Promise<void> {
    const file = path.join(this.dir, 'run.json');
    await writeFile(`${file}.tmp`, this.redact(JSON.stringify(RunHeader.parse(header), null, 2)) + '\n');
    await rename(`${file}.tmp`, file);
  }

  /**
   * Appends one record as a JSON line and fsyncs it before resolving.
   * @returns the record as stored (redacted): what reports and progress output must use.
   */
  async appendAttempt(record: AttemptRecord): Promise<AttemptRecord> {
    const json = this.redact(JSON.stringify(AttemptRecord.parse(record)));
    const line = json + '\n';
    const next = this.queue.then(async () => {
      const fh = await open(path.join(this.dir, 'attempts.jsonl'), 'a');
      try {
        await fh.write(line);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
    this.queue = next.catch(() => {});
    await next;
    return JSON.parse(json) as AttemptRecord;
  }

  /** Writes `logs/<model>/<instance_id>/<n>/<name>` (folder created), redacted. */
  async writeLog(model: string, instanceId: string, attempt: number, name: string, content: string): Promise<void> {
    const d = path.join(this.dir, 'logs', model, instanceId, String(attempt));
    await mkdir(d, { recursive: true });
    await writeFile(path.join(d, name), this.redact(content));
  }

  /** Path of an attempt's trajectory file `trajectories/<model>/<instance_id>/<n>.json` (folder created). */
  async trajectoryPath(model: string, instanceId: string, attempt: number): Promise<string> {
    const d = path.join(this.dir, 'trajectories', model, instanceId);
    await mkdir(d, { recursive: true });
    return path.join(d, `${attempt}.json`);
  }
}

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
    throw new UserInputError(`${headerFile}: cannot read run header (${(e as Error).message}); pass a results/<run_id> folder`);
  }
  const version = (raw as { format_version?: unknown })?.format_version;
  if (version !== STORE_FORMAT_VERSION) {
    throw new UserInputError(
      `${headerFile}: results format_version ${JSON.stringify(version)} is not the one this fixbench reads (${STORE_FORMAT_VERSION}); use the fixbench version that wrote it`,
    );
  }
  const h = RunHeader.safeParse(raw);
  if (!h.success) throw new UserInputError(`${headerFile}: invalid run header: ${h.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  let text = '';
  try {
    text = await readFile(path.join(dir, 'attempts.jsonl'), 'utf8');
  } catch {
    /* no attempt finished yet */
  }
  const lines = text.split('\n');
  const attempts: AttemptRecord[] = [];
  const file = path.join(dir, 'attempts.jsonl');
  const problems: string[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const isLast = i === lines.length - 1; // no trailing newline: torn write
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      if (isLast) return;
      problems.push(`${file}:${i + 1}: not valid JSON`);
      return;
    }
    const r = AttemptRecord.safeParse(obj);
    if (!r.success) problems.push(`${file}:${i + 1}: invalid record: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
    else attempts.push(r.data);
  });
  if (problems.length) {
    throw new UserInputError(
      `${file}: ${problems.length} bad line(s):\n${problems.join('\n')}\nfix: each line is one attempt record written by fixbench; restore the file, or remove the bad lines (those attempts then count as not run)`,
      { where: file, problems },
    );
  }
  return { header: h.data, attempts };
}
