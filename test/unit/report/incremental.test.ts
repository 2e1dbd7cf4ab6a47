// Incremental attempt pages and the report read from a run folder (issue 18.4): a report built in
// steps — records added, a record changed, the template changed — is byte-identical to a full
// build of the final state in an empty folder, and only the pages that changed are written.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/report/build.ts';
import { buildReportFromRun } from '../../../src/report/build-run.ts';
import { RunWriter, readRun } from '../../../src/store/store.ts';
import { readAttemptIndex, writeAttemptIndex } from '../../../src/store/attempt-index.ts';
import type { AttemptRecord } from '../../../src/store/records.ts';
import { sampleRun } from './sample-run.ts';
import { COMMAND_TRAJECTORY_FORMAT } from '../../../src/core/trajectory.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'fixbench-incremental-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => path.join(root, `out-${n++}`);

/** Every file under `dir` (relative path → bytes). */
async function tree(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath, e.name);
    out.set(path.relative(dir, p), await readFile(p));
  }
  return out;
}

async function expectSameTree(a: string, b: string): Promise<void> {
  const [ta, tb] = [await tree(a), await tree(b)];
  expect([...ta.keys()].sort()).toEqual([...tb.keys()].sort());
  for (const [k, v] of ta) expect(v.equals(tb.get(k)!), k).toBe(true);
}

/** mtime (ms) of every attempt page: which ones a build rewrote. */
async function mtimes(dir: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [k] of await tree(dir)) if (k.endsWith('.html') && k.startsWith('attempts')) out.set(k, (await stat(path.join(dir, k))).mtimeMs);
  return out;
}

describe('incremental attempt pages', () => {
  it('a report built in steps equals a full build, byte for byte, and rewrites only changed pages', async () => {
    const { header, attempts } = sampleRun();
    const half = attempts.filter((_, i) => i % 2 === 0);
    const out = fresh();
    await buildReport({ header, attempts: half, outDir: out });
    // more attempts finished (resume): the new ones get pages, the old pages stay
    await buildReport({ header, attempts, outDir: out });
    const full = fresh();
    await buildReport({ header, attempts, outDir: full });
    await expectSameTree(out, full);

    // one record changed (e.g. re-priced or re-graded): its page, and only it, is written again
    const before = await mtimes(out);
    await new Promise((r) => setTimeout(r, 20)); // mtimes in ms: make a rewrite visible
    const changed: AttemptRecord[] = attempts.map((r, i) => (i === 3 ? { ...r, list_usd: (r.list_usd ?? 0) + 1.5 } : r));
    await buildReport({ header, attempts: changed, outDir: out });
    const after = await mtimes(out);
    const rewritten = [...after].filter(([k, t]) => t !== before.get(k)).map(([k]) => k);
    expect(rewritten).toHaveLength(1);
    const full2 = fresh();
    await buildReport({ header, attempts: changed, outDir: full2 });
    await expectSameTree(out, full2);

    // fewer contenders' records (a page no longer in the run): removed
    const fewer = changed.filter((r) => r.contender !== changed[0]!.contender);
    await buildReport({ header, attempts: fewer, outDir: out });
    const full3 = fresh();
    await buildReport({ header, attempts: fewer, outDir: full3 });
    await expectSameTree(out, full3);
  });

  it('rewrites every page when the template changed, and a page edited or deleted on disk', async () => {
    const { header, attempts } = sampleRun();
    const out = fresh();
    await buildReport({ header, attempts, outDir: out });
    const manifestFile = path.join(out, 'attempts', 'pages.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { template: string; pages: Record<string, unknown> };
    const pages = Object.keys(manifest.pages);
    // a page damaged by hand, another deleted
    await writeFile(path.join(out, 'attempts', pages[0]!), 'edited');
    rmSync(path.join(out, 'attempts', pages[1]!));
    await buildReport({ header, attempts, outDir: out });
    const full = fresh();
    await buildReport({ header, attempts, outDir: full });
    await expectSameTree(out, full);
    // an older template version: every page is written again
    await writeFile(manifestFile, JSON.stringify({ ...manifest, template: 'older' }));
    const before = await mtimes(out);
    await new Promise((r) => setTimeout(r, 20));
    await buildReport({ header, attempts, outDir: out });
    const after = await mtimes(out);
    expect([...after].filter(([k, t]) => t === before.get(k))).toEqual([]);
    await expectSameTree(out, full);
  });

  it('rewrites the page of a trajectory that changed on disk, even at the same size, and only it', async () => {
    const { header, attempts } = sampleRun();
    const runDir = path.join(root, `run-${n++}`);
    const r = attempts.find((a) => a.contender === 'claude-sonnet-4.5')!;
    const file = path.join(runDir, 'trajectories', r.contender, r.instance_id, `${r.attempt}.json`);
    await mkdir(path.dirname(file), { recursive: true });
    const doc = (error: string) => JSON.stringify({
      format: COMMAND_TRAJECTORY_FORMAT, agent: 'a', model: 'm', instance_id: r.instance_id, command: 'x', wall_limit_ms: 1, cost_limit_usd: null,
      exit_status: null, error, process: null, calls: [], refusals: null, upstream_errors: null, output: null,
    });
    await writeFile(file, doc('trajectory version one'));
    const out = fresh();
    await buildReport({ header, attempts, outDir: out, runDir });
    const page = Object.entries(JSON.parse(await readFile(path.join(out, 'attempts', 'pages.json'), 'utf8')).pages as Record<string, unknown>)
      .map(([k]) => path.join(out, 'attempts', k))
      .find((p) => readFileSync(p, 'utf8').includes('trajectory version one'))!;
    expect(page).toBeDefined();
    const before = await mtimes(out);
    await new Promise((res) => setTimeout(res, 20));
    await writeFile(file, doc('trajectory version two')); // same size: the stamp's mtime and ctime tell
    await buildReport({ header, attempts, outDir: out, runDir });
    expect(await readFile(page, 'utf8')).toContain('trajectory version two');
    const after = await mtimes(out);
    expect([...after].filter(([k, t]) => t !== before.get(k)).map(([k]) => path.join(out, k))).toEqual([page]);
    const full = fresh();
    await buildReport({ header, attempts, outDir: full, runDir });
    await expectSameTree(out, full);
    // the file removed: the page says so
    rmSync(file);
    await buildReport({ header, attempts, outDir: out, runDir });
    expect(await readFile(page, 'utf8')).toContain('No trajectory file was found');
  });

  it('never deletes a file a hand-edited manifest names outside the page pattern', async () => {
    const { header, attempts } = sampleRun();
    const out = fresh();
    await buildReport({ header, attempts, outDir: out });
    const manifestFile = path.join(out, 'attempts', 'pages.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { pages: Record<string, unknown> };
    await writeFile(path.join(out, 'keep.txt'), 'mine');
    await writeFile(manifestFile, JSON.stringify({ ...manifest, pages: { ...manifest.pages, '../keep.txt': { digest: 'x', bytes: 4 }, '../index.html': { digest: 'x', bytes: 1 } } }));
    await buildReport({ header, attempts, outDir: out });
    expect(await readFile(path.join(out, 'keep.txt'), 'utf8')).toBe('mine');
    expect((await stat(path.join(out, 'index.html'))).size).toBeGreaterThan(1000);
  });
});

describe('buildReportFromRun (index from projected records, pages read back by line)', () => {
  it('is byte-identical to buildReport over readRun', async () => {
    const { header, attempts } = sampleRun();
    const runDir = path.join(root, 'results', header.run_id);
    const w = await RunWriter.create(runDir, header);
    for (const r of attempts) await w.appendAttempt(r);
    const stored = await readRun(runDir);
    const a = fresh();
    await buildReport({ header: stored.header, attempts: stored.attempts, outDir: a, runDir });
    const b = fresh();
    await buildReportFromRun({ runDir, outDir: b });
    await expectSameTree(a, b);
    // and again into the same folder: nothing to write, same bytes
    await buildReportFromRun({ runDir, outDir: b });
    await expectSameTree(a, b);
  });

  it('reads attempts.jsonl, never the sidecar index: a hand-edited attempts.index.jsonl (its hash chain even made anew) changes nothing', async () => {
    const { header, attempts } = sampleRun();
    const runDir = path.join(root, 'results-sidecar', header.run_id);
    const w = await RunWriter.create(runDir, header);
    for (const r of attempts) await w.appendAttempt(r);
    const a = fresh();
    await buildReportFromRun({ runDir, outDir: a, attemptPages: false });
    const { entries } = await readAttemptIndex(runDir, header, { repair: false });
    // every attempt resolved at no cost, the chain recomputed: a sidecar every check of its own lines accepts
    await writeAttemptIndex(runDir, entries.map((e) => ({ ...e, outcome: 'resolved', list_usd: 0, usage: { ...e.usage, output: 0 } })));
    const b = fresh();
    await buildReportFromRun({ runDir, outDir: b, attemptPages: false });
    expect(readFileSync(path.join(b, 'index.html'), 'utf8')).toBe(readFileSync(path.join(a, 'index.html'), 'utf8'));
  });
});

describe('attempt pages never go through a link (atkI13 #5)', () => {
  it('a linked attempts/<n> folder stops the build with its name; a stale page behind one is not removed', async () => {
    const { header, attempts } = sampleRun();
    const out = fresh();
    await buildReport({ header, attempts, outDir: out });
    const victim = path.join(root, `victim-${n++}`);
    await mkdir(victim);
    await writeFile(path.join(victim, '0.html'), 'keep me');
    const { rm, symlink, rename } = await import('node:fs/promises');
    // the contender folder 0 replaced by a link to the victim: writing through it is refused
    await rename(path.join(out, 'attempts', '0'), path.join(out, 'attempts', '0-old'));
    await symlink(victim, path.join(out, 'attempts', '0'));
    await expect(buildReport({ header, attempts, outDir: out })).rejects.toThrow(/attempts\/0 is a symbolic link/);
    expect(await readFile(path.join(victim, '0.html'), 'utf8')).toBe('keep me');
    await rm(path.join(out, 'attempts', '0'));
    await rename(path.join(out, 'attempts', '0-old'), path.join(out, 'attempts', '0'));
    // a stale page whose folder is a link: left alone (the build that drops it never follows the link)
    const manifest = JSON.parse(await readFile(path.join(out, 'attempts', 'pages.json'), 'utf8'));
    manifest.pages['97/0.html'] = { digest: 'x', bytes: 1 };
    await writeFile(path.join(out, 'attempts', 'pages.json'), JSON.stringify(manifest));
    await symlink(victim, path.join(out, 'attempts', '97'));
    await buildReport({ header, attempts, outDir: out });
    expect(await readFile(path.join(victim, '0.html'), 'utf8')).toBe('keep me');
  });
});

describe('report files are never written through a link (atkJ13 #3, atkK13 #3)', () => {
  it('a page, the stylesheet or index.html replaced by a symbolic or hard link: the link is replaced, its target untouched', async () => {
    const { header, attempts } = sampleRun();
    const { link, lstat, rm, symlink } = await import('node:fs/promises');
    for (const kind of ['symbolic', 'hard'] as const) {
      for (const rel of ['attempts/0/0.html', 'attempts/attempt.css', 'index.html']) {
        const out = fresh();
        await buildReport({ header, attempts: attempts.slice(0, 1), outDir: out });
        const full = fresh();
        const changed = attempts.slice(0, 1).map((a) => ({ ...a, wall_ms: a.wall_ms + 1 }));
        await buildReport({ header, attempts: changed, outDir: full });
        const victim = path.join(root, `victim-${n++}.txt`);
        await writeFile(victim, 'keep me');
        await rm(path.join(out, rel));
        await (kind === 'symbolic' ? symlink(victim, path.join(out, rel)) : link(victim, path.join(out, rel)));
        // a changed record makes every page new (a template change would too)
        await buildReport({ header, attempts: changed, outDir: out });
        expect(await readFile(victim, 'utf8'), `${kind} ${rel}`).toBe('keep me');
        expect((await lstat(path.join(out, rel))).isFile(), `${kind} ${rel}`).toBe(true);
        expect((await lstat(victim)).nlink, `${kind} ${rel}`).toBe(1);
        await expectSameTree(out, full); // the report is the one a build in an empty folder writes
      }
    }
  });
});
