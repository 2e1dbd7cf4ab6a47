// The store's reader and writer of trajectory files (schemas: src/core/trajectory.ts). The only
// module that builds their paths: `trajectories/<contender>/<instance_id>/<attempt>.json`.
import { constants } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../core/atomic-write.ts';
import path from 'node:path';
import { Trajectory, type TrajectorySink } from '../core/trajectory.ts';
import type { Redactor } from '../core/redact.ts';
import { openInRun } from './run-fs.ts';

/** Which attempt's trajectory: the contender id, the task and the 0-based attempt index; `stage` (1-based) for one stage of a live cascade. */
export interface AttemptRef {
  contender: string;
  instance_id: string;
  attempt: number;
  stage?: number;
}

export type { TrajectorySink };

/** A trajectory as read: the parsed file, none, or why it could not be read. */
export type TrajectoryRead = { kind: 'ok'; file: Trajectory } | { kind: 'missing' } | { kind: 'not_read' } | { kind: 'invalid'; reason: string };


/** Path of an attempt's trajectory file in a run folder. */
export function trajectoryPath(runDir: string, ref: AttemptRef): string {
  return path.join(runDir, trajectoryRel(ref));
}

/** The trajectory file of `ref` relative to its run folder. */
export const trajectoryRel = (ref: AttemptRef): string => path.join('trajectories', ref.contender, ref.instance_id, ref.stage === undefined ? `${ref.attempt}.json` : `${ref.attempt}.stage${ref.stage}.json`);

/**
 * A sink writing `ref`'s trajectory in `runDir`: each call validates `doc` against `Trajectory`,
 * applies `redact` to the JSON text and replaces the file atomically (temp file + rename, folder
 * created), so a reader sees the previous or the new document, never half of one. No symbolic link
 * is followed (src/store/run-fs.ts): a link in the way is refused (UserInputError naming it). On a
 * failed write (ENOSPC…) the temp file is removed and the previous document is left as it was.
 * @throws ZodError when `doc` does not match its format's schema (a harness bug); fs errors as they come.
 */
export function trajectorySink(runDir: string, ref: AttemptRef, redact: Redactor): TrajectorySink {
  const rel = trajectoryRel(ref);
  return async (doc) => {
    const valid = Trajectory.parse(doc);
    // openInRun checks (and creates) every folder above the temp file, links refused, as ensureRunDir
    // does; rename replaces a link at the target as a name, never writing through it. On a failed
    // write (ENOSPC) the temp file is removed: none is left for `merge` to copy.
    const file = path.join(runDir, rel);
    await writeFileAtomic(file, redact(JSON.stringify(valid, null, 2)) + '\n', {
      fsync: false,
      openTemp: (tmp) => openInRun(runDir, path.join(path.dirname(rel), path.basename(tmp)), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL),
    });
  };
}

/** Reads and validates one attempt's trajectory (either agent's format); never throws. */
export async function readTrajectory(runDir: string, ref: AttemptRef): Promise<TrajectoryRead> {
  const file = trajectoryPath(runDir, ref);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'invalid', reason: `cannot read ${file}: ${(e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { kind: 'invalid', reason: `${file}: not JSON: ${(e as Error).message}` };
  }
  const parsed = Trajectory.safeParse(json);
  if (!parsed.success) return { kind: 'invalid', reason: `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')}` };
  return { kind: 'ok', file: parsed.data };
}

/**
 * The contender ids that have a trajectory folder in `runDir` (`trajectories/<contender>/`): a
 * reader skips the per-attempt reads of the others (they are all missing). Empty when there is none.
 */
export async function contendersWithTrajectories(runDir: string): Promise<Set<string>> {
  const entries = await readdir(path.join(runDir, 'trajectories'), { withFileTypes: true }).catch(() => []);
  return new Set(entries.filter((e) => e.isDirectory()).map((e) => e.name));
}
