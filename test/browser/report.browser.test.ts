// The report in a real browser: Debian's Chromium through playwright-core loads it from file:// and
// checks what a reader sees — no console errors, no network requests, the chart and the leaderboard
// visible, sorting by a column, hostile output shown as text, the page readable without JavaScript —
// and saves a screenshot. Without /usr/bin/chromium the test is skipped loudly, except on CI (CI set),
// where it fails: .ci/run installs chromium.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, reportPage } from '../../src/report/build.ts';
import { pickRoutes, ROUTING_ROWS_SHOWN, type RoutingRow } from '../../src/report/routing-view.ts';
import { buildSite } from '../../src/report/site.ts';
import { loadPublishedScores } from '../../src/report/published.ts';
import { attemptPagePath } from '../../src/report/paths.ts';
import { ROOT } from '../helpers/cli.ts';
import { HOSTILE, HOSTILE_MODEL, HOSTILE_TASK, writeHostileRun } from '../helpers/hostile-run.ts';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) {
  const msg = `\n!!! ${CHROMIUM} is missing: the browser test of the report is ${process.env.CI ? 'FAILING (CI must install chromium: .ci/run does)' : 'SKIPPED'}. Install it with: apt-get install chromium\n`;
  console.warn(msg);
}

/** Where the screenshot goes (kept after the test, for a human to look at). */
export const SCREENSHOT = join(ROOT, 'test-results', 'report.png');

describe.runIf(available || process.env.CI)('report in Chromium (file://)', () => {
  let dir: string;
  let browser: Browser;
  let indexUrl: string;
  let attemptUrl: string;
  let siteUrl: string;
  let routingRows: RoutingRow[];

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing on CI; .ci/run must install chromium`);
    dir = await mkdtemp(join(tmpdir(), 'fixbench-browser-'));
    const runDir = join(dir, 'results', '20260401T020000Z-ab12'); // a run folder is named by its run_id (the site lists others as unreadable)
    const { header, attempts } = await writeHostileRun(runDir);
    routingRows = reportPage(header, attempts).analysis.routing.rows;
    const out = join(dir, 'report');
    indexUrl = pathToFileURL(await buildReport({ header, attempts, outDir: out, runDir, published: await loadPublishedScores() })).href;
    const ci = header.contenders.findIndex((c) => c.id === HOSTILE_MODEL);
    attemptUrl = pathToFileURL(join(out, attemptPagePath(ci, header.suite.instance_ids.indexOf(HOSTILE_TASK)))).href;
    siteUrl = pathToFileURL((await buildSite({ resultsDir: join(dir, 'results'), outDir: join(dir, 'site'), attemptPages: false })).index).href;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Opens `url` in a fresh page, recording console errors, page errors, dialogs and every request. */
  async function open(url: string, javaScriptEnabled = true, viewport = { width: 1400, height: 1000 }): Promise<{ page: Page; problems: string[]; requests: string[] }> {
    const context = await browser.newContext({ javaScriptEnabled, viewport });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems, requests };
  }

  it('loads with no console error and no request beyond the file itself; chart and leaderboard visible; screenshot saved', async () => {
    const { page, problems, requests } = await open(indexUrl);
    expect(problems).toEqual([]);
    expect(requests).toEqual([indexUrl]);
    await expect(page.locator('#price-chart svg').isVisible()).resolves.toBe(true);
    const box = await page.locator('#price-chart svg').boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    await expect(page.locator('#leaderboard-table').isVisible()).resolves.toBe(true);
    expect(await page.locator('#leaderboard-table tbody tr').count()).toBe(6); // models; gold and noop apart
    expect(await page.locator('#reference-table tbody tr').count()).toBe(2);
    await mkdir(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    expect((await stat(SCREENSHOT)).size).toBeGreaterThan(10_000);
    await page.context().close();
  });

  for (const viewport of [{ width: 390, height: 844 }, { width: 1440, height: 900 }]) {
    it(`at ${viewport.width} px: no sideways page scroll, the answer on the first screen, chart labels apart, a title on every mark`, async () => {
      const { page, problems, requests } = await open(indexUrl, true, viewport);
      expect(problems).toEqual([]);
      expect(requests).toEqual([indexUrl]);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth).toBeLessThanOrEqual(viewport.width);
      // The answer block starts, and its first pick ends, within the first screen.
      const answer = await page.locator('#answer').boundingBox();
      const firstCard = await page.locator('#answer .answer-card').first().boundingBox();
      expect(answer!.y).toBeLessThan(viewport.height);
      expect(firstCard!.y + firstCard!.height).toBeLessThanOrEqual(viewport.height);
      // The chart drawn at this width: labels' boxes never intersect; every mark has a <title>.
      const chart = page.locator(viewport.width < 640 ? '#price-chart-narrow svg' : '#price-chart svg');
      await expect(chart.isVisible()).resolves.toBe(true);
      const boxes = await chart.evaluate((svg) =>
        [...svg.querySelectorAll('g.role-mark[aria-hidden="true"] text')].map((t) => {
          const r = t.getBoundingClientRect();
          return { text: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom };
        }),
      );
      expect(boxes.length).toBeGreaterThan(2);
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          const [a, b] = [boxes[i]!, boxes[j]!];
          const overlap = a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
          expect(overlap, `${a.text} overlaps ${b.text}`).toBe(false);
        }
      }
      const marks = await chart.evaluate((svg) => [...svg.querySelectorAll('g.role-mark:not([aria-hidden="true"]) > :is(path, line)')].map((m) => m.querySelector('title')?.textContent ?? ''));
      expect(marks.length).toBeGreaterThan(5);
      expect(marks.filter((t) => t === '')).toEqual([]);
      // Chart text stays legible: at least 9 px as drawn.
      const smallest = await chart.evaluate((svg) => Math.min(...[...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height)));
      expect(smallest).toBeGreaterThanOrEqual(9);
      // Leaderboard headings stay in view while its box scrolls (sticky).
      expect(await page.locator('#leaderboard-table th').first().evaluate((th) => getComputedStyle(th).position)).toBe('sticky');
      // Sorting works at this width: resolved % ascending on the second click.
      const rate = page.locator('#leaderboard-table th', { hasText: 'resolved %' });
      await rate.click();
      await rate.click();
      expect(await rate.getAttribute('aria-sort')).toBe('ascending');
      const rates = await page.locator('#leaderboard-table tbody tr td:nth-child(7)').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-v'))));
      expect(rates).toEqual([...rates].sort((a, b) => a - b));
      await page.screenshot({ path: join(ROOT, 'test-results', `report-${viewport.width}.png`), fullPage: false });
      expect(problems).toEqual([]);
      await page.context().close();
      // The site index fits the width too.
      const site = await open(siteUrl, true, viewport);
      expect(await site.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      expect(site.problems).toEqual([]);
      await site.page.context().close();
    });
  }

  it('sorts the leaderboard by a column when its heading is clicked, unknown values last', async () => {
    const { page, problems } = await open(indexUrl);
    const heading = page.locator('#leaderboard-table th', { hasText: 'USD / task' });
    const usd = (): Promise<string[]> => page.locator('#leaderboard-table tbody tr td:nth-child(8)').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-v') ?? ''));
    const ids = (): Promise<string[]> => page.locator('#leaderboard-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id') ?? ''));
    await heading.click();
    expect(await heading.getAttribute('aria-sort')).toBe('descending');
    let v = await usd();
    let known = v.filter((x) => x !== '').map(Number);
    expect(known).toEqual([...known].sort((a, b) => b - a));
    expect(v.slice(known.length)).toEqual(['']); // glm-4.6's unknown price sorts last
    await heading.click();
    expect(await heading.getAttribute('aria-sort')).toBe('ascending');
    v = await usd();
    known = v.filter((x) => x !== '').map(Number);
    expect(known).toEqual([...known].sort((a, b) => a - b));
    expect((await ids()).at(-1)).toBe('glm-4.6');
    // By name, alphabetically.
    await page.locator('#leaderboard-table th', { hasText: 'contender' }).click();
    const names = await ids();
    expect(names).toEqual([...names].sort());
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('filters the per-task matrix to the tasks where models disagree, and shows every cascade on request (CSS only)', async () => {
    const { page, problems } = await open(indexUrl, false);
    const visibleRows = (): Promise<number> => page.locator('.matrix tbody tr').evaluateAll((trs) => trs.filter((tr) => (tr as HTMLElement).offsetParent !== null).length);
    const all = await visibleRows();
    const disagreeing = await page.locator('.matrix tbody tr.d').count();
    expect(disagreeing).toBeGreaterThan(0);
    expect(disagreeing).toBeLessThan(all);
    await page.locator('label[for="disagree-only"]').click();
    expect(await visibleRows()).toBe(disagreeing);
    const rest = page.locator('#price-chart .cascades_rest_marks');
    if ((await rest.count()) > 0) {
      await expect(rest.isVisible()).resolves.toBe(false);
      await page.locator('label[for="all-cascades"]').click();
      await expect(rest.isVisible()).resolves.toBe(true);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('picks a cascade for a typed target or budget by the server\'s rule, in any table order; the routing table shows its first rows, the rest on request', async () => {
    const { page, problems, requests } = await open(indexUrl);
    const cascades = routingRows.filter((r) => r.kind === 'cascade' && r.sort.usd !== '');
    expect(cascades.length).toBeGreaterThan(2);
    const out = (id: string): Promise<string> => page.locator(`#${id}`).innerText();
    // Targets: every cascade's own rate as shown (reached exactly), one above all, one below all; budgets likewise.
    const targets = ['0', '100', '37.5', ...cascades.slice(0, 4).map((r) => r.resolvedPct.replace('%', ''))];
    const budgets = ['0.0000001', '1000', ...cascades.slice(0, 4).map((r) => r.sort.usd)];
    const check = async (): Promise<void> => {
      for (let i = 0; i < Math.max(targets.length, budgets.length); i++) {
        const t = targets[i % targets.length]!;
        const b = budgets[i % budgets.length]!;
        await page.fill('#pick-target', t);
        await page.fill('#pick-budget', b);
        const want = pickRoutes(routingRows, t, b);
        expect(await out('pick-target-out')).toBe(want.target);
        expect(await out('pick-budget-out')).toBe(want.budget);
      }
    };
    await check();
    expect(await out('pick-target-out')).toMatch(/cheapest cascade reaching it is .+ → .+, [\d.]+% at \$/);
    // Sorted by USD: the picks do not depend on the table's order; the first rows shown are the cheapest.
    await page.locator('#routing-table th', { hasText: 'USD / task' }).click();
    await page.locator('#routing-table th', { hasText: 'USD / task' }).click();
    await check();
    const shown = (): Promise<string[]> => page.locator('#routing-table tbody tr').evaluateAll((trs) => trs.filter((tr) => (tr as HTMLElement).offsetParent !== null).map((tr) => tr.querySelector('td:nth-child(5)')?.getAttribute('data-v') ?? ''));
    const total = await page.locator('#routing-table tbody tr').count();
    expect(total).toBe(routingRows.length);
    expect(total).toBeGreaterThan(ROUTING_ROWS_SHOWN);
    const first = await shown();
    expect(first).toHaveLength(ROUTING_ROWS_SHOWN);
    const known = first.filter((v) => v !== '').map(Number);
    expect(known).toEqual([...known].sort((a, b) => a - b));
    await page.locator('label[for="all-routes"]').click();
    expect(await shown()).toHaveLength(total);
    expect(problems).toEqual([]);
    expect(requests).toEqual([indexUrl]);
    await page.context().close();
  });

  it('reads without JavaScript: the table is there in its ranked order', async () => {
    const { page, problems } = await open(indexUrl, false);
    expect(problems).toEqual([]);
    await expect(page.locator('#leaderboard-table').isVisible()).resolves.toBe(true);
    expect(await page.locator('#leaderboard-table tbody tr').first().getAttribute('data-id')).not.toBe('gold');
    await expect(page.locator('#answer').isVisible()).resolves.toBe(true);
    await page.context().close();
  });

  it('follows a matrix link to the attempts page, where hostile output is text and nothing runs', async () => {
    const { page, problems, requests } = await open(attemptUrl);
    expect(problems).toEqual([]);
    // the one other file read is the pages' shared stylesheet beside them, and its CSP lets it apply
    expect(requests).toEqual([attemptUrl, new URL('../attempt.css', attemptUrl).href]);
    expect(await page.locator('pre').first().evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(246, 248, 250)');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    const text = await page.locator('body').innerText();
    expect(text).toContain(HOSTILE.script);
    expect(text).toContain(HOSTILE.closeSvg);
    expect(text).toContain(HOSTILE.quotes);
    // The output of a step is folded (<details>): not in innerText until opened.
    const all = (await page.locator('body').textContent()) ?? '';
    expect(all).toContain('BIGLINE-START');
    expect(all).toContain('characters left out');
    await page.locator('summary', { hasText: 'output' }).nth(1).click();
    expect(await page.locator('body').innerText()).toContain('BIGLINE-END');
    await page.context().close();
  });

  it('links each matrix cell to its attempts page', async () => {
    const { page } = await open(indexUrl);
    const href = await page.locator('#matrix a').first().getAttribute('href');
    expect(href).toMatch(/^attempts\/\d+\/\d+\.html$/);
    await page.locator('#matrix a').first().click();
    await page.waitForLoadState('load');
    expect(page.url()).toContain('/attempts/');
    await expect(page.locator('h1').isVisible()).resolves.toBe(true);
    await page.context().close();
  });

  it('opens the site index and follows it to a run report, with no console error', async () => {
    const { page, problems, requests } = await open(siteUrl);
    expect(requests).toEqual([siteUrl]);
    await expect(page.locator('section.suite svg').first().isVisible()).resolves.toBe(true);
    await page.locator('section.suite a', { hasText: '20260401T020000Z-ab12' }).click();
    await page.waitForLoadState('load');
    await expect(page.locator('#leaderboard-table').isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
