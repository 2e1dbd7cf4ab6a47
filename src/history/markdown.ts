// A comparison as Markdown, fit for a CI step summary ($GITHUB_STEP_SUMMARY). Pure.
import type { Comparison, Gates } from './compare.ts';
import { pct, unevaluableGates, unfinishedRuns } from './compare.ts';
import { formatUsd } from '../report/format.ts';
import { madeUpTag } from '../pricing/illustrative.ts';

/** Escapes text for a Markdown table cell (pipes, backslashes, newlines, HTML). */
export function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, ' ');
}

// every significant digit a small mean needs ($0.00056, not $0.0006): src/report/format.ts
const usd = (x: number | null) => (x === null ? 'unknown' : formatUsd(x));
const signed = (x: number | null, unit: string) => (x === null ? 'n/a' : `${x > 0 ? '+' : ''}${x.toFixed(1)}${unit}`);

/**
 * Markdown: verdict, one table row per contender, the flipped tasks, and gate failures. `gates`: the
 * configured gates, so that one a contender cannot be checked against is named (`unevaluableGates`)
 * rather than said to hold. Ends with one newline (the whole `--markdown` file).
 */
export function comparisonMarkdown(c: Comparison, gates: Gates = {}): string {
  const lines: string[] = [];
  lines.push(`## fixbench: ${mdCell(c.head.run_id)} vs ${mdCell(c.base.run_id)}`, '');
  const open = unevaluableGates(c, gates);
  lines.push(c.failures.length ? `**Gate failed** (${c.failures.length})${open.length ? `; not evaluable: ${open.map(mdCell).join('; ')}.` : ''}` : open.length ? `**No configured gate failed; not evaluable:** ${open.map(mdCell).join('; ')}.` : '**All configured gates hold.**', '');
  for (const u of unfinishedRuns(c)) lines.push(`> **Not finished:** ${mdCell(u)}.`, '');
  if (!c.sameSuite) lines.push(`> The task suites differ (${mdCell(c.base.suite)} vs ${mdCell(c.head.suite)}); compared on the ${c.commonTasks} task(s) in both.`, '');
  lines.push(`| contender | pairs | base resolved | head resolved | Δ pp | McNemar p | regressed | fixed | base USD/attempt${madeUpTag(c.base)} | head USD/attempt${madeUpTag(c.head)} | cost Δ |`);
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of c.contenders) {
    lines.push(
      `| ${mdCell(x.id)} | ${x.pairs}${x.excludedInfra ? ` (+${x.excludedInfra} infra)` : ''} | ${x.baseResolved} (${pct(x.baseRate)}) | ${x.headResolved} (${pct(x.headRate)}) | ${signed(x.deltaPp, '')} | ${x.pValue === null ? 'n/a' : x.pValue.toPrecision(3)} | ${x.regressions.length} | ${x.fixes.length} | ${usd(x.baseUsd)} | ${usd(x.headUsd)} | ${signed(x.costChangePct, '%')} |`,
    );
  }
  const flips = c.contenders.filter((x) => x.regressions.length || x.fixes.length);
  if (flips.length) {
    lines.push('', '### Tasks that flipped', '');
    for (const x of flips) {
      if (x.regressions.length) lines.push(`- **${mdCell(x.id)}** regressed: ${x.regressions.map((t) => `\`${mdCell(t)}\``).join(', ')}`);
      if (x.fixes.length) lines.push(`- **${mdCell(x.id)}** fixed: ${x.fixes.map((t) => `\`${mdCell(t)}\``).join(', ')}`);
    }
  }
  const changed = c.contenders.filter((x) => x.configChanges?.length);
  if (changed.length) {
    lines.push('', '### Configuration changes', '');
    for (const x of changed) lines.push(`- **${mdCell(x.id)}**: ${x.configChanges!.map((d) => `\`${mdCell(d)}\``).join(', ')}`);
  }
  if (c.onlyInBase.length || c.onlyInHead.length) {
    lines.push('', `Only in base: ${c.onlyInBase.map(mdCell).join(', ') || 'none'}. Only in head: ${c.onlyInHead.map(mdCell).join(', ') || 'none'}.`);
  }
  if (c.failures.length) {
    lines.push('', '### Gate failures', '');
    for (const f of c.failures) lines.push(`- ${mdCell(f)}`);
  }
  lines.push('', '_Pairs are (task, attempt) recorded in both runs; infra errors are left out. p: McNemar exact test, two-sided._', '');
  return lines.join('\n');
}
