// The per-task matrix's view model (DESIGN.md §9): one row per task of the suite, one cell per
// contender, one compact mark per attempt, each cell linked to its attempts page. Pure.
import type { Outcome } from '../core/outcome.ts';
import type { AttemptIndex, ContenderSummary } from '../analysis/leaderboard.ts';
import type { IndexRecord, RunHeader } from '../store/records.ts';
import type { Field } from './format.ts';
import { attemptPagePath } from './paths.ts';

/** One attempt in a matrix cell. */
export interface MatrixMark {
  /** A symbol of {@link OUTCOME_SYMBOLS} ("✓", "✗", …) or "—" (not run), plus "~" (flaky) and "†" (test files edited). */
  text: string;
  /** CSS class: ok | fail | err | missing. */
  cls: 'ok' | 'fail' | 'err' | 'missing';
  /** What the mark means in words (outcome, attempt index, notes). */
  title: string;
  /** Notes worth a tooltip (flaky tests, edited test files), or null: the matrix stays compact at scale. */
  note: string | null;
}

/** One cell of the matrix: a contender's attempts at one task. */
export interface MatrixCell {
  marks: MatrixMark[];
  /** The marks' texts joined ("✓✗—"): what the cell shows. */
  text: string;
  /** Relative link to the cell's attempts page, or null when no attempt ran. */
  href: string | null;
  /** CSS class of the cell: ok (some attempt resolved), err (an infra error and none resolved), missing (none ran), fail. */
  cls: 'ok' | 'fail' | 'err' | 'missing';
  /** Tooltip: the notes of the marks joined, or null. */
  title: string | null;
}

export interface MatrixRow {
  instanceId: string;
  resolvedBy: string;
  cells: MatrixCell[];
}

/** Compact symbols of the matrix, one per outcome (the legend prints this table). */
export const OUTCOME_SYMBOLS: Record<Outcome, string> = {
  resolved: '✓',
  unresolved: '✗',
  empty_patch: '∅',
  patch_failed: '≠',
  timeout: '⏱',
  tampered: '☠',
  agent_error: '!',
  infra_error: '⚠',
};

/** What an attempt page's relative path looks like ({@link attemptPagePath}); safe in an unquoted attribute. */
const SAFE_HREF = /^attempts\/\d+\/\d+\.html$/;

/** Legend of the matrix symbols, in the order the page prints them. */
export const MATRIX_LEGEND: readonly Field[] = [
  ...Object.entries(OUTCOME_SYMBOLS).map(([outcome, symbol]) => ({ label: symbol, value: outcome })),
  { label: '—', value: 'not run' },
  { label: '~', value: 'a listed test was flaky across re-runs' },
  { label: '†', value: 'the patch edited test files (restored before grading)' },
  { label: '°', value: 'unprotected: graded without canary tests (exit-code task), not tamper-evident' },
];

function mark(record: IndexRecord | null, attempt: number, attemptsPerTask: number): MatrixMark {
  const m = outcomeMark(record?.outcome ?? null, attempt, attemptsPerTask);
  if (!record) return m;
  const notes: string[] = [];
  if (record.flaky_tests.length) notes.push(`flaky over ${record.test_runs} runs: ${record.flaky_tests.join(', ')}`);
  const prot = record.protected_files_edited ?? record.test_files_edited;
  if (prot.length) notes.push(`edited protected files (dropped before grading): ${prot.join(', ')}`);
  if (record.unprotected) notes.push(`unprotected (no canary tests): ${record.unprotected}`);
  if (!notes.length) return m;
  const note = `${m.title}; ${notes.join('; ')}`;
  return { text: `${m.text}${record.flaky_tests.length ? '~' : ''}${prot.length ? '†' : ''}${record.unprotected ? '°' : ''}`, cls: m.cls, title: note, note };
}

function outcomeMark(outcome: Outcome | null, attempt: number, attemptsPerTask: number): MatrixMark {
  const which = attemptsPerTask > 1 ? `attempt ${attempt}: ` : '';
  if (outcome === null) return { text: '—', cls: 'missing', title: `${which}not run`, note: null };
  const text = OUTCOME_SYMBOLS[outcome];
  if (outcome === 'resolved') return { text, cls: 'ok', title: `${which}resolved`, note: null };
  if (outcome === 'infra_error') return { text, cls: 'err', title: `${which}infra_error (harness or provider; not the model's failure)`, note: null };
  return { text, cls: 'fail', title: `${which}${outcome}`, note: null };
}

/**
 * The matrix: columns are `ranked`'s ids (leaderboard order), rows the suite's tasks in order.
 * "resolved by" counts model-driven contenders only (gold and noop validate the task). With
 * `links`, a cell that ran links to its attempts page ({@link attemptPagePath}).
 */
export function matrixView(header: RunHeader, ranked: readonly ContenderSummary[], index: AttemptIndex, links: boolean): { columns: string[]; rows: MatrixRow[] } {
  const contenderIndex = new Map(header.contenders.map((c, i) => [c.id, i]));
  const models = ranked.filter((s) => s.costBasis !== 'no_model').length;
  const n = header.attempts_per_task;
  return {
    columns: ranked.map((s) => s.id),
    rows: header.suite.instance_ids.map((instanceId, taskIndex) => {
      let resolvedBy = 0;
      const cells = ranked.map((s): MatrixCell => {
        const perAttempt = index.byContender.get(s.id)?.get(instanceId);
        const marks: ReturnType<typeof mark>[] = [];
        for (let a = 0; a < n; a++) marks.push(mark(perAttempt?.get(a) ?? null, a, n));
        if (s.costBasis !== 'no_model' && marks.some((m) => m.cls === 'ok')) resolvedBy += 1;
        const ran = perAttempt !== undefined && perAttempt.size > 0;
        const href = links && ran ? attemptPagePath(contenderIndex.get(s.id) ?? 0, taskIndex) : null;
        // matrix.hbs writes href unquoted (22 KB at 20 × 500): it must stay digits, slashes and ".html".
        if (href !== null && !SAFE_HREF.test(href)) throw new Error(`attempt page path ${JSON.stringify(href)} is not safe unquoted`);
        const notes: string[] = [];
        for (const m of marks) if (m.note !== null) notes.push(m.note);
        const cls = marks.some((m) => m.cls === 'ok') ? 'ok' : !ran ? 'missing' : marks.some((m) => m.cls === 'err') ? 'err' : 'fail';
        return { marks, text: marks.map((m) => m.text).join(''), href, cls, title: notes.length ? notes.join(' | ') : null };
      });
      return { instanceId, resolvedBy: models ? `${resolvedBy}/${models}` : '—', cells };
    }),
  };
}
