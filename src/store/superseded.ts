// Reader of `attempts.superseded.jsonl` (DESIGN.md §7): the records `run --retry-errors` set aside so
// their attempts run again. They are no longer results, but their calls were paid for: the run
// budget (and its "reached after $X" note) still counts them; the report's per-contender totals are
// of the recorded attempts only.
// A record is told from another by its identity (`recordIdentity`: key and finish time), not by its
// key alone: a key set aside and run again has a new record in attempts.jsonl, and the old one's
// calls were paid too.
import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';
import type { AttemptRecord, RunHeader } from './records.ts';
import type { AttemptIndexEntry } from './attempt-index.ts';
import { parseAttemptLine } from './checks.ts';
import { openInRun } from './run-fs.ts';

/** File name of the set-aside records in a run folder. */
export const SUPERSEDED_FILE = 'attempts.superseded.jsonl';

/** The identity of one stored record: its key and finish time (ISO text), as one string. */
export function recordIdentity(r: Pick<AttemptRecord, 'key' | 'finished_at'>): string {
  return `${r.key}\u0000${r.finished_at}`;
}

/**
 * The records set aside in `dir` (oldest first), each identity once (`recordIdentity`: a set-aside
 * repeated after a crash, as older fixbench versions wrote it, counts once); [] when there is no
 * such file. A torn last line is ignored, like in attempts.jsonl.
 * @throws UserInputError naming the file and line of a record that does not parse.
 */
export async function readSuperseded(dir: string, limits: RunHeader['limits']): Promise<AttemptRecord[]> {
  const file = path.join(dir, SUPERSEDED_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new UserInputError(`${file}: cannot read (${(e as Error).message}); check the run folder`);
  }
  const lines = text.split('\n');
  const out: AttemptRecord[] = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      if (i === lines.length - 1) return; // torn last line (no newline after it)
      throw new UserInputError(`${file}:${i + 1}: not valid JSON (${(e as Error).message}); restore the file from the run's copy`);
    }
    const r = parseAttemptLine(obj, (obj as { format_version?: unknown })?.format_version, limits);
    if (!r.success) throw new UserInputError(`${file}:${i + 1}: invalid record: ${r.problems.join('; ')}`);
    const id = recordIdentity(r.data);
    if (seen.has(id)) return;
    seen.add(id);
    out.push(r.data);
  });
  return out;
}

/**
 * The set-aside records whose spend a resume still counts (the run budget): those of
 * `readSuperseded` whose very record (`recordIdentity`) is not also in attempts.jsonl. A set-aside
 * cut short (kill -9 between `RunWriter.dropAttempts`' two writes) leaves its records in both files,
 * and `earlier` (attempts.jsonl's index entries) counts them already. Reads from attempts.jsonl only
 * the lines (by the entries' offsets) of keys found in both files.
 * @throws UserInputError as `readSuperseded` does; file-system errors of attempts.jsonl as they come.
 */
export async function supersededToCount(dir: string, limits: RunHeader['limits'], earlier: readonly AttemptIndexEntry[]): Promise<AttemptRecord[]> {
  const superseded = await readSuperseded(dir, limits);
  if (!superseded.length) return superseded;
  const keys = new Set(superseded.map((r) => r.key));
  const both = earlier.filter((e) => keys.has(e.key));
  if (!both.length) return superseded;
  const live = new Set<string>();
  const fh = await openInRun(dir, 'attempts.jsonl', constants.O_RDONLY);
  try {
    for (const e of both) {
      const buf = Buffer.alloc(e.bytes);
      const { bytesRead } = await fh.read(buf, 0, e.bytes, e.offset);
      let r: { key?: unknown; finished_at?: unknown };
      try {
        r = JSON.parse(buf.subarray(0, bytesRead).toString('utf8')) as typeof r;
      } catch {
        continue; // not that record: the set-aside one still counts
      }
      if (typeof r.key === 'string' && typeof r.finished_at === 'string') live.add(recordIdentity({ key: r.key, finished_at: r.finished_at }));
    }
  } finally {
    await fh.close();
  }
  return superseded.filter((r) => !live.has(recordIdentity(r)));
}

