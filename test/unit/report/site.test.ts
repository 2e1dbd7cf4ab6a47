// The site index over a results folder: a report per run, runs grouped by task suite, trend charts.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../../src/core/errors.ts';
import { buildSite, latestNote, runPoint, siteView, type RunPoint } from '../../../src/report/site.ts';
import type { StoredRun } from '../../../src/store/store.ts';
import { RunWriter } from '../../../src/store/store.ts';
import { makeAttempt, makeHeader, modelContender, referenceContender } from '../analysis/fixtures.ts';

async function writeRun(results: string, id: string, startedAt: string, suite: string, rate: number): Promise<void> {
  const tasks = ['t1', 't2', 't3', 't4'];
  const header = makeHeader({ run_id: id, started_at: startedAt, suite: { hash: suite, instance_ids: tasks }, contenders: [modelContender('m1'), modelContender('m2')] });
  const w = await RunWriter.create(join(results, id), header);
  for (const [i, t] of tasks.entries()) {
    await w.appendAttempt(makeAttempt('m1', t, i < rate ? 'resolved' : 'unresolved', 0.02, { run_id: id }));
    await w.appendAttempt(makeAttempt('m2', t, i < 1 ? 'resolved' : 'unresolved', 0.2, { run_id: id }));
  }
}

describe('buildSite', () => {
  let dir: string;
  let index: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fixbench-site-'));
    const results = join(dir, 'results');
    await writeRun(results, 'night-1', '2026-04-01T02:00:00.000Z', 'suite-aaaaaaaaaaaa', 1);
    await writeRun(results, 'night-2', '2026-04-02T02:00:00.000Z', 'suite-aaaaaaaaaaaa', 3);
    await writeRun(results, 'other-suite', '2026-04-03T02:00:00.000Z', 'suite-bbbbbbbbbbbb', 2);
    await mkdir(join(results, 'broken'), { recursive: true });
    await writeFile(join(results, 'broken', 'run.json'), '{"format_version": 99}');
    await mkdir(join(results, 'not-a-run'), { recursive: true });
    await mkdir(join(results, 'copy-of-night-1'), { recursive: true });
    await writeFile(join(results, 'copy-of-night-1', 'run.json'), await readFile(join(results, 'night-1', 'run.json'), 'utf8'));
    const site = await buildSite({ resultsDir: results, outDir: join(dir, 'site') });
    expect(site.runs).toBe(3);
    index = await readFile(site.index, 'utf8');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds every run report and links it from the index', () => {
    for (const id of ['night-1', 'night-2', 'other-suite']) {
      expect(existsSync(join(dir, 'site', id, 'index.html'))).toBe(true);
      expect(index).toContain(`<a href="${id}/index.html">${id}</a>`);
    }
  });

  it('groups runs by suite, newest group first, with trend charts of rate and USD per model', () => {
    const a = index.indexOf('id="suite-suite-aaaaaa"');
    const b = index.indexOf('id="suite-suite-bbbbbb"');
    expect(b).toBeGreaterThan(0);
    expect(a).toBeGreaterThan(b);
    const group = index.slice(a);
    expect(group.match(/<svg/g)?.length).toBe(2);
    expect(group).toContain("Y-axis titled 'resolved (%)'");
    expect(group).toContain("Y-axis titled 'mean USD per task'");
    // Newest run first; the latest figure of m1 is night-2's 75%.
    expect(group.indexOf('night-2')).toBeLessThan(group.indexOf('night-1'));
    // …with its change since night-1 (25% → 75%, same USD per task), and the trend ticked by date.
    expect(group).toContain('<td class="mono">m1</td><td class="num">75.0%</td><td class="num">$0.02</td><td class="num">2</td><td class="num">+50.0 pp, ±0% USD</td>');
    expect(group).toContain('>2026-04-01</text>');
    expect(group).toContain('>2026-04-02</text>');
    expect(group).not.toMatch(/>\d\d? ?(AM|PM)<\/text>|>\d\d:\d\d<\/text>/);
  });

  it('names a suite by its task ids, the hash a tooltip beside them (newcomer17 #4)', () => {
    expect(index).toContain('<h2>Suite t1, t2, t3 and 1 more · 4 tasks <span class="mono muted" title="suite hash suite-aaaaaaaaaaaa">suite-aaaaaa</span></h2>');
  });

  it('lists a run folder it cannot read, with the reason, and ignores folders without run.json', () => {
    expect(index).toContain('<span class="mono">broken</span>: ');
    expect(index).toContain('format_version 99');
    expect(index).not.toContain('not-a-run');
    // a copied folder would overwrite night-1's report: listed with the reason instead
    expect(index).toContain('<span class="mono">copy-of-night-1</span>: ');
    expect(index).toContain('run_id is &quot;night-1&quot; but the folder is named &quot;copy-of-night-1&quot;');
  });

  it('refuses a results folder with no runs', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    await expect(buildSite({ resultsDir: empty, outDir: join(dir, 'x') })).rejects.toThrow(UserInputError);
    await expect(buildSite({ resultsDir: join(dir, 'missing'), outDir: join(dir, 'x') })).rejects.toThrow(/no such results folder/);
  });
});

describe('siteView', () => {
  it('draws one point per run and model, in time order, skipping unknown values', () => {
    const run = (id: string, startedAt: string, usd: number | null): RunPoint => ({
      id, startedAt, status: 'finished', suiteHash: 'h', tasks: 2, contenders: 1, spend: usd, models: [{ id: 'm', rate: 0.5, usdPerTask: usd }],
    });
    const { vm, series } = siteView([run('b', '2026-04-02T00:00:00Z', null), run('a', '2026-04-01T00:00:00Z', 0.1)]);
    expect(vm.groups[0]!.runs.map((r) => r.id)).toEqual(['b', 'a']);
    expect(series.get('rate-0')!.points.map((p) => p.x)).toEqual([Date.parse('2026-04-01T00:00:00Z'), Date.parse('2026-04-02T00:00:00Z')]);
    expect(series.get('usd-0')!.points).toEqual([{ series: 'm', x: Date.parse('2026-04-01T00:00:00Z'), y: 0.1 }]);
    expect(vm.groups[0]!.runs[0]!.spend).toBe('unknown');
  });

  it('lists a shard run but leaves it out of the trend and the latest figures (its rate covers only its share of the suite)', () => {
    const run = (id: string, startedAt: string, rate: number, shard: string | null): RunPoint => ({
      id, startedAt, status: shard ? `finished (shard ${shard})` : 'finished', suiteHash: 'h', tasks: 4, contenders: 1, spend: 0.1, models: [{ id: 'm', rate, usdPerTask: 0.1 }], shard,
    });
    const { vm, series } = siteView([run('full', '2026-04-01T00:00:00Z', 0.75, null), run('s1', '2026-04-02T00:00:00Z', 0.25, '1/2'), run('s2', '2026-04-02T00:00:01Z', 0.5, '2/2')]);
    expect(vm.groups[0]!.runs.map((r) => r.id)).toEqual(['s2', 's1', 'full']);
    expect(vm.groups[0]!.runs[0]!.status).toBe('finished (shard 2/2): not in the trend');
    expect(series.get('rate-0')!.points).toEqual([{ series: 'm', x: Date.parse('2026-04-01T00:00:00Z'), y: 75 }]);
    expect(vm.groups[0]!.latest).toEqual([{ id: 'm', rate: '75.0%', usd: '$0.10', runs: '1', change: 'first run' }]);
  });
  it('lists a run that did not finish (killed, still "running"; interrupted) but leaves it out of the trend, the latest figures and their change (newcomer16 #1)', () => {
    const run = (id: string, startedAt: string, rate: number, unfinished: RunPoint['unfinished']): RunPoint => ({
      id, startedAt, status: unfinished ?? 'finished', suiteHash: 'h', tasks: 1, contenders: 1, spend: 0, models: [{ id: 'm', rate, usdPerTask: 0 }], unfinished,
    });
    const { vm, series } = siteView([run('k9', '2026-04-01T00:00:00Z', 1, null), run('int', '2026-04-02T00:00:00Z', 0.5, 'interrupted'), run('k9b', '2026-04-03T00:00:00Z', 0.25, 'running')]);
    expect(vm.groups[0]!.runs.map((r) => [r.id, r.status])).toEqual([['k9b', 'running: not in the trend'], ['int', 'interrupted: not in the trend'], ['k9', 'finished']]);
    expect(series.get('rate-0')!.points).toEqual([{ series: 'm', x: Date.parse('2026-04-01T00:00:00Z'), y: 100 }]);
    expect(vm.groups[0]!.latest).toEqual([{ id: 'm', rate: '100.0%', usd: '$0', runs: '1', change: 'first run' }]);
    expect(siteView([run('k9b', '2026-04-03T00:00:00Z', 0.25, 'running')]).vm.groups[0]!.latestEmpty).toMatch(/^No model figures yet: the runs of this suite with models did not finish .*run --resume/);
  });

  it('names the suite\'s size with its noun: "1 task", "4 tasks" (newcomer16 #9)', () => {
    const point = (suiteHash: string, tasks: number): RunPoint => ({ id: suiteHash, startedAt: '2026-04-01T00:00:00Z', status: 'finished', suiteHash, tasks, contenders: 1, spend: 0, models: [] });
    expect(siteView([point('a', 1), point('b', 4)]).vm.groups.map((g) => g.tasks).sort()).toEqual(['1 task', '4 tasks']);
  });

  it('a suite stored without task ids is named by its hash, as before', () => {
    const bare: RunPoint = { id: 'r', startedAt: '2026-04-01T00:00:00Z', status: 'finished', suiteHash: 'abcdef0123456789', tasks: 2, contenders: 1, spend: 0, models: [] };
    expect(siteView([bare]).vm.groups[0]!.suiteName).toBeNull();
    expect(siteView([{ ...bare, taskIds: ['b-2', 'a-1'] }]).vm.groups[0]!.suiteName).toBe('a-1, b-2');
  });

  it('runPoint marks a stored run that is running, interrupted or failed as unfinished; finished and budget_exhausted are points', () => {
    const point = (status: string) => runPoint({ header: makeHeader({ run_id: 'r', status: status as 'finished' }), attempts: [] } as unknown as StoredRun).unfinished;
    expect(['running', 'interrupted', 'failed', 'finished', 'budget_exhausted'].map(point)).toEqual(['running', 'interrupted', 'failed', null, null]);
  });

  it('labels the spend of a run priced with an illustrative sheet as made up', () => {
    const header = makeHeader({ run_id: 'r', contenders: [modelContender('m')] });
    const stored = (illustrative: boolean) => ({ header: { ...header, price_sheet: { ...header.price_sheet, ...(illustrative ? { illustrative: true } : {}) } }, attempts: [makeAttempt('m', 't1', 'resolved', 0.0009)] }) as unknown as StoredRun;
    expect(siteView([runPoint(stored(true))]).vm.groups[0]!.runs[0]!.spend).toBe('$0.0009 (made-up prices)');
    expect(siteView([runPoint(stored(false))]).vm.groups[0]!.runs[0]!.spend).toBe('$0.0009');
  });
});

describe('"Latest per model" of a suite with no model figure (newcomer12 #7)', () => {
  it('a site of reference-agent runs only says so in the table\'s place, not an empty table', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fixbench-site-ref-'));
    try {
      const header = makeHeader({ run_id: 'ref-only', suite: { hash: 'suite-rrrrrrrrrrrr', instance_ids: ['t1'] }, contenders: [referenceContender('gold'), referenceContender('noop')] });
      const w = await RunWriter.create(join(dir, 'results', 'ref-only'), header);
      await w.appendAttempt(makeAttempt('gold', 't1', 'resolved', null, { run_id: 'ref-only' }));
      await w.appendAttempt(makeAttempt('noop', 't1', 'unresolved', null, { run_id: 'ref-only' }));
      const index = await readFile((await buildSite({ resultsDir: join(dir, 'results'), outDir: join(dir, 'site') })).index, 'utf8');
      const latest = index.slice(index.indexOf('<h3>Latest per model</h3>'), index.indexOf('<h3>Runs</h3>'));
      expect(latest).toContain('No model runs yet: the runs of this suite ran only the reference agents (gold, noop)');
      expect(latest).not.toContain('<table');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names shards as the reason when the suite\'s model runs are all shards, and says nothing when there are figures', () => {
    const shard: RunPoint = { id: 's1', startedAt: '2026-04-02T00:00:00Z', status: 'finished', suiteHash: 'h', tasks: 4, contenders: 1, spend: 0.1, models: [{ id: 'm', rate: 0.5, usdPerTask: 0.1 }], shard: '1/2' };
    expect(siteView([shard]).vm.groups[0]!.latestEmpty).toMatch(/^No model figures yet: the runs of this suite with models are shards .*fixbench merge/);
    expect(latestNote(true, true)).toBe('');
  });
});

describe('report --site removes the reports it wrote of runs gone from the results folder (newcomer12 #11)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fixbench-site-gone-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A results folder with runs `ids`, a site built over it, then `gone` removed from the results folder. */
  async function siteThenRemove(name: string, ids: string[], gone: string[]): Promise<{ results: string; site: string }> {
    const results = join(dir, name, 'results');
    const site = join(dir, name, 'site');
    for (const [i, id] of ids.entries()) await writeRun(results, id, `2026-04-0${i + 1}T02:00:00.000Z`, 'suite-aaaaaaaaaaaa', 2);
    await buildSite({ resultsDir: results, outDir: site });
    for (const id of gone) await rm(join(results, id), { recursive: true });
    return { results, site };
  }

  it('removes the gone run\'s report folder and says so; the others and files it never wrote stay', async () => {
    const { results, site } = await siteThenRemove('plain', ['keep', 'gone'], ['gone']);
    expect(existsSync(join(site, 'gone', 'attempts', '0', '0.html'))).toBe(true);
    // a report fixbench run wrote there, which no site build recorded: never touched
    await mkdir(join(site, 'by-run'), { recursive: true });
    await writeFile(join(site, 'by-run', 'index.html'), '<html>a run\'s own report</html>');
    await writeFile(join(site, 'notes.txt'), 'mine');
    const again = await buildSite({ resultsDir: results, outDir: site });
    expect(again.gone).toEqual({ removed: ['gone'], kept: [] });
    expect(existsSync(join(site, 'gone'))).toBe(false);
    expect(existsSync(join(site, 'keep', 'index.html'))).toBe(true);
    expect(existsSync(join(site, 'by-run', 'index.html'))).toBe(true);
    expect(existsSync(join(site, 'notes.txt'))).toBe(true);
    expect(await readFile(again.index, 'utf8')).not.toContain('gone/index.html');
    // the next build has nothing more to remove
    expect((await buildSite({ resultsDir: results, outDir: site })).gone).toEqual({ removed: [], kept: [] });
  });

  it('a run folder moved away and linked back is still a run: its report stays (atkI13 #6)', async () => {
    const { results, site } = await siteThenRemove('linked', ['keep', 'moved'], []);
    const { rename, symlink } = await import('node:fs/promises');
    await rename(join(results, 'moved'), join(dir, 'linked', 'archive-moved'));
    await symlink(join(dir, 'linked', 'archive-moved'), join(results, 'moved'));
    const again = await buildSite({ resultsDir: results, outDir: site });
    expect(again.gone).toEqual({ removed: [], kept: [] });
    expect(existsSync(join(site, 'moved', 'index.html'))).toBe(true);
  });

  it('a build over another results folder sharing the site folder removes none of the first folder\'s reports', async () => {
    const { results, site } = await siteThenRemove('two-results', ['first'], []);
    const other = join(dir, 'two-results', 'other-results');
    await writeRun(other, 'second', '2026-04-05T02:00:00.000Z', 'suite-aaaaaaaaaaaa', 1);
    expect((await buildSite({ resultsDir: other, outDir: site })).gone).toEqual({ removed: [], kept: [] });
    expect(existsSync(join(site, 'first', 'index.html'))).toBe(true);
    // …and the first folder's own build still knows it wrote `first`
    await rm(join(results, 'first'), { recursive: true });
    await writeRun(results, 'later', '2026-04-06T02:00:00.000Z', 'suite-aaaaaaaaaaaa', 1);
    expect((await buildSite({ resultsDir: results, outDir: site })).gone.removed).toEqual(['first']);
    expect(existsSync(join(site, 'second', 'index.html'))).toBe(true);
  });

  it('keeps a file it did not write in the gone run\'s folder, and the folder holding it', async () => {
    const { results, site } = await siteThenRemove('extra', ['keep', 'gone'], ['gone']);
    await writeFile(join(site, 'gone', 'attempts', '0', 'mine.txt'), 'mine');
    const again = await buildSite({ resultsDir: results, outDir: site });
    expect(again.gone.removed).toEqual([]);
    expect(again.gone.kept[0]!.reason).toMatch(/holds other files fixbench did not write/);
    expect(await readFile(join(site, 'gone', 'attempts', '0', 'mine.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(site, 'gone', 'index.html'))).toBe(false);
    expect(existsSync(join(site, 'gone', 'attempts', '0', '0.html'))).toBe(false);
  });

  it('leaves a report whose index.html changed since the site wrote it, and never follows a link', async () => {
    const { results, site } = await siteThenRemove('changed', ['keep', 'edited', 'linked'], ['edited', 'linked']);
    await writeFile(join(site, 'edited', 'index.html'), '<html>rewritten since</html>');
    // linked/attempts → a folder outside the site holding a file named like a page
    const outside = join(dir, 'changed', 'outside');
    await mkdir(join(outside, '0'), { recursive: true });
    await writeFile(join(outside, '0', '0.html'), 'not fixbench\'s');
    await writeFile(join(outside, 'pages.json'), await readFile(join(site, 'linked', 'attempts', 'pages.json'), 'utf8'));
    await rm(join(site, 'linked', 'attempts'), { recursive: true });
    const { symlink } = await import('node:fs/promises');
    await symlink(outside, join(site, 'linked', 'attempts'));
    const again = await buildSite({ resultsDir: results, outDir: site });
    expect(again.gone.kept.map((k) => k.id).sort()).toEqual(['edited', 'linked']);
    expect(again.gone.kept.find((k) => k.id === 'edited')!.reason).toMatch(/is not the report report --site wrote/);
    expect(await readFile(join(site, 'edited', 'index.html'), 'utf8')).toBe('<html>rewritten since</html>');
    expect(existsSync(join(site, 'edited', 'attempts', '0', '0.html'))).toBe(true);
    expect(await readFile(join(outside, '0', '0.html'), 'utf8')).toBe('not fixbench\'s');
    expect(existsSync(join(outside, 'pages.json'))).toBe(true);
  });

  it('a run\'s report folder, its attempts/ or attempts/<n> replaced by a link elsewhere: the build stops naming it, nothing written there (atkK13 #3)', async () => {
    const { results, site } = await siteThenRemove('link-folders', ['only'], []);
    const { link, lstat, readdir, rename, symlink } = await import('node:fs/promises');
    for (const rel of ['only', 'only/attempts', 'only/attempts/0']) {
      const outside = join(dir, 'link-folders', `outside-${rel.replaceAll('/', '-')}`);
      await mkdir(outside, { recursive: true });
      await writeFile(join(outside, 'index.html'), 'keep me');
      await writeFile(join(outside, '0.html'), 'keep me');
      await rename(join(site, rel), `${join(site, rel)}-moved`);
      await symlink(outside, join(site, rel));
      const err = await buildSite({ resultsDir: results, outDir: site }).catch((e: unknown) => e);
      expect(err, rel).toBeInstanceOf(UserInputError);
      expect((err as Error).message, rel).toContain(`${join(site, rel)} is a symbolic link`);
      expect((err as Error).message, rel).toMatch(/fix: remove .* and build the report again/);
      expect((await readdir(outside)).sort(), rel).toEqual(['0.html', 'index.html']);
      expect(await readFile(join(outside, 'index.html'), 'utf8'), rel).toBe('keep me');
      expect(await readFile(join(outside, '0.html'), 'utf8'), rel).toBe('keep me');
      await rm(join(site, rel));
      await rename(`${join(site, rel)}-moved`, join(site, rel));
    }
    // a hard link planted at the site's index.html: replaced, the file it shared untouched
    const victim = join(dir, 'link-folders', 'victim.html');
    await writeFile(victim, 'keep me');
    await rm(join(site, 'index.html'));
    await link(victim, join(site, 'index.html'));
    await buildSite({ resultsDir: results, outDir: site });
    expect(await readFile(victim, 'utf8')).toBe('keep me');
    expect((await lstat(victim)).nlink).toBe(1);
    expect(await readFile(join(site, 'index.html'), 'utf8')).toContain('only/index.html');
  });
});
