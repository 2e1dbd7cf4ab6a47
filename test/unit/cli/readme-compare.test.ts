// The README's command table keeps `compare` to a short cell; its detail lives in "Comparing two runs".
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(path.resolve(import.meta.dirname, '../../../README.md'), 'utf8');

/** The "what it does" cell of the command table's row for `command`. */
function cell(command: string): string {
  const row = readme.split('\n').find((l) => l.startsWith(`| \`${command}`));
  expect(row, command).toBeDefined();
  return row!.split(/(?<!\\)\|/)[2]!.trim();
}

/** The text of the section headed `### title`, up to the next heading. */
function section(title: string): string {
  const start = readme.indexOf(`\n### ${title}\n`);
  expect(start, title).toBeGreaterThan(0);
  const rest = readme.slice(start + title.length + 6);
  return rest.slice(0, rest.search(/\n#{2,3} /));
}

describe('the README on fixbench compare', () => {
  it('gives compare a one-or-two-sentence cell in the command table that links to its section', () => {
    const text = cell('fixbench compare');
    expect(text.split(/\s+/).length).toBeLessThanOrEqual(60);
    expect(text).toContain('[Comparing two runs](#comparing-two-runs)');
  });

  it('keeps every fact the cell held in the "Comparing two runs" section', () => {
    const detail = section('Comparing two runs').replace(/\s+/g, ' ');
    for (const fact of [
      "McNemar's exact paired test",
      '`--max-drop <pp>`, `--max-cost-increase <pct>` and `--significant-drop <alpha>` (0 < alpha < 1) exit 3',
      '`fake-coder: --significant-drop (no pair: 3 infra_error in head)`',
      '(`cost Δ n/a: head cost unknown`, `base cost unknown`, `base $0`)',
      '`--max-cost-increase (no model contender in both runs)`',
      '`none of N configured gate(s) failed; not evaluable: …`, never `all … hold`',
      '`not_evaluable` (`gate`, `contender` — null for the whole comparison — and `why`)',
      '`--require-evaluable: not checked: …`',
      'a shard or a merge with a shard missing',
      'A contender in one run only is not compared',
      '`--max-cost-increase` does not apply to contenders that drive no model',
      '`$GITHUB_STEP_SUMMARY`',
      'a summary that cannot be written is a warning, never hides the gate',
      '`previous latest` compares the newest run with the one before it of the same suite and config',
      'Runs still running and shard runs are never picked: merge shards first',
      'the fields that changed are named',
      'a "Not finished" line in the Markdown',
      'refused (exit 2) when they share none',
      'The text table fits 120 columns',
      'A run that does not exist is answered with the runs that do',
    ]) expect(detail, fact).toContain(fact);
  });
});
