// `--shard auto`: the shard index and count from the variables CI engines set for parallel jobs.
import { UserInputError } from '../core/errors.ts';
import type { Shard } from '../store/records.ts';

/**
 * The variable pairs read by `--shard auto`, in order of precedence. `base` is the index of the
 * first shard (fixbench's `--shard i/n` counts from 1).
 * - fixbench's own pair, which nothing sets for you: you (or your workflow) set them, on any engine
 *   or machine (GitHub Actions sets no shard variable of its own: its workflow sets them from
 *   `strategy.job-index`, 0-based, and `strategy.job-total`, as examples/nightly.yml does);
 * - GitLab CI `parallel:` (1-based);
 * - Buildkite `parallelism:` (0-based);
 * - Kubernetes Indexed Jobs (0-based `JOB_COMPLETION_INDEX`; the count is not in the pod's
 *   environment, so set `FIXBENCH_SHARD_TOTAL` to the Job's `completions`).
 */
export const SHARD_ENV_SOURCES = [
  { engine: 'fixbench\'s own variables, set by you or your workflow', index: 'FIXBENCH_SHARD_INDEX', total: 'FIXBENCH_SHARD_TOTAL', base: 0 },
  { engine: 'GitLab CI', index: 'CI_NODE_INDEX', total: 'CI_NODE_TOTAL', base: 1 },
  { engine: 'Buildkite', index: 'BUILDKITE_PARALLEL_JOB', total: 'BUILDKITE_PARALLEL_JOB_COUNT', base: 0 },
  { engine: 'Kubernetes Indexed Job', index: 'JOB_COMPLETION_INDEX', total: 'FIXBENCH_SHARD_TOTAL', base: 0 },
] as const;

export interface ShardFromEnv {
  shard: Shard;
  /** e.g. `GitLab CI (CI_NODE_INDEX=2, CI_NODE_TOTAL=4)`. */
  source: string;
}

/**
 * Resolves `--shard auto` from `env`: the first source of `SHARD_ENV_SOURCES` whose index variable
 * is set, as fixbench's 1-based `{ index, count }` (the same shard `--shard i/n` names).
 * Outside CI (no index variable set) it guesses nothing: it throws, and the run does not start.
 * @throws UserInputError when no index variable is set (naming them all, with the fix), when the pair is
 *   incomplete, or a value is not a whole number in range (naming the variable and its value).
 */
export function shardFromEnv(env: NodeJS.ProcessEnv): ShardFromEnv {
  const src = SHARD_ENV_SOURCES.find((s) => env[s.index] !== undefined && env[s.index] !== '');
  if (!src) {
    throw new UserInputError(
      '--shard auto: none of the shard variables it reads is set, so there is no shard to take and nothing was run ' +
        '(expected outside a CI job that sets them, e.g. on your own machine; GitHub Actions sets none of them itself). ' +
        'It takes the first pair whose index is set: ' +
        SHARD_ENV_SOURCES.map((s) => `${s.index} and ${s.total} (${s.engine}; index from ${s.base})`).join('; ') +
        '.\n  fix: give the shard as --shard i/n (1-based), or set FIXBENCH_SHARD_INDEX=<i-1> FIXBENCH_SHARD_TOTAL=<n> (see README "Nightly in CI"), or leave out --shard to run every attempt',
    );
  }
  const rawIndex = env[src.index]!;
  const rawTotal = env[src.total];
  if (rawTotal === undefined || rawTotal === '') {
    const hint = src.engine.startsWith('Kubernetes') ? ' (set it to the Job\'s spec.completions in the pod\'s env)' : '';
    throw new UserInputError(`--shard auto: ${src.index}=${rawIndex} is set (${src.engine}) but ${src.total} is not${hint}; set both, or give --shard i/n`);
  }
  const whole = (name: string, raw: string): number => {
    if (!/^\s*\d{1,7}\s*$/.test(raw)) throw new UserInputError(`--shard auto: ${name}="${raw.slice(0, 40)}" (${src.engine}) is not a whole number; fix the variable, or give --shard i/n`);
    return Number(raw);
  };
  const index0 = whole(src.index, rawIndex) - src.base;
  const count = whole(src.total, rawTotal);
  if (count < 1 || count > 1000) throw new UserInputError(`--shard auto: ${src.total}=${rawTotal} (${src.engine}) must be from 1 to 1000`);
  if (index0 < 0 || index0 >= count) {
    throw new UserInputError(
      `--shard auto: ${src.index}=${rawIndex} is outside ${src.base}…${count - 1 + src.base} for ${src.total}=${rawTotal} (${src.engine} counts from ${src.base}); fix the variables, or give --shard i/n`,
    );
  }
  return { shard: { index: index0 + 1, count }, source: `${src.engine} (${src.index}=${rawIndex}, ${src.total}=${rawTotal})` };
}
