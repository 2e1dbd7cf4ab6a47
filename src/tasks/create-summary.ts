// What `tasks create`, `tasks mine` and `tasks fetch` print about a task: a short summary by
// default, the full lists with --verbose. Test ids come from untrusted test output, so every
// control character is shown escaped, never sent raw to the terminal.
import type { TaskYaml } from '../config/task.ts';

/** `s` with C0/C1 control characters and DEL shown as JSON escapes (`\t`, `\u0000`); other text unchanged. */
export function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  const named: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The summary of a created task, lines joined by "\n" and ending with one: folder, repo, upstream,
 * base_commit, created_at, counts, every FAIL_TO_PASS id, then every PASS_TO_PASS id when
 * `verbose` (else a hint), then the warnings.
 */
export function createSummary(dir: string, task: TaskYaml, o: { verbose?: boolean; warnings?: readonly string[]; run_ms?: readonly number[] } = {}): string {
  const upstream = typeof task.swe_bench?.repo === 'string' ? task.swe_bench.repo : null;
  const lines = [
    `created ${printable(dir)}`,
    `  repo: ${printable(task.repo)}${upstream ? ` (upstream ${printable(upstream)})` : ''}`,
    `  base_commit: ${task.base_commit}${task.created_at ? `  created_at: ${task.created_at}` : ''}`,
    `  FAIL_TO_PASS: ${task.FAIL_TO_PASS.length}  PASS_TO_PASS: ${task.PASS_TO_PASS.length}` +
      (o.run_ms?.length ? `  test runs: ${o.run_ms.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(', ')}` : ''),
    '  FAIL_TO_PASS:',
    ...task.FAIL_TO_PASS.map((t) => `    - ${printable(t)}`),
  ];
  if (o.verbose) lines.push('  PASS_TO_PASS:', ...task.PASS_TO_PASS.map((t) => `    - ${printable(t)}`));
  else if (task.PASS_TO_PASS.length) lines.push(`  (PASS_TO_PASS ids: --verbose, or read task.yaml)`);
  for (const w of o.warnings ?? []) lines.push(`warning: ${printable(w)}`);
  return lines.join('\n') + '\n';
}
