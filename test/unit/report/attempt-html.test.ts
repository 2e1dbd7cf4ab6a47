// The attempt page written in TypeScript (src/report/attempt-html.ts) gives the bytes the handlebars
// template it replaced gave (kept as test/fixtures/report/attempt-page-v1.hbs with its `capped`
// partial, compiled with the report's options): over views that take every branch (cascade stages,
// error, edited and flaky tests, no tests, empty and elided patches, trajectories with and without
// steps, notes, usage) and hostile text in every field. And every value is escaped.
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { attemptHtml } from '../../../src/report/attempt-html.ts';
import type { AttemptPageView, AttemptView, CappedText, StepView } from '../../../src/report/trajectory.ts';

const fixture = (f: string) => readFileSync(new URL(`../../fixtures/report/${f}`, import.meta.url), 'utf8');
const hbs = Handlebars.create();
hbs.registerPartial('capped', hbs.compile(fixture('capped-v1.hbs'), { strict: true, knownHelpersOnly: true }));
const template = hbs.compile(fixture('attempt-page-v1.hbs'), { strict: true, knownHelpersOnly: true });

/** mulberry32, so a failure names a reproducible view. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = ['plain', '<script>alert(1)</script>', 'a & b', `"quoted" 'single' \`tick\` x=y`, '', '  spaced\n lines \n', 'ünïcødé · —'];

function views(seed: number, n: number): AttemptPageView[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const text = (): string => pick(HOSTILE) + (r() < 0.5 ? pick(HOSTILE) : '');
  const cap = (): CappedText => (r() < 0.5 ? { head: text(), elided: 0, tail: '' } : { head: text(), elided: Math.floor(r() * 5000) + 1, tail: text() });
  const capOrNull = (): CappedText | null => (r() < 0.4 ? null : cap());
  const list = (): string[] => Array.from({ length: pick([0, 0, 1, 2, 3]) }, text);
  const step = (i: number): StepView => ({ n: i + 1, thought: capOrNull(), command: capOrNull(), observation: capOrNull(), usage: r() < 0.3 ? '' : text(), context: String(Math.floor(r() * 1e6)) });
  const attempt = (k: number): AttemptView => ({
    attempt: k,
    anchor: `attempt-${k}`,
    outcome: text(),
    resolved: r() < 0.5,
    facts: Array.from({ length: pick([0, 1, 5]) }, () => ({ label: text(), value: text() })),
    error: capOrNull(),
    tests: r() < 0.3 ? [] : (['FAIL_TO_PASS', 'PASS_TO_PASS'] as const).map((group) => ({ group, passed: list(), failed: list() })),
    testFilesEdited: list(),
    flakyTests: list(),
    patch: r() < 0.2 ? { head: '', elided: 0, tail: '' } : cap(),
    trajectory: r() < 0.4 ? null : { steps: Array.from({ length: pick([0, 1, 3]) }, (_, i) => step(i)), exitStatus: text(), note: r() < 0.5 ? null : text() },
    trajectoryNote: r() < 0.5 ? null : text(),
    stages: Array.from({ length: pick([0, 0, 2]) }, (_, i) => ({ n: i + 1, contender: text(), ended: text(), signal: text(), reason: text(), steps: '3', calls: '4', tokens: text(), usd: '$0.01', wall: text(), trajectory: text() })),
  });
  return Array.from({ length: n }, () => {
    const count = pick([0, 1, 3]);
    return {
      title: text(),
      contender: text(),
      instanceId: text(),
      runId: text(),
      back: '../../index.html#matrix',
      index: Array.from({ length: pick([1, 3]) }, (_, a) => ({ attempt: a, anchor: r() < 0.7 ? `attempt-${a}` : null, outcome: text() })),
      attempts: Array.from({ length: count }, (_, k) => attempt(k)),
    };
  });
}

describe('attemptHtml', () => {
  it('is byte-identical to the handlebars template it replaced, over views taking every branch', () => {
    const all = views(16, 400);
    for (const [i, v] of all.entries()) expect(attemptHtml(v), `view ${i}`).toBe(template(v));
    // the generated views did reach the branches (a test that never took one would prove nothing there)
    const html = all.map(attemptHtml).join('');
    for (const marker of ['<h3>Cascade stages</h3>', '<h3>Error</h3>', 'Edited test files', 'Flaky across re-runs', 'No test verdict was recorded.', 'Empty patch.', 'characters left out', '<div class="step">', '<details open><summary>thought</summary>', '<b class="label">command</b>', '<span class="muted">1 (', '</a> · <']) {
      expect(html).toContain(marker);
    }
  });

  it('escapes every value; markup comes only from the page itself', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const capped = { head: evil, elided: 3, tail: evil };
    const view: AttemptPageView = {
      title: evil,
      contender: evil,
      instanceId: evil,
      runId: evil,
      back: evil,
      index: [{ attempt: 0, anchor: evil, outcome: evil }],
      attempts: [{
        attempt: 0, anchor: evil, outcome: evil, resolved: false, facts: [{ label: evil, value: evil }], error: capped,
        tests: [{ group: evil, passed: [evil], failed: [evil] }], testFilesEdited: [evil], flakyTests: [evil], patch: capped,
        trajectory: { steps: [{ n: 1, thought: capped, command: capped, observation: capped, usage: evil, context: evil }], exitStatus: evil, note: evil }, trajectoryNote: evil,
        stages: [{ n: 1, contender: evil, ended: evil, signal: evil, reason: evil, steps: evil, calls: evil, tokens: evil, usd: evil, wall: evil, trajectory: evil }],
      }],
    };
    const page = attemptHtml(view);
    expect(page).not.toContain('<img');
    // every one of the 40 places a value is shown, escaped
    expect(page.split('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;').length - 1).toBe(40);
    expect(page).toBe(template(view));
  });
});
