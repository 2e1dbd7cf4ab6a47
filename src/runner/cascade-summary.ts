// `--cascade-mode continue`: the earlier stage's transcript, summarised into the task statement the
// next stage's agent is shown (the grading task is never changed). Pure.
import type { TaskSpec } from '../config/task.ts';
import type { TrajectoryStep } from '../core/trajectory.ts';
import { truncateText } from '../core/truncate.ts';

/** Most steps of the earlier stage quoted (its last ones), and characters kept of each command and output. */
export const SUMMARY_STEPS = 12;
export const SUMMARY_COMMAND_CHARS = 400;
export const SUMMARY_OUTPUT_CHARS = 600;

/** What the summary says of the earlier stage: who ran, how it ended, its steps. */
export interface EarlierStage {
  /** Stage contender id (model id, or `<model>@<agent>`). */
  contender: string;
  /** Why the cascade escalated (the stage's `reason`). */
  reason: string;
  steps: readonly TrajectoryStep[];
}

/**
 * The summary of `earlier` (oldest first): per stage, who ran it, why the cascade escalated, and
 * its last {@link SUMMARY_STEPS} commands with their outputs, head and tail cut to
 * {@link SUMMARY_COMMAND_CHARS} / {@link SUMMARY_OUTPUT_CHARS} characters.
 */
export function summariseStages(earlier: readonly EarlierStage[]): string {
  const parts = earlier.map((s, i) => {
    const shown = s.steps.filter((x) => x.command !== null).slice(-SUMMARY_STEPS);
    const left = s.steps.filter((x) => x.command !== null).length - shown.length;
    const lines = shown.map((x) => `$ ${truncateText(x.command!, SUMMARY_COMMAND_CHARS)}\n${truncateText(x.observation ?? '', SUMMARY_OUTPUT_CHARS)}`);
    return [
      `Attempt ${i + 1} (${s.contender}) ended: ${s.reason}.`,
      shown.length ? `Its ${left ? `last ${shown.length} of ${shown.length + left}` : shown.length} command(s) and their output:` : 'It ran no command.',
      ...lines,
    ].join('\n');
  });
  return [
    'Earlier attempts worked on this issue in this same workspace and did not fix it; their changes are still in the files (`git diff` shows them). Keep what is right, fix what is not.',
    ...parts,
  ].join('\n\n');
}

/** The task as shown to a continuing stage: its statement followed by the summary of the earlier stages. */
export function withEarlierStages(task: TaskSpec, earlier: readonly EarlierStage[]): TaskSpec {
  return { ...task, problem_statement: `${task.problem_statement}\n\n---\n${summariseStages(earlier)}` };
}
