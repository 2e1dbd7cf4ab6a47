// Reader of `attempts.superseded.jsonl` (DESIGN.md §7): the records `run --retry-errors` set aside so
// their attempts run again. They are no longer results, but their calls were paid for: the run
// budget and the report's spend totals still count them.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserInputError } from '../core/errors.ts';
import type { AttemptRecord, RunHeader } from './records.ts';
import { parseAttemptLine } from './store.ts';

/** File name of the set-aside records in a run folder. */
export const SUPERSEDED_FILE = 'attempts.superseded.jsonl';

/**
 * The records set aside in `dir` (oldest first); [] when there is no such file. A torn last line
 * is ignored, like in attempts.jsonl.
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
    out.push(r.data);
  });
  return out;
}

