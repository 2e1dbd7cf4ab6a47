// Hostile model output — markup, a closing </svg>, quotes, a 1 MB line — shows as text on the report
// and on the attempts page, and the 1 MB line is capped.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/report/build.ts';
import { attemptPagePath } from '../../../src/report/paths.ts';
import { TEXT_CAP } from '../../../src/report/trajectory.ts';
import { HOSTILE, HOSTILE_MODEL, HOSTILE_TASK, writeHostileRun } from '../../helpers/hostile-run.ts';

const escape = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#x27;').replaceAll('`', '&#x60;').replaceAll('=', '&#x3D;');

describe('hostile model output in the report', () => {
  let dir: string;
  let index: string;
  let page: string;
  let invalidPage: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fixbench-hostile-report-'));
    const runDir = join(dir, 'results', 'run');
    const { header, attempts } = await writeHostileRun(runDir);
    const out = join(dir, 'report');
    index = await readFile(await buildReport({ header, attempts, outDir: out, runDir }), 'utf8');
    const ci = header.contenders.findIndex((c) => c.id === HOSTILE_MODEL);
    const ti = header.suite.instance_ids.indexOf(HOSTILE_TASK);
    page = await readFile(join(out, attemptPagePath(ci, ti)), 'utf8');
    invalidPage = await readFile(join(out, attemptPagePath(0, 0)), 'utf8');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('emits none of the hostile strings raw, on the report or the attempts page', () => {
    for (const html of [index, page]) {
      for (const raw of [HOSTILE.script, HOSTILE.closeSvg, HOSTILE.quotes, HOSTILE_TASK]) expect(html).not.toContain(raw);
      expect(html).not.toMatch(/<img\b/i);
      expect(html).not.toMatch(/\son(?:error|mouseover|load)=/i);
    }
    expect(page).not.toMatch(/<script/i); // attempts pages carry no script at all
    expect(index.match(/<\/svg>/g)?.length).toBe(index.match(/<svg\b/g)?.length); // every </svg> closes a chart
  });

  it('shows them as escaped text: patch, error, thought, command and output', () => {
    expect(page).toContain(escape(HOSTILE.script));
    expect(page).toContain(escape(HOSTILE.closeSvg));
    expect(page).toContain(escape(HOSTILE.quotes));
    expect(page).toContain(escape(`echo '${HOSTILE.closeSvg}'`));
    expect(index).toContain(escape(HOSTILE_TASK));
  });

  it('caps the 1 MB line: head and tail shown, the middle counted', () => {
    expect(page).toContain('BIGLINE-START');
    expect(page).toContain('BIGLINE-END');
    const elided = HOSTILE.bigLine.length - TEXT_CAP;
    expect(page).toContain(`… ${elided} characters left out …`);
    expect(page.length).toBeLessThan(200_000);
  });

  it('shows per-step usage and context from the trajectory', () => {
    expect(page).toContain('context 5,000 tokens');
    expect(page).toContain('2.00k in (0 cached) · 100 out · $0.01');
    expect(index).toContain('id="context-chart"');
  });

  it('shows an unreadable trajectory as a note on its page', () => {
    expect(invalidPage).toContain('The trajectory file could not be read');
    expect(invalidPage).toContain('not JSON');
  });
});
