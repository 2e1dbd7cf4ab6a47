// Does a task's problem statement hand agents the answer? A recipe or mined commit whose message
// holds the diff (a squash-merge body, `git format-patch` pasted in) makes the statement carry the
// gold patch's added lines verbatim: every agent then only has to copy them.
import type { TaskSpec } from '../config/task.ts';

/** Added lines shorter than this (trimmed), or without a letter or digit, are too common to tell anything. */
const MIN_LINE_CHARS = 12;
/** This many distinct leaked lines (or every non-trivial one, when the patch adds fewer) make a leak. */
const LEAK_LINES = 3;

/**
 * The gold patch's non-trivial added lines (`+` lines, not `+++` headers; trimmed, at least
 * MIN_LINE_CHARS long, holding a letter or digit; distinct) that occur verbatim in `statement`.
 */
export function leakedGoldLines(statement: string, goldPatch: string): { leaked: string[]; considered: number } {
  const added = new Set<string>();
  for (const line of goldPatch.split('\n')) {
    if (!line.startsWith('+') || line.startsWith('+++')) continue;
    const text = line.slice(1).trim();
    if (text.length >= MIN_LINE_CHARS && /[\p{L}\p{N}]/u.test(text)) added.add(text);
  }
  const leaked = [...added].filter((t) => statement.includes(t));
  return { leaked, considered: added.size };
}

/**
 * Why `statement` gives the gold patch away, or null: it contains LEAK_LINES of the patch's
 * non-trivial added lines verbatim (all of them when it adds fewer).
 */
export function statementLeak(statement: string, goldPatch: string): string | null {
  const { leaked, considered } = leakedGoldLines(statement, goldPatch);
  if (considered === 0 || leaked.length < Math.min(LEAK_LINES, considered)) return null;
  return (
    `the problem statement contains ${leaked.length} of the gold patch's ${considered} added line(s) verbatim (e.g. "${leaked[0]!.slice(0, 80)}"): ` +
    'agents would be handed the fix; write the statement as the issue (symptom and expected behaviour), not the commit message holding the diff'
  );
}

/** `statementLeak` of a loaded task, or null. */
export const taskStatementLeak = (task: Pick<TaskSpec, 'problem_statement' | 'patch'>): string | null => statementLeak(task.problem_statement, task.patch);
