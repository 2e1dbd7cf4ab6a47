import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sameApartFromTimes, withoutTimes } from '../../../bench/lib/same-run.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-same-run-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const rec = (o: Record<string, unknown>) => JSON.stringify({ outcome: 'resolved', wall_ms: 4601, test_ms: 1627, finished_at: '2026-12-05T08:22:40.107Z', ...o });

async function side(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(tmp, name);
  for (const [f, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
    await writeFile(path.join(dir, f), text);
  }
  return dir;
}

describe('sameApartFromTimes (the compiled-vs-uncompiled check)', () => {
  it('times, durations and temporary paths differ: still the same', async () => {
    const a = await side('a1', { 'attempts.jsonl': rec({}), 'index.html': '<dd>4.6 s (model 0 ms)</dd><td data-v="5114.5">5.1 s</td> /tmp/fixbench-patch-l4dohr/patch.diff' });
    const b = await side('b1', { 'attempts.jsonl': rec({ wall_ms: 3986, test_ms: 1890, finished_at: '2026-12-05T08:22:59.939Z' }), 'index.html': '<dd>4.0 s (model 0 ms)</dd><td data-v="3332">3.3 s</td> /tmp/fixbench-patch-fdnR9u/patch.diff' });
    expect(await sameApartFromTimes(a, b)).toEqual([]);
  });

  it('another outcome, a missing file or a changed count is a difference, named by file and line', async () => {
    const a = await side('a2', { 'attempts.jsonl': rec({}), 'logs/x/apply_log.txt': 'ok\n', 'index.html': '<td>3 resolved</td>' });
    const b = await side('b2', { 'attempts.jsonl': rec({ outcome: 'unresolved' }), 'index.html': '<td>2 resolved</td>' });
    const problems = await sameApartFromTimes(a, b);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^logs\/x\/apply_log\.txt: only in /);
    expect(problems[1]).toMatch(/^attempts\.jsonl: line 1 differs: .*\\"resolved\\".* vs .*\\"unresolved\\"/);
    expect(problems[2]).toMatch(/^index\.html: line 1 differs/);
  });

  it("ignores the harness commit's +dirty mark (the checkout edited between the runs), not another commit", () => {
    const sha = 'a'.repeat(40);
    expect(withoutTimes(`"commit": "${sha}+dirty"`)).toBe(withoutTimes(`"commit": "${sha}"`));
    expect(withoutTimes(`"commit": "${sha}"`)).not.toBe(withoutTimes(`"commit": "${'b'.repeat(40)}"`));
  });

  it("ignores a record's canary guess odds (they follow the random draw of copies), not the canary verdicts", () => {
    const c = (guess: number, pass = 'passed') => `"canaries":{"fail":"failed","pass":"${pass}","kind":"mutated","guess":${guess}}`;
    expect(withoutTimes(c(0.25))).toBe(withoutTimes(c(0.125)));
    expect(withoutTimes(c(0.25))).not.toBe(withoutTimes(c(0.25, 'failed')));
  });

  it("ignores a record's canary echoed values (which test tells its mutant follows the draw), not what follows them", () => {
    const c = (echoed: string, kind = 'mutated') => `"canaries":{"fail":"failed","pass":"passed","guess":1${echoed},"kind":"${kind}"}`;
    const one = ',"echoed":[{"file":"test/a.test.js","test":"a > reads \\"}\\" keys","value":"}"}]';
    const two = ',"echoed":[{"file":"t.js","test":"x","value":"1"}, {"file":"t.js","test":"y","value":"{2}"}]';
    expect(withoutTimes(c(one))).toBe(withoutTimes(c('')));
    expect(withoutTimes(c(two))).toBe(withoutTimes(c('')));
    expect(withoutTimes(c(one))).not.toBe(withoutTimes(c('', 'synthetic')));
  });

  it('leaves numbers that are not times alone', () => {
    expect(withoutTimes('"calls":5,"steps":12 resolved 3/16')).toBe('"calls":5,"steps":12 resolved 3/16');
  });
  it("the sidecar index's line places follow the finishing order: ignored; its outcome is not", async () => {
    const header = '{"attempts_index":1}\n';
    const x = (o: string, line: number, off: number) => JSON.stringify(['k1', 'gold', 'js-csv-4', 0, o, 0, null, 0, 0, 0, 0, 0, 0, line, off, 12613]);
    const y = (line: number, off: number) => JSON.stringify(['k2', 'noop', 'js-csv-4', 0, 'unresolved', 0, null, 0, 0, 0, 0, 0, 0, line, off, 9000]);
    const a = await side('a5', { 'attempts.index.jsonl': `${header}${x('resolved', 1, 0)}\n${y(2, 12613)}\n` });
    const b = await side('b5', { 'attempts.index.jsonl': `${header}${y(1, 0)}\n${x('resolved', 2, 9000)}\n` });
    const c = await side('c5', { 'attempts.index.jsonl': `${header}${y(1, 0)}\n${x('unresolved', 2, 9000)}\n` });
    expect(await sameApartFromTimes(a, b)).toEqual([]);
    expect(await sameApartFromTimes(a, c)).toHaveLength(1);
  });
});
