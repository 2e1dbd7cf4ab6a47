// The store's writer of an attempt's logs: `logs/<contender>/<instance_id>/<attempt>/` holds
// `patch.diff` (the graded model_patch), `test_output.txt` (the grading run's output, capped),
// `apply_log.txt` (normalisation notes and application tries) and `report.json` (SWE-bench's
// per-instance shape). Every file is redacted by the run's redactor.
import path from 'node:path';
import type { AttemptRecord } from '../core/records.ts';
import type { Redactor } from '../core/redact.ts';
import { sweBenchReport } from './swe-bench-report.ts';
import { writeInRun } from './run-fs.ts';

/** Path of an attempt's log folder in a run folder. */
export function attemptLogDir(runDir: string, r: Pick<AttemptRecord, 'contender' | 'instance_id' | 'attempt'>): string {
  return path.join(runDir, attemptLogRel(r));
}

/** The log folder of an attempt relative to its run folder (`logs/<contender>/<instance_id>/<attempt>`). */
function attemptLogRel(r: Pick<AttemptRecord, 'contender' | 'instance_id' | 'attempt'>): string {
  return path.join('logs', r.contender, r.instance_id, String(r.attempt));
}

/**
 * Writes the four log files of `record` (folder created), redacted, never through a symbolic link
 * (src/store/run-fs.ts).
 * @throws UserInputError when a link is in the way (named); fs errors (a full disk, no permission).
 */
export async function writeAttemptLogs(runDir: string, record: AttemptRecord, grading: { test_output: string; apply_log?: string }, redact: Redactor): Promise<void> {
  const dir = attemptLogRel(record);
  const files: Record<string, string> = {
    'patch.diff': record.model_patch,
    'test_output.txt': grading.test_output,
    'apply_log.txt': grading.apply_log ?? '',
    'report.json': JSON.stringify(sweBenchReport(record), null, 2) + '\n',
  };
  await Promise.all(Object.entries(files).map(([name, content]) => writeInRun(runDir, path.join(dir, name), redact(content))));
}
