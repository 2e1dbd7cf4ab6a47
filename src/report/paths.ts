// Relative paths inside a report folder. Index-based (not id-based) so that a model or instance id can
// never escape the folder or break a link, and so that the per-task matrix stays compact at scale.

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
