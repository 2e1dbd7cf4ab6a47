import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { buildReport, renderReport } from '../../../src/report/build.ts';
import { REPORT_SCRIPT, SORT_SCRIPT } from '../../../src/report/sortable.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';
import { sampleRun } from './sample-run.ts';

/** The markup of `<section id="…">` up to its closing tag. */
function section(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}">`);
  expect(start, `section #${id}`).toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</section>', start));
}

/** The inline SVG of the chart. */
function svgOf(html: string): string {
  const start = html.indexOf('<svg');
  expect(start, 'an inline <svg>').toBeGreaterThanOrEqual(0);
  return html.slice(start, html.indexOf('</svg>', start) + '</svg>'.length);
}

describe('buildReport', () => {
  let dir: string;
  let path: string;
  let html: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fixbench-report-'));
    const { header, attempts } = sampleRun();
    path = await buildReport({ header, attempts, outDir: join(dir, 'nested', 'out') });
    html = await readFile(path, 'utf8');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes outDir/index.html, creating the folder, and returns its path', () => {
    expect(path).toBe(join(dir, 'nested', 'out', 'index.html'));
    expect(html.startsWith('<!doctype html>')).toBe(true);
  });

  it('shows the run header: id, status, note, counts, limits, harness, suite hash and price sheet', () => {
    const header = html.slice(html.indexOf('<header>'), html.indexOf('</header>'));
    for (const text of [
      '20260401T020000Z-ab12',
      'budget_exhausted',
      'run budget of $2 reached; 2 attempts not run',
      '<dt>tasks in the suite</dt><dd>8</dd>',
      '<dt>attempts recorded</dt><dd>54 of 56</dd>',
      '<dt>limit: steps per attempt</dt><dd>50</dd>',
      '<dt>limit: run budget</dt><dd>$2.00</dd>',
      '0.1.0 (916ad33)',
      '3b9f1c0e8a7d',
      'prices/2026-03-31.yaml',
      'as of 2026-03-31',
      'provider price pages',
    ]) {
      expect(header).toContain(text);
    }
  });

  it('has one leaderboard row per contender, ranked by resolved rate then cost', () => {
    const board = section(html, 'leaderboard');
    const ids = [...board.matchAll(/<td><span class="mono">([^<]+)<\/span>/g)].map((m) => m[1]);
    // deepseek and gpt-5-mini both resolve 4/8; deepseek is cheaper; glm-4.6 (unknown cost) comes after.
    // Reference agents sit apart, after the ranked models, in their own table.
    expect(ids).toEqual(['claude-sonnet-4.5', 'deepseek-v3.2', 'gpt-5-mini', 'glm-4.6', 'qwen3-coder', 'gold', 'noop']);
    const refs = board.slice(board.indexOf('id="reference-table"'));
    expect([...refs.matchAll(/<td><span class="mono">([^<]+)<\/span>/g)].map((m) => m[1])).toEqual(['gold', 'noop']);
    // not ranked, so no rank number (newcomer12 #8)
    expect([...refs.matchAll(/<td class="num" data-v="[^"]*">([^<]*)<\/td>\s*<td><span class="mono">/g)].map((m) => m[1])).toEqual(['—', '—']);
    expect(board).toContain('6/8');
    expect(board).toContain('75.0%');
    expect(board).toContain('40.9–92.9%');
  });

  it('shows an unknown price as "unknown", never as $0', () => {
    const board = section(html, 'leaderboard');
    const row = board.slice(board.indexOf('glm-4.6'), board.indexOf('</tr>', board.indexOf('glm-4.6')));
    expect(row).toContain('unknown');
    expect(row).not.toMatch(/\$0(\.0+)?</);
    expect(section(html, 'chart')).toMatch(/glm-4\.6<\/span> \(price unknown\)/);
  });

  it('formats USD with significant digits for small amounts', () => {
    expect(section(html, 'leaderboard')).toContain('$0.0117');
  });

  it('inlines an SVG chart with a logarithmic USD axis', () => {
    const svg = svgOf(section(html, 'chart'));
    expect(svg).toMatch(/aria-label="X-axis titled 'mean USD per task \(log scale\)' for a log scale/);
    // Ticks of the 1-2-5 sequence across the plotted range ($0.0117 … $0.391 per task).
    for (const tick of ['$0.01', '$0.02', '$0.05', '$0.1', '$0.2']) expect(svg).toContain(`>${tick}</text>`);
  });

  it('labels plotted points with contender ids and lists the unplottable ones with the reason', () => {
    const chart = section(html, 'chart');
    for (const id of ['claude-sonnet-4.5', 'deepseek-v3.2', 'gpt-5-mini', 'qwen3-coder']) expect(svgOf(chart)).toContain(`>${id}</text>`);
    expect(chart).toMatch(/gold<\/span> \(no model cost\)/);
    expect(chart).toMatch(/noop<\/span> \(no model cost\)/);
  });

  it('refers to no remote resource and carries only its own script (sorting, routing picker), allowed by its CSP hash', () => {
    expect(html).not.toMatch(/\b(?:src|href|xlink:href|action|poster)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<(?:link|iframe|object|embed|img)\b/i);
    expect([...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0])).toEqual(['<script>']);
    expect(html).toContain(`<script>${REPORT_SCRIPT}</script>`);
    expect(REPORT_SCRIPT.startsWith(SORT_SCRIPT)).toBe(true);
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(REPORT_SCRIPT).digest('base64');
    expect(csp.replaceAll('&#x27;', "'").replaceAll('&#x3D;', '=')).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
  });

  it('shows the per-task matrix: one symbol per outcome, — for tasks not run, cells linked to their attempts page', () => {
    const matrix = section(html, 'matrix');
    expect(matrix).toContain('acme__parser-101');
    // claude-sonnet-4.5 is contender 0 of the header; acme__parser-101 is task 0, zeta__cache-4 task 6.
    expect(matrix).toContain('<td class=ok><a href=attempts/0/0.html>✓</a></td>');
    expect(matrix).toContain('<td class=fail><a href=attempts/0/6.html>≠</a></td>'); // patch_failed
    expect(matrix).toContain('<td class=err><a href=attempts/2/6.html>⚠</a></td>'); // deepseek-v3.2's infra_error
    expect(matrix).toContain('<td class=missing>—</td>'); // qwen3-coder, not run: no link
    expect(matrix).toContain('≠ patch_failed'); // legend
  });

  it('lists skipped contenders with their reason', () => {
    expect(section(html, 'skipped')).toContain('kimi-k2</span>: set OPENROUTER_API_KEY');
  });

  it('says how to read it: list prices from the sheet, tokens as reported', () => {
    const note = section(html, 'how-to-read');
    expect(note).toContain('list price');
    expect(note).toContain('as each provider reported them');
  });

  it('states the rate rule the leaderboard implements: graded trials, infra errors out, tasks not run in', () => {
    const note = section(html, 'how-to-read');
    expect(note).toContain('Rates divide by graded trials');
    expect(note).toContain('less the attempts ended by a harness or provider error');
    expect(note).toContain('A task not run (budget, interrupt) stays in and counts as not resolved');
    expect(section(html, 'outcomes')).toContain('Infra errors leave the denominator of every rate');
    for (const stale of ['all tasks of the suite times attempts', 'resolved share of all suite tasks', 'still count as not resolved']) {
      expect(html).not.toContain(stale);
    }
  });
});

describe('renderReport escaping', () => {
  const hostileModel = '<script>alert(1)</script>';
  const hostileTask = '<img src=x onerror=alert(1)>';

  async function hostileHtml(): Promise<string> {
    const header = makeHeader({
      suite: { hash: 'h', instance_ids: [hostileTask, 't2'] },
      contenders: [modelContender(hostileModel, { region: '<b>EU</b>', vendor: '"><svg onload=alert(1)>', name: '<i>n</i>' }), modelContender('plain')],
      skipped: [{ id: '<u>skip</u>', reason: '<a href="https://evil.example">x</a>' }],
      note: '<marquee>budget</marquee>',
    });
    return renderReport(header, [
      makeAttempt(hostileModel, hostileTask, 'resolved', 0.02),
      makeAttempt(hostileModel, 't2', 'unresolved', 0.02),
      makeAttempt('plain', hostileTask, 'resolved', 0.5),
    ]);
  }

  it('never emits a hostile model id, task id or header string raw', async () => {
    const html = await hostileHtml();
    for (const raw of [hostileModel, hostileTask, '<b>EU</b>', '<svg onload', '<i>n</i>', '<u>skip</u>', '<a href="https://evil.example">', '<marquee>']) {
      expect(html).not.toContain(raw);
    }
    expect([...html.matchAll(/<script/gi)]).toHaveLength(1); // the sort script only
  });

  it('escapes a hostile model id in the table and in the SVG', async () => {
    const html = await hostileHtml();
    expect(section(html, 'leaderboard')).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(svgOf(html)).toContain('>&lt;script&gt;alert(1)&lt;/script&gt;</text>');
    expect(svgOf(html)).toContain('&lt;b&gt;EU&lt;/b&gt;'); // region legend
  });

  it('escapes a hostile instance id in the matrix', async () => {
    const html = await hostileHtml();
    expect(section(html, 'matrix')).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
  });
});

describe('renderReport with nothing to plot', () => {
  it('shows a sentence instead of an empty chart', async () => {
    const header = makeHeader({
      suite: { hash: 'h', instance_ids: ['t1'] },
      contenders: [referenceContender('gold'), modelContender('mystery', { price: null })],
    });
    const html = await renderReport(header, [makeAttempt('gold', 't1', 'resolved', 0, { agent: 'gold' }), makeAttempt('mystery', 't1', 'resolved', null)]);
    const chart = section(html, 'chart');
    expect(chart).not.toContain('<svg');
    expect(chart).toContain('Nothing to plot');
    expect(chart).toMatch(/gold<\/span> \(no model cost\), <span class="mono">mystery<\/span> \(price unknown\)/);
  });

  it('with the reference agents alone (no model ran), says so instead of an empty ranked table', async () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [referenceContender('gold'), referenceContender('noop')] });
    const board = section(await renderReport(header, [makeAttempt('gold', 't1', 'resolved', 0, { agent: 'gold' }), makeAttempt('noop', 't1', 'empty_patch', 0, { agent: 'noop' })]), 'leaderboard');
    expect(board).not.toContain('id="leaderboard-table"');
    expect(board).toContain('id="leaderboard-empty"');
    expect(board).toContain('No model ran in this run');
    const refs = board.slice(board.indexOf('id="reference-table"'));
    expect([...refs.matchAll(/<td><span class="mono">([^<]+)<\/span>/g)].map((m) => m[1])).toEqual(['gold', 'noop']);
  });

  it('renders a run with no contenders and no tasks', async () => {
    const html = await renderReport(makeHeader({ suite: { hash: 'h', instance_ids: [] }, contenders: [] }), []);
    expect(section(html, 'chart')).toContain('Nothing to plot: this run has no contenders.');
  });
});

describe('renderReport: errors and limits', () => {
  it('a run of graded predictions (fixbench eval: no agent, per-attempt limits stored as 0) says so, not "0" (newcomer24 #11)', async () => {
    const base = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [referenceContender('gold')] });
    const header = { ...base, limits: { ...base.limits, steps: 0, wall_ms: 0 } };
    const html = await renderReport(header, [makeAttempt('gold', 't1', 'resolved', 0, { agent: 'gold' })]);
    expect(html).toContain('<dt>limit: steps per attempt</dt><dd>none (graded predictions: no agent ran)</dd>');
    expect(html).toContain('<dt>limit: wall time per attempt</dt><dd>none (graded predictions: no agent ran)</dd>');
  });

  it('lists each errored attempt with its reason, escaped', async () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1', 't2'] }, contenders: [modelContender('m1')] });
    const html = await renderReport(header, [
      makeAttempt('m1', 't1', 'infra_error', 0.01, { error: 'm1: network after 4 tries: Connection error. <img src=x onerror=alert(1)>' }),
      makeAttempt('m1', 't2', 'resolved', 0.01),
    ]);
    const problems = section(html, 'problems');
    expect(problems).toContain('network after 4 tries: Connection error.');
    expect(problems).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(problems).not.toContain('<img');
    expect(problems).toContain('api_error');
    expect(problems).not.toContain('>t2<');
  });

  it('has no such section when nothing went wrong', async () => {
    const header = makeHeader({ suite: { hash: 'h', instance_ids: ['t1'] }, contenders: [modelContender('m1')] });
    const html = await renderReport(header, [makeAttempt('m1', 't1', 'resolved', 0.01)]);
    expect(html).not.toContain('<section id="problems">');
  });
});

describe('attempt pages of a run priced with an illustrative sheet', () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  it('label every list-price USD figure "(made-up prices)" as the summary does; a real sheet\'s pages carry no label', async () => {
    dir = await mkdtemp(join(tmpdir(), 'fixbench-report-made-up-'));
    const { header, attempts } = sampleRun();
    const made = { ...header, price_sheet: { ...header.price_sheet, illustrative: true as const } };
    await buildReport({ header: made, attempts, outDir: join(dir, 'made-up') });
    await buildReport({ header, attempts, outDir: join(dir, 'real') });
    const page = await readFile(join(dir, 'made-up', 'attempts', '0', '0.html'), 'utf8');
    expect(page).toMatch(/<dt>USD at list price<dd>\$[0-9.]+ \(made-up prices\)/);
    expect(page).not.toMatch(/<dt>USD billed<dd>[^<]*made-up/); // what a provider billed is no sheet's price
    expect(await readFile(join(dir, 'made-up', 'index.html'), 'utf8')).toContain('made-up');
    expect(await readFile(join(dir, 'real', 'attempts', '0', '0.html'), 'utf8')).not.toContain('made-up');
  });
});
