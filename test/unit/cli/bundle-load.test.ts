import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBundle, tierUpLater, TIER_UP_LATER_COMMANDS } from '../../../scripts/bundle-load.mjs';

// bin/fixbench.mjs runs the start-up bundle through loadBundle with the build's V8 code cache: the
// cache must be taken when it fits, a cache that does not fit must cost a plain compile and nothing
// else, and the bundle must run as its ES-module sources did (strict mode, import.meta.url, require).
describe('loadBundle', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'fixbench-bundle-load-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const code = [
    'const { join } = require("node:path");',
    'exports.url = __fixbench_import_meta_url;',
    'exports.here = join(__dirname, "x");',
    'exports.self = (function () { return this; })();',
    'exports.sloppy = () => { undeclaredName = 1; };',
    'exports.twice = (n) => n * 2;',
  ].join('\n');

  it('runs the bundle with the CommonJS parameters, its file URL as import.meta.url, in strict mode, keeping its line numbers', () => {
    const file = path.join(dir, 'bundle', 'main.cjs');
    const { exports, rejected } = loadBundle(Buffer.from(code), file);
    expect(rejected).toBe(false); // no cache given: nothing to reject
    expect(exports.url).toBe(pathToFileURL(file).href);
    expect(exports.here).toBe(path.join(dir, 'bundle', 'x'));
    expect(exports.self).toBeUndefined(); // strict: `this` of a plain call
    expect(() => (exports.sloppy as () => void)()).toThrow(ReferenceError);
    const thrower = loadBundle('\n\nexports.f = () => { throw new Error("x"); };', file).exports.f as () => void;
    try {
      thrower();
    } catch (e) {
      expect((e as Error).stack).toContain(`${file}:3:`); // line 3 of the bundle's own text
    }
  });

  it('takes a code cache made from the same text, and compiles without one it rejects (another text, or garbage)', () => {
    const file = path.join(dir, 'main.cjs');
    const first = loadBundle(code, file);
    (first.exports.twice as (n: number) => number)(2); // compiled now, so in the cache
    const cache = first.script.createCachedData();
    const again = loadBundle(code, file, cache);
    expect(again.rejected).toBe(false);
    expect((again.exports.twice as (n: number) => number)(21)).toBe(42);
    const other = loadBundle(`${code}\nexports.more = 1;`, file, cache);
    expect(other.rejected).toBe(true);
    expect(other.exports.more).toBe(1);
    // (a text of its own: V8 answers a text it compiled before in this process from memory, cache or not)
    const garbage = loadBundle(`${code}\n// garbage`, file, Buffer.from('not a code cache'));
    expect(garbage.rejected).toBe(true);
    expect((garbage.exports.twice as (n: number) => number)(1)).toBe(2);
  });
});

// bin/fixbench.mjs raises V8's interrupt budget for the grading commands (ovh11): a function run a
// few thousand loop turns is then left to the baseline tiers instead of being optimised by TurboFan.
// V8's budget counts bytecode, not time: the same program tiers up at the same point every run.
describe('tierUpLater', () => {
  const loader = pathToFileURL(fileURLToPath(new URL('../../../scripts/bundle-load.mjs', import.meta.url))).href;
  /** How many times V8 reports `work` (20 calls × `turns` loop turns) marked or compiled for TurboFan after `tierUpLater(command)`. */
  const optimisations = (command: string, turns: number): number => {
    const program = [
      `const { tierUpLater } = await import(${JSON.stringify(loader)});`,
      `tierUpLater(${JSON.stringify(command)});`,
      'function work(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i * 7) % 1000003; return s; }',
      `for (let j = 0; j < 20; j++) work(${turns});`,
    ].join('\n');
    const out = execFileSync(process.execPath, ['--trace-opt', '--input-type=module', '-e', program], { encoding: 'utf8' });
    return out.split('\n').filter((l) => /<JSFunction work\b.*TURBOFAN/.test(l)).length;
  };

  // The turn counts fit V8 11.3's default budget (Node 20, this repository's CI); Node 22's V8 has another default.
  it.runIf(process.versions.v8.startsWith('11.3.'))('raises the budget for run and eval only, so a lukewarm function stays unoptimised there', () => {
    expect(TIER_UP_LATER_COMMANDS).toEqual(['run', 'eval']);
    expect(optimisations('report', 200)).toBeGreaterThan(0); // default budget: optimised
    expect(optimisations('run', 200)).toBe(0);
    expect(optimisations('eval', 200)).toBe(0);
    expect(optimisations('run', 5000)).toBeGreaterThan(0); // a hot function still is
  });

  it('says whether it raised the budget', () => {
    expect(tierUpLater(undefined)).toBe(false);
    expect(tierUpLater('tasks')).toBe(false);
  });
});
