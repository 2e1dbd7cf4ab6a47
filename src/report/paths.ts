// Relative paths inside a report folder. Index-based (not id-based) so that a model or instance id can
// never escape the folder or break a link, and so that the per-task matrix stays compact at scale.
// And the name of a re-priced report's folder.
import { createHash } from 'node:crypto';

/** Folder of attempt pages, relative to the report's `index.html`. */
export const ATTEMPTS_DIR = 'attempts';

/**
 * Relative path of the attempts page of one matrix cell — every attempt of one contender at one task:
 * `attempts/<contender index>/<task index>.html`, indices into `header.contenders` and
 * `header.suite.instance_ids`. Attempt n is the fragment `#attempt-<n>` ({@link attemptAnchor}).
 */
export function attemptPagePath(contenderIndex: number, taskIndex: number): string {
  return `${ATTEMPTS_DIR}/${contenderIndex}/${taskIndex}.html`;
}

/** Fragment id of attempt `n` on its page. */
export const attemptAnchor = (attempt: number): string => `attempt-${attempt}`;

/** The attempt pages' shared stylesheet, relative to the report's `index.html` (pages link it as `../attempt.css`). */
export const ATTEMPT_CSS_PATH = `${ATTEMPTS_DIR}/attempt.css`;

/**
 * The folder name (under `--reports`) of a run's report re-priced with `report --prices`:
 * `<run_id>-prices-<as_of>-<digest>`, `digest` the first 8 hex digits of the SHA-256 of the sheet
 * file's bytes. Two sheets with one `as_of` (an edited copy, another source) get two folders, never
 * one over the other (newcomer13 #7); the same sheet gets the same folder, rebuilt in place. Folders
 * named `<run_id>-prices-<as_of>` by earlier versions are left as they are (nothing reads them back).
 */
export function repricedReportName(runId: string, asOf: string, sheetBytes: Uint8Array): string {
  return `${runId}-prices-${asOf}-${createHash('sha256').update(sheetBytes).digest('hex').slice(0, 8)}`;
}
