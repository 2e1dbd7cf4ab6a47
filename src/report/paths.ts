// Relative paths inside a report folder. Index-based (not id-based) so that a model or instance id can
// never escape the folder or break a link, and so that the per-task matrix stays compact at scale.

/** Folder of attempt pages, relative to the report's `index.html`. */
export const ATTEMPTS_DIR = 'attempts';

/**
 * Relative path of an attempt page: `attempts/<contender index>/<task index>-<attempt>.html`, indices
 * into `header.contenders` and `header.suite.instance_ids`, attempt 0-based.
 */
export function attemptPagePath(contenderIndex: number, taskIndex: number, attempt: number): string {
  return `${ATTEMPTS_DIR}/${contenderIndex}/${taskIndex}-${attempt}.html`;
}
